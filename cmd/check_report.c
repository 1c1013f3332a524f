/*
 * check_report.c - text, JSON and SARIF for `scoperun check`
 * (check_report.h).
 *
 * SARIF follows what GitHub code scanning reads (its "SARIF support"
 * page): version 2.1.0 and the $schema; the tool's rules with
 * descriptions, help and a security-severity; each result with ruleId,
 * ruleIndex, level, a fully formatted message, and one location whose
 * uri is relative to the checkout (%SRCROOT%) and whose region has a
 * startLine. The partialFingerprints are given here: left out, GitHub's
 * upload action would fill primaryLocationLineHash with a hash of the
 * source line, which holds the secret. Ours hashes the rule, path,
 * secret name and form, plus which occurrence it is.
 */
#include "check_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "jsonw.h"

#define FINGERPRINT_BYTES 16

static const char *const mode_names[] = { "head", "staged", "history" };

/* The rules, in ruleIndex order (sr_check_rule). */
static const struct {
	const char *name, *brief, *full, *help, *severity;
} rules[] = {
	{ "CommittedEnvFile", "An env file is tracked by git",
	  "A file named like an env file (.env, .env.*, *.env) is in the "
	  "repository: whatever it held leaves the machine with the next "
	  "push.",
	  "Remove it from the index with `git rm --cached PATH`, add it to "
	  ".gitignore, and rotate every secret it held.", "8.0" },
	{ "TrackedIdentityFile", "A scoperun identity file is tracked by git",
	  "The scoperun identity (the secret key that opens the vault) is in "
	  "the repository: anyone with the repository can read every secret "
	  "sealed to it.",
	  "Remove it with `git rm --cached PATH`, make a new identity "
	  "(`scoperun keygen`), and re-seal the vault to it.", "9.5" },
	{ "KnownSecretValue", "A secret value from the vault is in a file",
	  "The exact value of a secret held in the scoperun vault is in a "
	  "tracked file, as raw bytes or hex, base64, base64url, "
	  "percent-encoded or form-encoded.",
	  "Take the value out of the file, and rotate the secret: once "
	  "committed or pushed, treat it as exposed.", "9.0" },
	{ "IdentitySecretKey", "A scoperun identity's secret key is in a file",
	  "A scoperun secret key line (SCOPERUN-SECRET-1...) is in a tracked "
	  "file, whatever its name: anyone with the repository can read "
	  "every secret sealed to that identity.",
	  "Take the key out of the file, make a new identity (`scoperun "
	  "keygen`), and re-seal the vault to it.", "9.5" },
};

/* ---- text -------------------------------------------------------- */

/* File names are bytes: control characters are shown, not sent. */
static void
put_clean(FILE *f, const char *s)
{
	fputs(cli_esc(s), f);
}

static void
text_finding(FILE *f, const sr_check_finding *x, const sr_scan *names)
{
	put_clean(f, x->path);
	switch (x->rule) {
	case SR_CHECK_ENV_FILE:
		fputs(": env file is tracked", f);
		break;
	case SR_CHECK_IDENTITY:
		fputs(": your scoperun identity file is tracked", f);
		break;
	case SR_CHECK_KEY:
		fprintf(f, ":%zu:%zu: scoperun identity secret key", x->line,
		    x->column);
		break;
	case SR_CHECK_SECRET:
		fprintf(f, ":%zu:%zu: value of secret %s (%s)", x->line,
		    x->column, names ? sr_scan_name(names, x->secret) : "?",
		    sr_scan_form_name(x->form));
		break;
	}
	if (x->commit[0] != '\0')
		fprintf(f, " in commit %.12s", x->commit);
	fputc('\n', f);
}

static void
text_summary(sr_check_mode mode, const sr_check_result *r)
{
	static const char *const what[] = { "HEAD", "the staged files",
	    "the history" };
	int files = 0, values = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		files |= r->v[i].rule == SR_CHECK_ENV_FILE ||
		    r->v[i].rule == SR_CHECK_IDENTITY;
		values |= r->v[i].rule == SR_CHECK_SECRET ||
		    r->v[i].rule == SR_CHECK_KEY;
	}
	fprintf(stderr, "scoperun: check: %zu finding%s", r->n + r->dropped,
	    r->n + r->dropped == 1 ? "" : "s");
	if (r->dropped > 0)
		fprintf(stderr, " (%zu not listed)", r->dropped);
	fputs(" in ", stderr);
	put_clean(stderr, r->root);
	/* staged: nothing has left the machine yet, so nothing to rotate */
	if (mode == SR_CHECK_STAGED)
		fprintf(stderr, " (%s): nothing is committed yet:%s%s%s\n",
		    what[mode], files ? " unstage the files with git restore "
		    "--staged PATH (git rm --cached PATH to stop tracking one)" :
		    "", files && values ? ";" : "", values ? " take the values "
		    "out of the files and git add them again" : "");
	else
		fprintf(stderr, " (%s):%s%s%s\n", what[mode], files ? " untrack "
		    "the files with git rm --cached PATH;" : "", values ? " take "
		    "the values out of the files;" : "", " rotate the secrets "
		    "exposed");
}

static int
report_text(FILE *f, sr_check_mode mode, const sr_check_result *r,
    const sr_scan *names)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		text_finding(f, &r->v[i], names);
	if (fflush(f) != 0)
		return -1;
	if (r->n + r->dropped > 0)
		text_summary(mode, r);
	return 0;
}

/* ---- JSON -------------------------------------------------------- */

static void
json_finding(sr_jsonw *w, const sr_check_finding *x, const sr_scan *names)
{
	sr_jsonw_elem(w);
	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "rule", sr_check_rule_id(x->rule));
	sr_jsonw_kstr(w, "path", x->path);
	if (x->rule == SR_CHECK_KEY) {
		sr_jsonw_kint(w, "line", (int64_t)x->line);
		sr_jsonw_kint(w, "column", (int64_t)x->column);
	}
	if (x->rule == SR_CHECK_SECRET) {
		sr_jsonw_kint(w, "line", (int64_t)x->line);
		sr_jsonw_kint(w, "column", (int64_t)x->column);
		sr_jsonw_kstr(w, "secret", names ?
		    sr_scan_name(names, x->secret) : "?");
		sr_jsonw_kstr(w, "form", sr_scan_form_name(x->form));
	}
	if (x->commit[0] != '\0')
		sr_jsonw_kstr(w, "commit", x->commit);
	sr_jsonw_end(w, '}');
}

static void
report_json(sr_jsonw *w, sr_check_mode mode, const sr_check_result *r,
    const sr_scan *names)
{
	size_t i;

	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "tool", "scoperun");
	sr_jsonw_kstr(w, "version", SCOPERUN_VERSION);
	sr_jsonw_kstr(w, "mode", mode_names[mode]);
	sr_jsonw_kstr(w, "root", r->root);
	sr_jsonw_key(w, "head");
	if (r->head[0] != '\0')
		sr_jsonw_str(w, r->head, strlen(r->head));
	else
		sr_jsonw_raw(w, "null", 4);
	sr_jsonw_key(w, "findings");
	sr_jsonw_begin(w, '[');
	for (i = 0; i < r->n; i++)
		json_finding(w, &r->v[i], names);
	sr_jsonw_end(w, ']');
	sr_jsonw_kint(w, "not_listed", (int64_t)r->dropped);
	sr_jsonw_key(w, "skipped");
	sr_jsonw_begin(w, '[');
	for (i = 0; names != NULL && i < sr_scan_nskipped(names); i++) {
		sr_jsonw_elem(w);
		sr_jsonw_str(w, sr_scan_skipped(names, i),
		    strlen(sr_scan_skipped(names, i)));
	}
	sr_jsonw_end(w, ']');
	sr_jsonw_end(w, '}');
}

/* ---- SARIF ------------------------------------------------------- */

/* JSON text written as it is: the fixed parts of the SARIF shape. */
static void
raw(sr_jsonw *w, const char *s)
{
	sr_jsonw_raw(w, s, strlen(s));
}

static void
kobj_text(sr_jsonw *w, const char *key, const char *text)
{
	sr_jsonw_key(w, key);
	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "text", text);
	sr_jsonw_end(w, '}');
}

static void
sarif_rule(sr_jsonw *w, sr_check_rule id)
{
	sr_jsonw_elem(w);
	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "id", sr_check_rule_id(id));
	sr_jsonw_kstr(w, "name", rules[id].name);
	kobj_text(w, "shortDescription", rules[id].brief);
	kobj_text(w, "fullDescription", rules[id].full);
	kobj_text(w, "help", rules[id].help);
	sr_jsonw_key(w, "defaultConfiguration");
	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "level", "error");
	sr_jsonw_end(w, '}');
	sr_jsonw_key(w, "properties");
	sr_jsonw_begin(w, '{');
	sr_jsonw_key(w, "tags");
	raw(w, "[\"security\",\"secrets\"]");
	sr_jsonw_kstr(w, "precision", "very-high");
	sr_jsonw_kstr(w, "problem.severity", "error");
	sr_jsonw_kstr(w, "security-severity", rules[id].severity);
	sr_jsonw_end(w, '}');
	sr_jsonw_end(w, '}');
}

/* A relative URI: RFC 3986 unreserved bytes and '/' kept. */
static void
uri_str(sr_jsonw *w, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	sr_buf b = SR_BUF_INIT;
	char esc[3];
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL) {
			sr_buf_put(&b, p, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 15];
		sr_buf_put(&b, esc, 3);
	}
	if (b.failed)
		w->b.failed = 1;
	sr_jsonw_str(w, b.p ? b.p : "", b.len);
	sr_buf_free(&b);
}

/* rule, path, name, form; and which occurrence of that it is. */
static void
fingerprint(sr_jsonw *w, const sr_check_result *r, size_t i,
    const char *name)
{
	unsigned char h[FINGERPRINT_BYTES];
	char text[2 * FINGERPRINT_BYTES + 24];
	const sr_check_finding *x = &r->v[i];
	crypto_generichash_state st;
	size_t j, nth = 1;

	for (j = i; j-- > 0 && strcmp(r->v[j].path, x->path) == 0;)
		nth += r->v[j].rule == x->rule && r->v[j].form == x->form &&
		    r->v[j].secret == x->secret;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)
	    sr_check_rule_id(x->rule), strlen(sr_check_rule_id(x->rule)) + 1);
	crypto_generichash_update(&st, (const unsigned char *)x->path,
	    strlen(x->path) + 1);
	crypto_generichash_update(&st, (const unsigned char *)name,
	    strlen(name) + 1);
	crypto_generichash_update(&st, (const unsigned char *)
	    sr_scan_form_name(x->form), strlen(sr_scan_form_name(x->form)));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(text, sizeof(text), h, sizeof(h));
	snprintf(text + 2 * sizeof(h), sizeof(text) - 2 * sizeof(h), ":%zu",
	    nth);
	sr_jsonw_key(w, "partialFingerprints");
	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "primaryLocationLineHash", text);
	sr_jsonw_end(w, '}');
}

static void
sarif_message(sr_jsonw *w, const sr_check_finding *x, const char *name)
{
	char msg[512];
	int n;

	if (x->rule == SR_CHECK_ENV_FILE)
		n = snprintf(msg, sizeof(msg), "An env file is tracked by git.");
	else if (x->rule == SR_CHECK_IDENTITY)
		n = snprintf(msg, sizeof(msg), "The scoperun identity file is "
		    "tracked by git.");
	else if (x->rule == SR_CHECK_KEY)
		n = snprintf(msg, sizeof(msg), "A scoperun identity's secret "
		    "key is in this file.");
	else
		n = snprintf(msg, sizeof(msg), "The value of secret %s is in "
		    "this file (%s form).", name, sr_scan_form_name(x->form));
	if (n > 0 && (size_t)n < sizeof(msg) && x->commit[0] != '\0')
		snprintf(msg + n, sizeof(msg) - (size_t)n, " Found in commit "
		    "%s.", x->commit);
	kobj_text(w, "message", msg);
}

static void
sarif_location(sr_jsonw *w, const sr_check_finding *x)
{
	sr_jsonw_key(w, "locations");
	raw(w, "[{\"physicalLocation\":");
	sr_jsonw_begin(w, '{');
	sr_jsonw_key(w, "artifactLocation");
	sr_jsonw_begin(w, '{');
	sr_jsonw_key(w, "uri");
	uri_str(w, x->path);
	sr_jsonw_kstr(w, "uriBaseId", "%SRCROOT%");
	sr_jsonw_end(w, '}');
	sr_jsonw_key(w, "region");
	sr_jsonw_begin(w, '{');
	sr_jsonw_kint(w, "startLine", x->line > 0 ? (int64_t)x->line : 1);
	sr_jsonw_end(w, '}');
	sr_jsonw_end(w, '}');
	raw(w, "}]");
}

static void
sarif_result(sr_jsonw *w, const sr_check_result *r, size_t i,
    const sr_scan *names)
{
	const sr_check_finding *x = &r->v[i];
	const char *name = x->rule == SR_CHECK_SECRET && names ?
	    sr_scan_name(names, x->secret) : "";

	sr_jsonw_elem(w);
	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "ruleId", sr_check_rule_id(x->rule));
	sr_jsonw_kint(w, "ruleIndex", (int64_t)x->rule);
	sr_jsonw_kstr(w, "level", "error");
	sarif_message(w, x, name);
	sarif_location(w, x);
	fingerprint(w, r, i, name);
	if (x->rule == SR_CHECK_SECRET || x->commit[0] != '\0') {
		sr_jsonw_key(w, "properties");
		sr_jsonw_begin(w, '{');
		if (x->rule == SR_CHECK_SECRET) {
			sr_jsonw_kstr(w, "secret", name);
			sr_jsonw_kstr(w, "form", sr_scan_form_name(x->form));
		}
		if (x->commit[0] != '\0')
			sr_jsonw_kstr(w, "commit", x->commit);
		sr_jsonw_end(w, '}');
	}
	sr_jsonw_end(w, '}');
}

static void
report_sarif(sr_jsonw *w, const sr_check_result *r, const sr_scan *names)
{
	size_t i;

	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "$schema",
	    "https://json.schemastore.org/sarif-2.1.0.json");
	sr_jsonw_kstr(w, "version", "2.1.0");
	sr_jsonw_key(w, "runs");
	raw(w, "[{\"tool\":{\"driver\":");
	sr_jsonw_begin(w, '{');
	sr_jsonw_kstr(w, "name", "scoperun");
	sr_jsonw_kstr(w, "version", SCOPERUN_VERSION);
	sr_jsonw_kstr(w, "semanticVersion", SCOPERUN_VERSION);
	sr_jsonw_key(w, "rules");
	sr_jsonw_begin(w, '[');
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		sarif_rule(w, (sr_check_rule)i);
	sr_jsonw_end(w, ']');
	sr_jsonw_end(w, '}');
	raw(w, "},\"results\":");
	sr_jsonw_begin(w, '[');
	for (i = 0; i < r->n; i++)
		sarif_result(w, r, i, names);
	sr_jsonw_end(w, ']');
	raw(w, "}]");
	sr_jsonw_end(w, '}');
}

int
check_report(FILE *f, check_format format, sr_check_mode mode,
    const sr_check_result *r, const sr_scan *names)
{
	sr_jsonw w = SR_JSONW_INIT;
	int rc = 0;

	if (format == CHECK_TEXT)
		rc = report_text(f, mode, r, names);
	else {
		if (format == CHECK_JSON)
			report_json(&w, mode, r, names);
		else
			report_sarif(&w, r, names);
		sr_jsonw_raw(&w, "\n", 1);
		if (w.b.failed || fwrite(w.b.p, 1, w.b.len, f) != w.b.len ||
		    fflush(f) != 0)
			rc = -1;
		sr_jsonw_free(&w);
	}
	if (rc != 0)
		cli_errorf("check", "cannot write the report");
	return rc;
}
