/*
 * audit_cmd.c - `scoperun audit verify|show|key|checkpoint` (and report,
 * in audit_report.c).
 *
 * verify says which checks it made: a log is only called sealed when its
 * seals were checked with the initial key, and only called complete up to
 * a checkpoint when one was given.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "audit_keys.h"
#include "audit_report.h"
#include "cli.h"
#include "file.h"
#include "paths.h"
#include "policy.h"
#include "timeutil.h"
#include "secalloc.h"

#define CHECKPOINTS_MAX (64u << 20)

typedef struct audit_args {
	const char *file, *key, *agent, *since, *checkpoint, *pubkey;
	const char *seal_to, *key_file, *identity, *event, *limit;
	const char *format;		/* report --format */
	int json, export, remove, public, no_head;
	const char *sub;
} audit_args;

const char cli_usage_audit[] =
    "usage: scoperun audit verify|show|report|checkpoint|key|reset [FILE] "
    "[OPTIONS]\n"
    "  verify [FILE]      check the chain, the seals and the head; point at "
    "the\n"
    "                     first bad record (exit 1)\n"
    "    --key HEX        the initial key `audit key --export` printed\n"
    "    --key-file F     the same, read from F (not seen in ps or "
    "history),\n"
    "                     or the sealed key line `audit key --seal-to` printed\n"
    "    --identity ID    open the sealed key beside the log with ID\n"
    "    --no-head        the log has no head file: do not ask for one\n"
    "    --checkpoint F   the checkpoints kept elsewhere, each checked\n"
    "    --pubkey KEY     their verifier key (`audit key --public`)\n"
    "  show [FILE]        the records, oldest first\n"
    "    --json           one JSON record a line, as logged\n"
    "    --agent A        only A's records\n"
    "    --since WHEN     only records since WHEN: 7d, 12h, 2026-12-01 or\n"
    "                     2026-12-01T08:00:00Z\n"
    "    --event EVENT    only EVENT records: run, deny, exit, secret.set, "
    "...;\n"
    "                     secret for every secret.* event\n"
    "    --limit N        only the last N of them\n"
    "  report [FILE] [--json]   per agent: runs, refusals, secrets, unused\n"
    "    --format F       text (default), json or markdown (the daily summary)\n"
    "    --since WHEN     only what happened since WHEN: 1d or a date\n"
    "                     grants, expiring grants\n"
    "  checkpoint [FILE]  a signed checkpoint of the log, to keep elsewhere\n"
    "  key --export [--remove]  the initial key, to keep elsewhere\n"
    "  key --seal-to RECIPIENT  seal the initial key to an auditor and\n"
    "                     remove the clear copy\n"
    "  key --public       the checkpoints' verifier key\n"
    "  reset [FILE]       start a new log over an old one's state, on purpose\n"
    "FILE: the log ($SCOPERUN_AUDIT, else ~/.local/state/scoperun/"
    "audit.jsonl)\n";

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
		    strcmp(argv[i], "--seal-to") == 0 ? &a->seal_to :
		    strcmp(argv[i], "--key-file") == 0 ? &a->key_file :
		    strcmp(argv[i], "--identity") == 0 ? &a->identity :
		    strcmp(argv[i], "--event") == 0 ? &a->event :
		    strcmp(argv[i], "--limit") == 0 ? &a->limit :
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
		} else if (strcmp(argv[i], "--no-head") == 0) {
			a->no_head = 1;
		} else if (argv[i][0] == '-') {
			cli_errorf("audit", "unknown option '%.80s'", argv[i]);
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

/* The initial key from --key (64 hex digits), --key-file, the sealed key
 * beside the log (--identity), else the local copy. */
static int
initial_key(unsigned char *key, int *have, const audit_args *a,
    const char *path, sr_err *err)
{
	size_t len;

	*have = 0;
	if ((a->key != NULL) + (a->key_file != NULL) > 1)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "give the "
		    "initial key once: --key or --key-file");
	if (a->key_file != NULL || a->identity != NULL) {
		if (audit_key_from_file(key, a->key_file, a->identity, path,
		    err) != 0)
			return -1;
		*have = 1;
		return 0;
	}
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

/* What verify checked of the log's end: the head, and checkpoints. */
static void
verify_says_end(const audit_args *a, const sr_audit_verdict *v)
{
	printf("%s", v->head_behind ? "head behind the last records "
	    "(appenders stopped before updating it; the next append catches "
	    "up)" : v->head_checked ? "head ok" : "no head to compare "
	    "(--no-head)");
	if (v->files > 1)
		printf(", %d files (rotated)", v->files);
	if (v->checkpoints > 0)
		printf(", %llu checkpoint%s ok (%ssigned with %s; the log "
		    "holds their records up to %llu)", (unsigned long long)
		    v->checkpoints, v->checkpoints == 1 ? "" : "s",
		    v->checkpoints_local ? "beside the log, " : "",
		    a->pubkey ? "the given key" : "this log's key",
		    (unsigned long long)v->checkpoint_last);
	printf("\n");
}

static void
verify_says(const audit_args *a, const char *path, const sr_audit_verdict *v)
{
	int given = a->key || a->key_file || a->identity;

	printf("%s: %llu records intact: chain ok, %s, ", cli_esc(path),
	    (unsigned long long)v->records, v->macs_checked ? (a->key ?
	    "seals ok (with the given key)" : a->key_file ? "seals ok (with "
	    "the key in the key file)" : given ? "seals ok (with the sealed "
	    "initial key)" : "seals ok (with the initial key on this "
	    "machine)") : "seals NOT checked (no initial key: give "
	    "--key, --key-file or --identity)");
	verify_says_end(a, v);
	if (v->macs_checked && !given)
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
	o.no_head = a->no_head;
	o.local_checkpoints = a->checkpoint == NULL;
	o.pubkey = a->pubkey;
	switch (sr_audit_verify_with(&v, path, &o, &err)) {
	case 0:
		verify_says(a, path, &v);
		rc = SR_EXIT_OK;
		break;
	case 1:
		if (v.bad_line)
			fprintf(stderr, "scoperun: audit: %s: record %llu (line "
			    "%lu): %s\n", cli_esc(v.bad_path), (unsigned long
			    long)v.bad_seq, v.bad_line, cli_esc(v.why));
		else
			fprintf(stderr, "scoperun: audit: %s: at the end of "
			    "the log: %s\n", cli_esc(path), cli_esc(v.why));
		rc = SR_EXIT_FINDINGS;
		break;
	default:
		break;
	}
done:
	if (rc == SR_EXIT_USAGE)
		cli_error("audit", &err);
	else if (rc == SR_EXIT_FINDINGS && a->checkpoint != NULL && cps == NULL)
		fprintf(stderr, "scoperun: audit: %s: %s\n",
		    cli_esc(a->checkpoint), cli_esc(err.msg));
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

	if (a->public && !a->export && !a->remove && !a->seal_to) {
		rc = audit_key_public(a);
		goto done;
	}
	if (a->seal_to != NULL && !a->export && !a->remove && !a->public) {
		if (log_path(path, sizeof(path), a, &err) == 0)
			rc = audit_key_seal(path, a->seal_to);
		else
			cli_error("audit", &err);
		goto done;
	}
	if (key == NULL || !a->export || a->public || a->seal_to) {
		cli_errorf("audit", "usage: scoperun audit key --export "
		    "[--remove] | --seal-to RECIPIENT | --public");
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
	/* the only other copy must have left before this one goes */
	if (a->remove && (fflush(stdout) != 0 || ferror(stdout))) {
		cli_errorf("audit", "the key could not be written out: the local "
		    "copy is kept");
		goto done;
	}
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

/*
 * audit show reads the log's files up to three times, so that it needs no
 * memory for the records however long the log: to count what passes the
 * filters (for --limit), to size the table's columns over the rows shown
 * (so long values keep them aligned), and to print.
 */
enum { SHOW_COUNT, SHOW_SIZE, SHOW_PRINT };
#define SHOW_COLS 5	/* SEQ TIME EVENT AGENT REASON, then WHAT */

typedef struct show {
	const audit_args *a;
	int64_t since;		/* 0: no --since */
	unsigned long long limit, matched, skip, seen;
	int pass;
	int w[SHOW_COLS];
} show;

/* --since: a duration back from now (7d), or a time (RFC 3339, or a
 * date: its midnight UTC). */
static int
since_parse(int64_t *out, const char *s)
{
	char full[32];
	int64_t d = sr_duration_parse(s);

	if (d > 0) {
		*out = sr_time_now() - d;
		return 0;
	}
	if (sr_time_parse(out, s, strlen(s)) == 0)
		return 0;
	if (strlen(s) != 10)
		return -1;
	snprintf(full, sizeof(full), "%sT00:00:00Z", s);
	return sr_time_parse(out, full, strlen(full));
}

/* --event E: E itself, or E.anything (secret: secret.set, secret.rm). */
static int
event_matches(const char *ev, const char *want)
{
	size_t n = strlen(want);

	return strcmp(ev, want) == 0 || (strncmp(ev, want, n) == 0 &&
	    ev[n] == '.');
}

/* A record passes --agent, --event and --since (ts: RFC 3339 with ms). */
static int
wanted(json_t *rec, const show *sh)
{
	const audit_args *a = sh->a;
	int64_t t;
	const char *ts = str(rec, "ts");
	char whole[21];

	if (a->agent && strcmp(str(rec, "agent"), a->agent) != 0)
		return 0;
	if (a->event && !event_matches(str(rec, "event"), a->event))
		return 0;
	if (sh->since == 0)
		return 1;
	if (strlen(ts) != 24)
		return 0;
	memcpy(whole, ts, 19);
	whole[19] = 'Z';
	whole[20] = '\0';
	return sr_time_parse(&t, whole, 20) == 0 && t >= sh->since;
}

/* The last column: what the record is about. */
static const char *
what(json_t *rec)
{
	const char *ev = str(rec, "event");

	if (strncmp(ev, "secret.", 7) == 0)
		return str(rec, "secret");
	if (strncmp(ev, "recipient.", 10) == 0)
		return str(rec, "recipient");
	return str(rec, "command");
}

static void
columns(const char *col[SHOW_COLS], char *seq, size_t size, json_t *rec)
{
	snprintf(seq, size, "%lld", (long long)json_integer_value(
	    json_object_get(rec, "seq")));
	col[0] = seq;
	col[1] = cli_esc(str(rec, "ts"));
	col[2] = cli_esc(str(rec, "event"));
	col[3] = cli_esc(str(rec, "agent"));
	col[4] = cli_esc(str(rec, "reason"));
}

static void
show_row(show *sh, json_t *rec, const char *line, size_t n)
{
	const char *col[SHOW_COLS];
	char seq[24];
	int i, len;

	if (sh->pass == SHOW_PRINT && sh->a->json) {
		fwrite(line, 1, n, stdout);
		return;
	}
	columns(col, seq, sizeof(seq), rec);
	for (i = 0; i < SHOW_COLS; i++) {
		len = (int)strnlen(col[i], 1024);
		if (sh->pass == SHOW_SIZE && len > sh->w[i])
			sh->w[i] = len;
		else if (sh->pass == SHOW_PRINT)
			printf("%-*s ", sh->w[i], col[i]);
	}
	if (sh->pass == SHOW_PRINT)
		printf("%s\n", cli_esc(what(rec)));
}

/* One file of the log, in the current pass. */
static void
show_file(FILE *f, show *sh)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, f)) > 0) {
		json_t *rec = json_loadb(line, (size_t)n, 0, NULL);
		if (rec != NULL && wanted(rec, sh)) {
			if (sh->pass == SHOW_COUNT)
				sh->matched++;
			else if (sh->seen++ >= sh->skip)
				show_row(sh, rec, line, (size_t)n);
		}
		json_decref(rec);
	}
	free(line);
}

static void
show_pass(show *sh, int pass, char **files, size_t nfiles)
{
	static const char *const head[SHOW_COLS] = { "SEQ", "TIME", "EVENT",
	    "AGENT", "REASON" };
	size_t i;
	int c;
	FILE *f;

	sh->pass = pass;
	sh->seen = 0;
	if (pass == SHOW_SIZE)
		for (c = 0; c < SHOW_COLS; c++)
			sh->w[c] = (int)strlen(head[c]);
	if (pass == SHOW_PRINT && !sh->a->json) {
		for (c = 0; c < SHOW_COLS; c++)
			printf("%-*s ", sh->w[c], head[c]);
		printf("WHAT\n");
	}
	for (i = 0; i < nfiles; i++) {
		if ((f = fopen(files[i], "re")) == NULL)
			continue;
		show_file(f, sh);
		fclose(f);
	}
}

static int
show_options(show *sh, const audit_args *a)
{
	char *end;

	memset(sh, 0, sizeof(*sh));
	sh->a = a;
	if (a->since && since_parse(&sh->since, a->since) != 0) {
		cli_errorf("audit", "--since wants a duration like 7d, or a "
		    "time like 2026-12-01 or 2026-12-01T08:00:00Z");
		return -1;
	}
	if (a->limit) {
		errno = 0;
		sh->limit = strtoull(a->limit, &end, 10);
		if (errno || *end || end == a->limit || sh->limit == 0 ||
		    a->limit[0] == '-') {
			cli_errorf("audit", "--limit wants a number of records, "
			    "1 or more");
			return -1;
		}
	}
	return 0;
}

static int
audit_show(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX], **files = NULL;
	sr_err err = SR_ERR_INIT;
	size_t nfiles = 0;
	show sh;
	FILE *f;

	if (show_options(&sh, a) != 0)
		return SR_EXIT_USAGE;
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
	if (sh.limit) {
		show_pass(&sh, SHOW_COUNT, files, nfiles);
		sh.skip = sh.matched > sh.limit ? sh.matched - sh.limit : 0;
	}
	if (!a->json)
		show_pass(&sh, SHOW_SIZE, files, nfiles);
	show_pass(&sh, SHOW_PRINT, files, nfiles);
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

/* A new log, on purpose: the old one's files moved aside, and named in
 * the new one's first record. */
static int
audit_reset(const audit_args *a)
{
	char path[SR_ERR_PATH_MAX];
	sr_audit_reset_result r;
	sr_err err = SR_ERR_INIT;

	if (log_path(path, sizeof(path), a, &err) != 0 ||
	    sr_audit_reset(&r, path, &err) != 0) {
		cli_error("audit", &err);
		return SR_EXIT_USAGE;
	}
	printf("new audit log %s; its first record names the old log %s\n",
	    r.new_log, r.old_log);
	printf("the old log's files are in %s (check them with `scoperun "
	    "audit verify %s/%s --key KEY`)\n", cli_esc(r.moved_to),
	    cli_esc(r.moved_to), cli_esc(strrchr(path, '/') ?
	    strrchr(path, '/') + 1 : path));
	fprintf(stderr, "export the new log's initial key: `scoperun audit key "
	    "--export --remove` or `--seal-to RECIPIENT`\n");
	return SR_EXIT_OK;
}

int
cmd_audit(int argc, char **argv)
{
	audit_args a;

	if (parse(&a, argc, argv) != 0) {
		cli_usage_error("audit", cli_usage_audit);
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
	if (strcmp(a.sub, "reset") == 0)
		return audit_reset(&a);
	if (strcmp(a.sub, "report") == 0)
		return audit_report_with(a.file, a.json ? "json" : a.format,
		    a.since);
	cli_errorf("audit", "unknown audit command '%.40s'", a.sub);
	return SR_EXIT_USAGE;
}
