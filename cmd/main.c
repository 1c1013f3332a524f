/*
 * main.c - scoperun's entry point: pick the verb, or run an agent.
 *
 * A verb always wins over an agent of the same name; such an agent runs
 * with `scoperun run NAME -- ...`.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "secmem.h"
#include "vault_session.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
} verbs[] = {
	{ "run", cmd_run },
	{ "policy", cmd_policy },
	{ "init", cmd_init },
	{ "keygen", cmd_keygen },
	{ "secret", cmd_secret },
	{ "recipient", cmd_recipient },
	{ "vault", cmd_vault },
	{ "audit", cmd_audit },
	{ "check", cmd_check },
	{ "hook", cmd_hook },
	{ "help", cmd_help },
	{ "__complete", cmd_complete },	/* for cmd/completions/ */
	{ "agent", cmd_agent },
	{ "__sandbox-hold", cmd_sandbox_hold },	/* lib/run/sandbox_keep.c */
};

int
main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	sr_err err = SR_ERR_INIT;
	size_t i;

	cli_settings_load();
	if (verb == NULL) {
		cli_usage(stderr);
		return SR_EXIT_USAGE;
	}
	if (strcmp(verb, "-h") == 0 || strcmp(verb, "--help") == 0) {
		cli_usage(stdout);
		return SR_EXIT_OK;
	}
	if (strcmp(verb, "-V") == 0 || strcmp(verb, "--version") == 0) {
		printf("scoperun %s\n", SCOPERUN_VERSION);
		return SR_EXIT_OK;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verb, verbs[i].name) != 0)
			continue;
		/* a run's options end at AGENT: its parser looks itself */
		if (verbs[i].fn != cmd_run && cli_help_wanted(argc - 1,
		    argv + 1))
			return cli_help_verb(verb);
		/* the verbs handle keys; a plain run initialises libsodium
		 * only when it has secrets to decrypt */
		if (verbs[i].fn != cmd_run && (sodium_init() < 0 ||
		    sr_secmem_begin(&err) != 0)) {
			cli_errorf(verb, "cannot initialise libsodium or turn "
			    "core dumps off");
			return SR_EXIT_USAGE;
		}
		return verbs[i].fn(argc - 1, argv + 1);
	}
	return cmd_run(argc, argv);
}
