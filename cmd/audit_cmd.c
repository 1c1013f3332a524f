/*
 * audit_cmd.c - `scoperun audit verify|show|key`.
 *
 * verify says which checks it made: a log is only called sealed when its
 * seals were checked with the initial key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "cli.h"
#include "paths.h"
#include "policy.h"
#include "timeutil.h"

typedef struct audit_args {
	const char *file, *key, *agent, *since;
	int json, export, remove;
	const char *sub;
} audit_args;

static int
parse(audit_args *a, int argc, char **argv)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char **slot = strcmp(argv[i], "--key") == 0 ? &a->key :
		    strcmp(argv[i], "--agent") == 0 ? &a->agent :
		    strcmp(argv[i], "--since") == 0 ? &a->since : NULL;
		if (slot != NULL) {
			if (++i >= argc)
				return -1;
			*slot = argv[i];
		} else if (strcmp(argv[i], "--json") == 0) {
			a->json = 1;
		} else if (strcmp(argv[i], "--export") == 0) {
			a->export = 1;
		} else if (strcmp(argv[i], "--remove") == 0) {
			a->remove = 1;
		} else if (argv[i][0] == '-') {
			return -1;
		} else if (a->sub == NULL) {
			a->sub = argv[i];
		} else if (a->file == NULL) {
			a->file = argv[i];
		} else {
			return -1;
		}
	}
	return a->sub ? 0 : -1;
}

static int
log_path(char *buf, size_t size, const audit_args *a, sr_err *err)
{
	return sr_path_get(buf, size, SR_PATH_AUDIT, a->file, err);
}

/* The initial key from --key (64 hex digits), else the local copy. */
static int
initial_key(unsigned char *key, int *have, const audit_args *a,
    const char *path, sr_err *err)
{
	size_t len;

	*have = 0;
	if (a->key != NULL) {
		if (strlen(a->key) != 64 || sodium_hex2bin(key, 32, a->key, 64,
		    NULL, &len, NULL) != 0 || len != 32)
			return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "--key "
			    "wants the 64 hex digits `audit key --export` "
			    "printed");
		*have = 1;
		return 0;
	}
	if (sr_audit_key0_load(key, path, err) == 0)
		*have = 1;
	else if (err->kind != SR_ERR_NOTFOUND)
		return -1;
	sr_err_clear(err);
	return 0;
}

static int
audit_verify(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX];
	unsigned char *key = sodium_malloc(32);
	sr_audit_verdict v;
	sr_err err = SR_ERR_INIT;
	int have, rc = SR_EXIT_USAGE;

	if (key == NULL || log_path(path, sizeof(path), a, &err) != 0 ||
	    initial_key(key, &have, a, path, &err) != 0)
		goto done;
	switch (sr_audit_verify(&v, path, have ? key : NULL, &err)) {
	case 0:
		printf("%s: %llu records intact: chain ok, %s, %s\n", path,
		    (unsigned long long)v.records, v.macs_checked ?
		    (a->key ? "seals ok (with the given key)" :
		    "seals ok (with the initial key on this machine)") :
		    "seals NOT checked (no initial key: give --key)",
		    v.head_behind ? "head one record behind (a crash; the next "
		    "append catches up)" : v.head_checked ? "head ok" :
		    "no head to compare");
		if (v.macs_checked && !a->key)
			printf("note: the initial key is on this machine, so "
			    "whoever controls it could rewrite the log; "
			    "export it with `scoperun audit key --export "
			    "--remove`\n");
		rc = SR_EXIT_OK;
		break;
	case 1:
		if (v.bad_line)
			fprintf(stderr, "scoperun: audit: %s: record %llu (line "
			    "%lu): %s\n", path, (unsigned long long)v.bad_seq,
			    v.bad_line, v.why);
		else
			fprintf(stderr, "scoperun: audit: %s: at the end of "
			    "the log: %s\n", path, v.why);
		rc = SR_EXIT_FINDINGS;
		break;
	default:
		break;
	}
done:
	if (rc == SR_EXIT_USAGE)
		cli_error("audit", &err);
	if (key)
		sodium_free(key);
	return rc;
}

static int
audit_key(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX], hex[65];
	unsigned char *key = sodium_malloc(32);
	sr_err err = SR_ERR_INIT;
	int rc = SR_EXIT_USAGE;

	if (key == NULL || !a->export) {
		cli_errorf("audit", "usage: scoperun audit key --export "
		    "[--remove]");
		goto done;
	}
	if (log_path(path, sizeof(path), a, &err) != 0 ||
	    sr_audit_key0_load(key, path, &err) != 0) {
		cli_error("audit", &err);
		goto done;
	}
	sodium_bin2hex(hex, sizeof(hex), key, 32);
	printf("%s\n", hex);
	sodium_memzero(hex, sizeof(hex));
	if (a->remove && sr_audit_key0_remove(path, &err) != 0) {
		cli_error("audit", &err);
		goto done;
	}
	fprintf(stderr, a->remove ? "the local copy is removed: keep this key "
	    "safe; `scoperun audit verify --key KEY` checks the seals\n" :
	    "keep this key elsewhere, then remove the local copy with "
	    "--remove\n");
	rc = SR_EXIT_OK;
done:
	if (key)
		sodium_free(key);
	return rc;
}

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "-";
}

/* A record passes --agent and --since (ts is RFC 3339 with ms). */
static int
wanted(json_t *rec, const audit_args *a, int64_t since)
{
	int64_t t;
	const char *ts = str(rec, "ts");
	char whole[21];

	if (a->agent && strcmp(str(rec, "agent"), a->agent) != 0)
		return 0;
	if (since == 0)
		return 1;
	if (strlen(ts) != 24)
		return 0;
	memcpy(whole, ts, 19);
	whole[19] = 'Z';
	whole[20] = '\0';
	return sr_time_parse(&t, whole, 20) == 0 && t >= since;
}

static int
audit_show(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX];
	sr_err err = SR_ERR_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int64_t since = 0, d = 0;
	FILE *f;

	if (a->since && (d = sr_duration_parse(a->since)) <= 0) {
		cli_errorf("audit", "--since wants a duration like 7d");
		return SR_EXIT_USAGE;
	}
	if (a->since)
		since = sr_time_now() - d;
	if (log_path(path, sizeof(path), a, &err) != 0 ||
	    (f = fopen(path, "re")) == NULL) {
		if (err.msg[0] == '\0')
			sr_err_set(&err, SR_ERR_SYSTEM, path, 0, "cannot open "
			    "%s", path);
		cli_error("audit", &err);
		return SR_EXIT_USAGE;
	}
	if (!a->json)
		printf("%-6s %-24s %-12s %-16s %-16s %s\n", "SEQ", "TIME",
		    "EVENT", "AGENT", "REASON", "COMMAND");
	while ((n = getline(&line, &cap, f)) > 0) {
		json_t *rec = json_loadb(line, (size_t)n, 0, NULL);
		if (rec == NULL || !wanted(rec, a, since)) {
			json_decref(rec);
			continue;
		}
		if (a->json)
			fwrite(line, 1, (size_t)n, stdout);
		else
			printf("%-6lld %-24s %-12s %-16s %-16s %s\n",
			    (long long)json_integer_value(json_object_get(rec,
			    "seq")), str(rec, "ts"), str(rec, "event"),
			    str(rec, "agent"), str(rec, "reason"),
			    str(rec, "command"));
		json_decref(rec);
	}
	free(line);
	fclose(f);
	return SR_EXIT_OK;
}

int
cmd_audit(int argc, char **argv)
{
	audit_args a;

	if (parse(&a, argc, argv) != 0) {
		cli_errorf("audit", "usage: scoperun audit verify [FILE] "
		    "[--key HEX] | show [FILE] [--json] [--agent A] [--since "
		    "7d] | key --export [--remove]");
		return SR_EXIT_USAGE;
	}
	if (strcmp(a.sub, "verify") == 0)
		return audit_verify(&a);
	if (strcmp(a.sub, "show") == 0)
		return audit_show(&a);
	if (strcmp(a.sub, "key") == 0)
		return audit_key(&a);
	cli_errorf("audit", "unknown audit command '%.40s'", a.sub);
	return SR_EXIT_USAGE;
}
