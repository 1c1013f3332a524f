/*
 * agent_cmd.c - `scoperun agent ls | suspend NAME | resume NAME`
 * (SPEC §11).
 *
 * ls lists the agents that have policies: owner, expiry, whether they
 * are suspended, and their last run, which is the one thing here read
 * from the audit log (whole, like `audit report`: ls is for people, not
 * for every run). suspend and resume change the state file beside the
 * log (suspend.h) and are audit records themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "cli.h"
#include "paths.h"
#include "policy.h"
#include "suspend.h"
#include "timeutil.h"

/* The newest "run" record's ts per agent: names[i] -> last[i]. */
static void
last_runs(char **names, size_t n, char (*last)[32], const char *log)
{
	char **files = NULL, *line = NULL;
	size_t nfiles = 0, cap = 0, i, k;
	sr_err err = SR_ERR_INIT;
	ssize_t len;
	FILE *f;

	if (sr_audit_files(&files, &nfiles, log, &err) != 0)
		return;
	for (i = 0; i < nfiles; i++) {
		if ((f = fopen(files[i], "re")) == NULL)
			continue;
		while ((len = getline(&line, &cap, f)) > 0) {
			json_t *rec;
			const char *a, *ts;
			if (strstr(line, "\"event\":\"run\"") == NULL ||
			    (rec = json_loadb(line, (size_t)len, 0, NULL)) == NULL)
				continue;
			a = json_string_value(json_object_get(rec, "agent"));
			ts = json_string_value(json_object_get(rec, "ts"));
			for (k = 0; a != NULL && ts != NULL && k < n; k++)
				if (strcmp(names[k], a) == 0)
					snprintf(last[k], sizeof(last[k]), "%s", ts);
			json_decref(rec);
		}
		fclose(f);
	}
	free(line);
	sr_audit_files_free(files, nfiles);
}

static void
ls_one(const char *name, const char *last, const char *log)
{
	char path[SR_ERR_PATH_MAX], when[SR_TIME_RFC3339_LEN], *file = NULL;
	char owner[4 * SR_ERR_QUOTE_MAX + 8] = "-";
	sr_err err = SR_ERR_INIT;
	sr_policy *p = NULL;
	int64_t since = 0;
	int r = -1;

	if (sr_policy_find(&file, name, &err) == 0)
		sr_policy_load(&p, file, sr_time_now(), &err);
	if (sr_suspend_path(path, sizeof(path), log, name, &err) == 0)
		r = sr_suspend_check(path, &since, &err);
	/* the owner is any text the policy holds: escaped for the terminal */
	if (p != NULL && p->owner != NULL)
		sr_err_quote(owner, sizeof(owner), p->owner, strlen(p->owner));
	printf("%-24s %-28s %-21s %-22s %s\n", name, owner,
	    p == NULL ? "invalid policy" : p->expires ?
	    sr_time_format(when, sizeof(when), p->expires) : "never",
	    r < 0 ? "unknown" : r ? sr_time_format(when, sizeof(when), since)
	    : "no", last[0] ? last : "never");
	sr_policy_free(p);
	free(file);
}

static int
agent_ls(void)
{
	char log[SR_ERR_PATH_MAX], (*last)[32] = NULL, **names = NULL;
	sr_err err = SR_ERR_INIT;
	size_t n = 0, i;

	if (sr_path_get(log, sizeof(log), SR_PATH_AUDIT, NULL, &err) != 0 ||
	    sr_policy_names(&names, &n, &err) != 0) {
		cli_error("agent", &err);
		return SR_EXIT_USAGE;
	}
	if (n > 0 && (last = calloc(n, sizeof(*last))) == NULL) {
		sr_policy_names_free(names, n);
		cli_errorf("agent", "out of memory");
		return SR_EXIT_USAGE;
	}
	last_runs(names, n, last, log);
	printf("%-24s %-28s %-21s %-22s %s\n", "AGENT", "OWNER", "EXPIRES",
	    "SUSPENDED", "LAST RUN");
	for (i = 0; i < n; i++)
		ls_one(names[i], last[i], log);
	free(last);
	sr_policy_names_free(names, n);
	return SR_EXIT_OK;
}

/* suspend (at = now) or resume (at = 0) NAME, and record it. */
static int
agent_set(const char *name, int suspend)
{
	char log[SR_ERR_PATH_MAX], path[SR_ERR_PATH_MAX];
	sr_audit_event ev = { 0 };
	sr_err err = SR_ERR_INIT;
	int was;

	if (!sr_policy_agent_name_valid(name)) {
		cli_errorf("agent", "invalid agent name '%.64s'", name);
		return SR_EXIT_USAGE;
	}
	ev.event = suspend ? "agent.suspend" : "agent.resume";
	ev.agent = name;
	ev.reason = "manual";
	if (sr_path_get(log, sizeof(log), SR_PATH_AUDIT, NULL, &err) != 0 ||
	    sr_suspend_path(path, sizeof(path), log, name, &err) != 0 ||
	    sr_suspend_set(path, suspend ? sr_time_now() : 0, &was,
	    &err) != 0 || sr_audit_append(log, &ev, &err) != 0) {
		cli_error(name, &err);
		return SR_EXIT_USAGE;
	}
	printf("%s: %s%s\n", name, suspend ? "suspended" : "resumed",
	    was == suspend ? suspend ? " (it already was)" :
	    " (it was not suspended)" : "");
	return SR_EXIT_OK;
}

int
cmd_agent(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "ls") == 0)
		return agent_ls();
	if (argc == 3 && strcmp(argv[1], "suspend") == 0)
		return agent_set(argv[2], 1);
	if (argc == 3 && strcmp(argv[1], "resume") == 0)
		return agent_set(argv[2], 0);
	cli_errorf("agent", "usage: scoperun agent ls | suspend NAME | resume "
	    "NAME");
	return SR_EXIT_USAGE;
}
