/*
 * complete.c - `scoperun __complete WHAT`, for the shell completions in
 * cmd/completions/ (hidden: not in the usage, never a verb a typo is
 * matched to). One word a line:
 *   verbs            the verbs
 *   options VERB     the options VERB's usage names, so that completion
 *                    follows the usage and cannot drift from it
 *   agents           the agents with a policy
 *   secrets [VAULT]  the secrets' names (the vault read for metadata:
 *                    no identity, nothing decrypted, never a value)
 * Nothing is printed on an error: a completion has no place to say it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "policy.h"
#include "vault_session.h"

/* The option at p (--name, or -x alone): its length, 0 for none. */
static size_t
option_at(const char *line, const char *p, const char *end)
{
	size_t n;

	if (p[0] != '-' || (p > line && p[-1] != ' ' && p[-1] != '[' &&
	    p[-1] != '|'))
		return 0;
	if (p + 2 < end && p[1] == '-' && p[2] >= 'a' && p[2] <= 'z')
		return strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-") + 2;
	n = p + 2 <= end && p[1] >= 'a' && p[1] <= 'z' ? 2 : 0;
	return n && (p + 2 == end || strchr(" ,]|", p[2])) ? n : 0;
}

/* The options of usage's synopsis and option lines (not its prose),
 * each once. */
static void
print_options(const char *usage)
{
	char seen[2048] = " ";
	const char *line = usage, *p, *end;
	char opt[64];
	size_t n;

	for (; *line != '\0'; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		if (strncmp(line, "usage:", 6) != 0 && line[0] != ' ')
			continue;
		for (p = line; p < end; p++) {
			if ((n = option_at(line, p, end)) == 0 ||
			    n + 2 > sizeof(opt))
				continue;
			snprintf(opt, sizeof(opt), " %.*s ", (int)n, p);
			p += n - 1;
			if (strstr(seen, opt) != NULL ||
			    strlen(seen) + n + 2 >= sizeof(seen))
				continue;
			strcat(seen, opt + 1);
			printf("%.*s\n", (int)n, opt + 1);
		}
	}
}

static int
print_agents(void)
{
	sr_err err = SR_ERR_INIT;
	char **names;
	size_t n, i;

	if (sr_policy_names(&names, &n, &err) != 0)
		return SR_EXIT_USAGE;
	for (i = 0; i < n; i++)
		printf("%s\n", names[i]);
	sr_policy_names_free(names, n);
	return SR_EXIT_OK;
}

int
cmd_complete(int argc, char **argv)
{
	const char *u;
	vault_args a;
	sr_err err = SR_ERR_INIT;
	size_t i;

	if (argc == 2 && strcmp(argv[1], "verbs") == 0) {
		for (i = 0; cli_verb_at(i) != NULL; i++)
			printf("%s\n", cli_verb_at(i));
		return SR_EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[1], "options") == 0) {
		if ((u = cli_usage_of(argv[2])) == NULL)
			return SR_EXIT_USAGE;
		print_options(u);
		return SR_EXIT_OK;
	}
	if (argc == 2 && strcmp(argv[1], "agents") == 0)
		return print_agents();
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "secrets") == 0) {
		memset(&a, 0, sizeof(a));
		a.vault = argc == 3 ? argv[2] : NULL;
		return secret_ls_names(&a, &err) == 0 ? SR_EXIT_OK :
		    SR_EXIT_USAGE;
	}
	return SR_EXIT_USAGE;
}
