/*
 * help.c - `scoperun help [VERB]`, `VERB --help`, and the hint a name
 * that is not an agent gets when it is close to a verb.
 *
 * Each verb's usage text lives in the verb's own file, beside the code
 * that parses its options (cli_usage_VERB), so that the two change
 * together; this file only finds and prints them.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "policy.h"

#ifndef SCOPERUN_DATADIR
#define SCOPERUN_DATADIR "/usr/local/share/scoperun"
#endif

static const char usage_help[] =
    "usage: scoperun help [VERB]     this text, or VERB's\n"
    "       scoperun VERB --help     the same\n";

static const struct {
	const char *verb;
	const char *usage;
} helps[] = {
	{ "run", cli_usage_run },
	{ "init", cli_usage_init },
	{ "keygen", cli_usage_keygen },
	{ "secret", cli_usage_secret },
	{ "recipient", cli_usage_recipient },
	{ "policy", cli_usage_policy },
	{ "audit", cli_usage_audit },
	{ "check", cli_usage_check },
	{ "hook", cli_usage_hook },
	{ "help", usage_help },
};

#define NHELPS (sizeof(helps) / sizeof(helps[0]))

const char *
cli_verb_at(size_t i)
{
	return i < NHELPS ? helps[i].verb : NULL;
}

const char *
cli_usage_of(const char *verb)
{
	size_t i;

	for (i = 0; i < NHELPS; i++)
		if (strcmp(helps[i].verb, verb) == 0)
			return helps[i].usage;
	return NULL;
}

int
cli_help_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

int
cli_help_verb(const char *verb)
{
	const char *u = cli_usage_of(verb);

	if (u == NULL)
		return SR_EXIT_USAGE;
	fputs(u, stdout);
	return fflush(stdout) == 0 ? SR_EXIT_OK : SR_EXIT_USAGE;
}

void
cli_usage_error(const char *who, const char *usage)
{
	size_t n = strcspn(usage, "\n");

	fprintf(stderr, "scoperun: %s: %.*s (more: scoperun help %s)\n", who,
	    (int)n, usage, who);
}

/* Optimal string alignment distance (a swap of neighbours counts one),
 * for names of at most 64 bytes; larger is 99. */
size_t
cli_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[65][65], c;

	if (la > 64 || lb > 64)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	}
	return d[la][lb];
}

const char *
cli_verb_near(const char *name)
{
	const char *best = NULL;
	size_t i, d, bestd = 3, n = strlen(name);

	for (i = 0; i < NHELPS; i++) {
		/* `scoperun run` wants an agent: no name meant it */
		if (strcmp(helps[i].verb, "run") == 0)
			continue;
		/* "sec" for secret; two letters say too little */
		if (n >= 3 && strncmp(helps[i].verb, name, n) == 0)
			return helps[i].verb;
		d = cli_distance(name, helps[i].verb);
		/* one letter off a short verb is a slip; two letters off
		 * "hook" are "foo" and many another name */
		if (d < bestd && d * 2 < strlen(helps[i].verb)) {
			bestd = d;
			best = helps[i].verb;
		}
	}
	return best;
}

int
cmd_help(int argc, char **argv)
{
	const char *near;
	char q[400];

	if (argc < 2) {
		cli_usage(stdout);
		return SR_EXIT_OK;
	}
	if (argc == 2 && cli_usage_of(argv[1]) != NULL)
		return cli_help_verb(argv[1]);
	if (argc == 2 && (near = cli_verb_near(argv[1])) != NULL)
		cli_errorf("help", "no verb '%s'; did you mean 'scoperun "
		    "%s'?", sr_err_quote(q, sizeof(q), argv[1],
		    strlen(argv[1])), near);
	else
		cli_usage_error("help", usage_help);
	return SR_EXIT_USAGE;
}

/* Whether any policy directory holds a policy yet. */
static int
have_policies(void)
{
	sr_err err = SR_ERR_INIT;
	char **names = NULL;
	size_t n = 0;

	if (sr_policy_names(&names, &n, &err) != 0)
		return 1;	/* cannot tell: no advice */
	sr_policy_names_free(names, n);
	return n > 0;
}

void
cli_no_policy_hint(const char *agent, sr_err *err)
{
	const char *why = err->reason;
	char was[SR_ERR_MSG_MAX];
	const char *near;

	/* decided by the reason (err.h), not the message's words */
	if (why == NULL || strcmp(why, "policy.missing") != 0 ||
	    strchr(agent, '/') != NULL)
		return;
	if ((near = cli_verb_near(agent)) != NULL)
		sr_err_set(err, err->kind, NULL, 0, "no policy for agent '%s' "
		    "(did you mean 'scoperun %s'?)", agent, near);
	else if (!have_policies()) {
		snprintf(was, sizeof(was), "%s", err->msg);
		sr_err_set(err, err->kind, NULL, 0, "%s: there is no policy "
		    "yet; `scoperun init` writes an example, and templates to "
		    "copy are in %s/policies", was, SCOPERUN_DATADIR);
	}
	sr_err_set_reason(err, why);
}
