/*
 * audit_cmd.c - `scoperun audit verify|show|key|checkpoint` (and report,
 * in audit_report.c).
 *
 * verify says which checks it made: a log is only called sealed when its
 * seals were checked with the initial key, and only called complete up to
 * a checkpoint when one was given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "audit_report.h"
#include "cli.h"
#include "paths.h"
#include "policy.h"
#include "timeutil.h"
#include "secalloc.h"

#define CHECKPOINTS_MAX (64u << 20)

typedef struct audit_args {
	const char *file, *key, *agent, *since, *checkpoint, *pubkey;
	const char *format;		/* report --format */
	int json, export, remove, public;
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
		    strcmp(argv[i], "--since") == 0 ? &a->since :
		    strcmp(argv[i], "--checkpoint") == 0 ? &a->checkpoint :
		    strcmp(argv[i], "--pubkey") == 0 ? &a->pubkey :
		    strcmp(argv[i], "--format") == 0 ? &a->format : NULL;
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
		} else if (strcmp(argv[i], "--public") == 0) {
			a->public = 1;
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

/*
 * --checkpoint F: every checkpoint in F, each signed by the log's key:
 * --pubkey (as `audit key --public` printed it, kept elsewhere), else the
 * key beside the log. A bad one is a finding (1), not a usage error.
 */
static int
load_checkpoints(sr_audit_checkpoint **cps, size_t *n, const audit_args *a,
    const char *path, sr_err *err)
{
	char vkey[SR_AUDIT_VKEY_MAX], *text;
	size_t len;
	FILE *f;
	int rc;

	if (a->pubkey != NULL)
		snprintf(vkey, sizeof(vkey), "%s", a->pubkey);
	else if (sr_audit_vkey(vkey, sizeof(vkey), path, err) != 0)
		return SR_EXIT_USAGE;
	if ((f = fopen(a->checkpoint, "re")) == NULL) {
		sr_err_set(err, SR_ERR_SYSTEM, a->checkpoint, 0, "cannot open "
		    "%s: %s", a->checkpoint, strerror(errno));
		return SR_EXIT_USAGE;
	}
	text = malloc(CHECKPOINTS_MAX + 1);
	len = text ? fread(text, 1, CHECKPOINTS_MAX + 1, f) : 0;
	fclose(f);
	if (text == NULL || len > CHECKPOINTS_MAX) {
		free(text);
		sr_err_set(err, SR_ERR_USAGE, a->checkpoint, 0, "%s is too "
		    "large for a checkpoint file", a->checkpoint);
		return SR_EXIT_USAGE;
	}
	rc = sr_audit_checkpoints_parse(cps, n, text, len, vkey, err);
	free(text);
	if (rc != 0)
		return err->kind == SR_ERR_USAGE ? SR_EXIT_USAGE :
		    SR_EXIT_FINDINGS;
	return SR_EXIT_OK;
}

static void
verify_says(const audit_args *a, const char *path, const sr_audit_verdict *v,
    const sr_audit_checkpoint *cps, size_t ncps)
{
	printf("%s: %llu records intact: chain ok, %s, %s", path,
	    (unsigned long long)v->records, v->macs_checked ? (a->key ?
	    "seals ok (with the given key)" : "seals ok (with the initial "
	    "key on this machine)") : "seals NOT checked (no initial key: "
	    "give --key)", v->head_behind ? "head behind the last "
	    "records (appenders stopped before updating it; the next "
	    "append catches up)" : v->head_checked ? "head ok" :
	    "no head to compare");
	if (v->files > 1)
		printf(", %d files (rotated)", v->files);
	if (ncps > 0)
		printf(", %zu checkpoint%s ok (signed with %s; the log holds "
		    "their records up to %llu)", ncps, ncps == 1 ? "" : "s",
		    a->pubkey ? "the given key" : "this log's key",
		    (unsigned long long)cps[ncps - 1].size);
	printf("\n");
	if (v->macs_checked && !a->key)
		printf("note: the initial key is on this machine, so whoever "
		    "controls it could rewrite the log; export it with "
		    "`scoperun audit key --export --remove`\n");
}

static int
audit_verify(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX];
	unsigned char *key = sr_secure_alloc(32);
	sr_audit_verify_opts o = SR_AUDIT_VERIFY_OPTS_INIT;
	sr_audit_checkpoint *cps = NULL;
	sr_audit_verdict v;
	sr_err err = SR_ERR_INIT;
	int have, rc = SR_EXIT_USAGE;

	if (key == NULL || log_path(path, sizeof(path), a, &err) != 0 ||
	    initial_key(key, &have, a, path, &err) != 0)
		goto done;
	if (a->checkpoint != NULL && (rc = load_checkpoints(&cps, &o.ncps, a,
	    path, &err)) != SR_EXIT_OK)
		goto done;
	rc = SR_EXIT_USAGE;
	o.key0 = have ? key : NULL;
	o.cps = cps;
	switch (sr_audit_verify_with(&v, path, &o, &err)) {
	case 0:
		verify_says(a, path, &v, cps, o.ncps);
		rc = SR_EXIT_OK;
		break;
	case 1:
		if (v.bad_line)
			fprintf(stderr, "scoperun: audit: %s: record %llu (line "
			    "%lu): %s\n", v.bad_path, (unsigned long long)
			    v.bad_seq, v.bad_line, v.why);
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
	else if (rc == SR_EXIT_FINDINGS && a->checkpoint != NULL && cps == NULL)
		fprintf(stderr, "scoperun: audit: %s: %s\n", a->checkpoint,
		    err.msg);
	free(cps);
	if (key)
		sr_secure_free(key);
	return rc;
}

/* The checkpoints' verifier key: public, it stays on the machine. */
static int
audit_key_public(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX], vkey[SR_AUDIT_VKEY_MAX];
	sr_err err = SR_ERR_INIT;

	if (log_path(path, sizeof(path), a, &err) != 0 ||
	    sr_audit_vkey(vkey, sizeof(vkey), path, &err) != 0) {
		cli_error("audit", &err);
		return SR_EXIT_USAGE;
	}
	printf("%s\n", vkey);
	return SR_EXIT_OK;
}

static int
audit_key(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX], hex[65], vkey[SR_AUDIT_VKEY_MAX];
	unsigned char *key = sr_secure_alloc(32);
	sr_err err = SR_ERR_INIT;
	int rc = SR_EXIT_USAGE;

	if (a->public && !a->export && !a->remove) {
		rc = audit_key_public(a);
		goto done;
	}
	if (key == NULL || !a->export || a->public) {
		cli_errorf("audit", "usage: scoperun audit key --export "
		    "[--remove] | --public");
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
	sr_err_clear(&err);
	if (sr_audit_vkey(vkey, sizeof(vkey), path, &err) == 0)
		fprintf(stderr, "keep the checkpoints' verifier key with it "
		    "(`audit verify --checkpoint F --pubkey KEY`):\n%s\n", vkey);
	rc = SR_EXIT_OK;
done:
	if (key)
		sr_secure_free(key);
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

/* The records of one file of the log that pass --agent and --since. */
static void
show_file(FILE *f, const audit_args *a, int64_t since)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

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
}

static int
audit_show(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX], **files = NULL;
	sr_err err = SR_ERR_INIT;
	size_t nfiles = 0, i;
	int64_t since = 0, d = 0;
	FILE *f;

	if (a->since && (d = sr_duration_parse(a->since)) <= 0) {
		cli_errorf("audit", "--since wants a duration like 7d");
		return SR_EXIT_USAGE;
	}
	if (a->since)
		since = sr_time_now() - d;
	/* a rotated log: path.N .. path.1 first; the current file must be
	 * there unless older ones are */
	if (log_path(path, sizeof(path), a, &err) != 0 ||
	    sr_audit_files(&files, &nfiles, path, &err) != 0 ||
	    (nfiles == 1 && (f = fopen(path, "re")) == NULL)) {
		if (err.msg[0] == '\0')
			sr_err_set(&err, SR_ERR_SYSTEM, path, 0, "cannot open "
			    "%s", path);
		cli_error("audit", &err);
		sr_audit_files_free(files, nfiles);
		return SR_EXIT_USAGE;
	}
	if (nfiles == 1)
		fclose(f);
	if (!a->json)
		printf("%-6s %-24s %-12s %-16s %-16s %s\n", "SEQ", "TIME",
		    "EVENT", "AGENT", "REASON", "COMMAND");
	for (i = 0; i < nfiles; i++) {
		if ((f = fopen(files[i], "re")) == NULL)
			continue;
		show_file(f, a, since);
		fclose(f);
	}
	sr_audit_files_free(files, nfiles);
	return SR_EXIT_OK;
}

/* A signed checkpoint of the log as it is now, to keep elsewhere. */
static int
audit_checkpoint(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX], *text = NULL;
	sr_err err = SR_ERR_INIT;

	if (log_path(path, sizeof(path), a, &err) != 0 ||
	    sr_audit_checkpoint_now(&text, path, &err) != 0) {
		cli_error("audit", &err);
		return SR_EXIT_USAGE;
	}
	fputs(text, stdout);
	free(text);
	return SR_EXIT_OK;
}

int
cmd_audit(int argc, char **argv)
{
	audit_args a;

	if (parse(&a, argc, argv) != 0) {
		cli_errorf("audit", "usage: scoperun audit verify [FILE] "
		    "[--key HEX] [--checkpoint F [--pubkey KEY]] | show [FILE] "
		    "[--json] [--agent A] [--since 7d] | report [FILE] [--json] [--format text|json|markdown] [--since 1d|DATE] "
		    "| checkpoint [FILE] | key --export [--remove] | key "
		    "--public");
		return SR_EXIT_USAGE;
	}
	if (strcmp(a.sub, "verify") == 0)
		return audit_verify(&a);
	if (strcmp(a.sub, "show") == 0)
		return audit_show(&a);
	if (strcmp(a.sub, "key") == 0)
		return audit_key(&a);
	if (strcmp(a.sub, "checkpoint") == 0)
		return audit_checkpoint(&a);
	if (strcmp(a.sub, "report") == 0)
		return audit_report_with(a.file, a.json ? "json" : a.format,
		    a.since);
	cli_errorf("audit", "unknown audit command '%.40s'", a.sub);
	return SR_EXIT_USAGE;
}
