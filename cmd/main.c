/*
 * main.c - scoperun's entry point: pick the verb, or run an agent.
 *
 * A verb always wins over an agent of the same name; such an agent runs
 * with `scoperun run NAME -- ...`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "secmem.h"
#include "term.h"
#include "vault_session.h"

static const char *const usage_lines[] = {
	"scoperun [OPTIONS] AGENT [--] COMMAND [ARG...]   run COMMAND as AGENT",
	"scoperun run [OPTIONS] AGENT [--] COMMAND [ARG...]   the same, explicitly",
	"scoperun init                     create identity, empty vault, example policy",
	"scoperun keygen [-o FILE]         new identity; prints its public recipient",
	"scoperun secret set NAME          value from stdin (never argv); no echo on a tty",
	"scoperun secret rotate NAME       new value from stdin, same metadata",
	"scoperun secret ls | rm NAME      names and metadata, never values",
	"scoperun recipient ls | add RECIPIENT | rm RECIPIENT   team and CI sharing",
	"scoperun vault verify | upgrade | accept-rollback   the vault as a whole",
	"scoperun audit verify [FILE] [--key HEX] [--checkpoint F]   chain, seals, checkpoints",
	"         [--key-file F] [--identity ID] [--no-head]   a sealed key; a log without head",
	"scoperun audit show [--json] [--agent A] [--since 7d]",
	"scoperun audit report [--format text|json|markdown] [--since 1d|DATE]",
	"                                  per agent: runs, refusals, secrets, minted, unused",
	"scoperun audit checkpoint         a signed checkpoint to keep elsewhere",
	"scoperun audit key --export [--remove]     the initial key, to keep elsewhere",
	"scoperun audit key --seal-to RECIPIENT     the initial key, sealed to an auditor",
	"scoperun audit reset              a new log where an old one was, recorded",
	"scoperun policy check AGENT       validate; list every error and warning",
	"scoperun policy explain AGENT     what AGENT would get (names only)",
	"scoperun check [--staged|--history] [--format text|json|sarif]",
	"               [--agent A] [PATH] leak check: env files and vault values in git",
	"scoperun hook install [--force] [PATH]   a git pre-commit hook: check --staged",
	"scoperun agent ls | suspend NAME | resume NAME   agents, owners, suspensions",
	"scoperun help [VERB] | VERB --help | --version",
	"",
	"options: -n, --dry-run     decide and print the variable names; exec nothing",
	"         --task ID         task id for the audit record ($SCOPERUN_TASK_ID)",
	"         --vault FILE, --identity FILE   where the sealed secrets are",
	"         --identity-fd N   the identity itself on descriptor N (or",
	"                           $SCOPERUN_IDENTITY_KEY): for CI",
	"secret set/rotate: --from-file F, --expires T|90d, --rotate-after 90d,",
	"         --label K=V (repeatable)",
	"",
	"AGENT is a policy name (AGENT.toml in $SCOPERUN_POLICY_DIR,",
	"~/.config/scoperun/policies, /etc/scoperun/policies) or a path with a /.",
	"A run exits with the command's status, or 125 when scoperun refused,",
	"126 when the command cannot be executed, 127 when it is not found.",
	NULL
};

/* Verbs of SPEC §2 that later versions fill in; reserved now so that an
 * agent can never take their names. */
static const char *const planned_verbs[] = { NULL };

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
};

void
cli_usage(FILE *f)
{
	size_t i;

	for (i = 0; usage_lines[i] != NULL; i++)
		fprintf(f, "%s\n", usage_lines[i]);
}

const char *
cli_esc(const char *s)
{
	static char *ring[16];
	static unsigned next;
	size_t len, need;
	char *out;

	if (s == NULL)
		return "(none)";
	if (sr_term_clean(s, len = strlen(s)))
		return s;
	need = sr_term_escape(NULL, 0, s, len) + 1;
	if ((out = malloc(need)) == NULL)
		return "(unprintable)";
	sr_term_escape(out, need, s, len);
	free(ring[next % 16]);
	ring[next++ % 16] = out;
	return out;
}

void
cli_error(const char *who, const sr_err *err)
{
	if (err->line > 0)
		fprintf(stderr, "scoperun: %s: %s (%s:%u)\n", cli_esc(who),
		    cli_esc(err->msg), cli_esc(err->file), err->line);
	else
		fprintf(stderr, "scoperun: %s: %s\n", cli_esc(who),
		    cli_esc(err->msg));
}

void
cli_errorf(const char *who, const char *fmt, ...)
{
	char msg[SR_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "scoperun: %s: %s\n", cli_esc(who), cli_esc(msg));
}

int
cli_run_status(const sr_err *err)
{
	switch (err->kind) {
	case SR_ERR_NOTFOUND:
		return SR_EXIT_NOTFOUND;
	case SR_ERR_NOEXEC:
		return SR_EXIT_NOEXEC;
	default:
		return SR_EXIT_REFUSED;
	}
}

int
main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	sr_err err = SR_ERR_INIT;
	size_t i;

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
		    secure_memory_begin(&err) != 0)) {
			cli_errorf(verb, "cannot initialise libsodium or turn "
			    "core dumps off");
			return SR_EXIT_USAGE;
		}
		return verbs[i].fn(argc - 1, argv + 1);
	}
	for (i = 0; planned_verbs[i] != NULL; i++) {
		if (strcmp(verb, planned_verbs[i]) == 0) {
			cli_errorf(verb, "not available in this version of "
			    "scoperun");
			return SR_EXIT_USAGE;
		}
	}
	return cmd_run(argc, argv);
}
