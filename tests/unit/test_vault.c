/*
 * test_vault.c - the sealed vault through its library API: every rule of
 * vault.h and lib/FORMAT.md, each test written so that it fails when
 * its rule breaks. Vaults are built in memory (create, serialize, parse)
 * with fresh identities; only open/save touch files, in a mkdtemp dir.
 * Each refusal has a control beside it that succeeds, so a test cannot
 * pass because its input was broken for some other reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "identity.h"
#include "vault.h"
#include "secalloc.h"
#include "testlib.h"
#include "testvault.h"

#define NOW 1790000000		/* 2026-09-21T...Z */
#define LATER (NOW + 5000)
#define DAY 86400

/* ---- helpers ----------------------------------------------------- */

/* testvault.h's, the vault read as test.sealed */
#define new_identity tv_identity
#define new_vault tv_vault
#define to_text tv_text
#define open_as(text, len, id, err) \
	tv_open_as(text, len, "test.sealed", id, err)
#define open_ok(text, len, id) tv_open_ok(text, len, "test.sealed", id)

static void
set_meta(sr_vault *v, const char *name, const void *value, size_t len,
    const sr_secret_meta *m, int64_t now)
{
	sr_secret_meta zero;
	sr_err err = SR_ERR_INIT;

	memset(&zero, 0, sizeof(zero));
	if (sr_vault_set(v, name, value, len, m ? m : &zero, now, &err) != 0)
		fail_msg("set %s: %s", name, err.msg);
}

static void
set_str(sr_vault *v, const char *name, const char *value)
{
	set_meta(v, name, value, strlen(value), NULL, NOW);
}

static sr_vault *
from_text(const char *text, size_t len)
{
	sr_err err = SR_ERR_INIT;
	sr_vault *v = NULL;

	if (sr_vault_parse(&v, text, len, "test.sealed", &err) != 0)
		fail_msg("parse: %s (line %u)\n%s", err.msg, err.line, text);
	return v;
}

/*
 * r serialized and opened again as id, as the next run would: *text (the
 * text r came from) is freed and replaced by the new one.
 */
static sr_vault *
reopen(sr_vault *r, char **text, size_t *len, const sr_identity *id)
{
	free(*text);
	*text = to_text(r, len);
	sr_vault_free(r);
	return open_ok(*text, *len, id);
}

/* name decrypts to exactly want[0..wlen), NUL-terminated after it. */
static void
expect_bytes(const sr_vault *v, const char *name, const void *want,
    size_t wlen)
{
	sr_err err = SR_ERR_INIT;
	sr_secret_meta m;
	unsigned char *val = NULL;
	size_t len = 0;

	if (sr_vault_get(&val, &len, &m, v, name, &err) != 0)
		fail_msg("get %s: %s", name, err.msg);
	assert_int_equal(len, wlen);
	assert_memory_equal(val, want, wlen);
	assert_int_equal(val[len], '\0');
	assert_string_equal(m.name, name);
	sr_secalloc_free(val);
}

static void
expect_str(const sr_vault *v, const char *name, const char *want)
{
	expect_bytes(v, name, want, strlen(want));
}

/* get name fails; the error for more checks. */
static sr_err
get_fails(const sr_vault *v, const char *name)
{
	sr_err err = SR_ERR_INIT;
	sr_secret_meta m;
	unsigned char *val = (unsigned char *)1;
	size_t len = 0;

	if (sr_vault_get(&val, &len, &m, v, name, &err) == 0)
		fail_msg("get %s succeeded (%zu bytes), want a failure", name,
		    len);
	assert_null(val);
	assert_true(err.msg[0] != '\0');
	return err;
}

static sr_err
parse_fails(const char *text, size_t len)
{
	sr_err err = SR_ERR_INIT;
	sr_vault *v = (sr_vault *)1;

	if (sr_vault_parse(&v, text, len, "test.sealed", &err) == 0)
		fail_msg("parse succeeded, want a failure:\n%.*s", (int)len,
		    text);
	assert_null(v);
	assert_true(err.msg[0] != '\0');
	assert_null(strchr(err.msg, '\n'));
	return err;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* Start and length of line k (0-based, without its newline). */
static const char *
line_at(const char *text, size_t k, size_t *len)
{
	const char *p = text, *nl;

	while (k-- > 0) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		p = nl + 1;
	}
	nl = strchr(p, '\n');
	assert_non_null(nl);
	*len = (size_t)(nl - p);
	return p;
}

/* The index of the line starting with prefix; fails when there is none. */
static size_t
line_index(const char *text, const char *prefix)
{
	const char *p = text;
	size_t k = 0, n = strlen(prefix);

	while (*p != '\0') {
		if (strncmp(p, prefix, n) == 0)
			return k;
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
		k++;
	}
	fail_msg("no line starting with '%s'", prefix);
	return 0;
}

/* Field f (0-based, space-separated) of a line. */
static const char *
field_at(const char *line, size_t len, size_t f, size_t *flen)
{
	const char *p = line, *end = line + len, *sp;

	while (f-- > 0) {
		sp = memchr(p, ' ', (size_t)(end - p));
		assert_non_null(sp);
		p = sp + 1;
	}
	sp = memchr(p, ' ', (size_t)(end - p));
	*flen = (size_t)((sp ? sp : end) - p);
	return p;
}

/* A malloc'd copy of text with [at, at+n) replaced by rep. */
static char *
splice(const char *text, size_t at, size_t n, const char *rep, size_t rlen)
{
	size_t len = strlen(text);
	char *out = malloc(len - n + rlen + 1);

	assert_non_null(out);
	assert_true(at + n <= len);
	memcpy(out, text, at);
	memcpy(out + at, rep, rlen);
	memcpy(out + at + rlen, text + at + n, len - at - n + 1);
	return out;
}

static void
expect_meta(const sr_secret_meta *m, const char *name, unsigned epoch,
    int64_t created, int64_t updated, int64_t expires, int64_t rotate,
    const char *labels)
{
	assert_string_equal(m->name, name);
	assert_int_equal(m->epoch, epoch);
	assert_int_equal(m->created, created);
	assert_int_equal(m->updated, updated);
	assert_int_equal(m->expires, expires);
	assert_int_equal(m->rotate_after, rotate);
	assert_string_equal(m->labels, labels);
}

/* The metadata of name through meta_at (no key) and through get. */
static void
meta_of(sr_secret_meta *viaget, sr_secret_meta *viaindex, const sr_vault *v,
    const char *name)
{
	sr_err err = SR_ERR_INIT;
	unsigned char *val = NULL;
	size_t len;
	long i = sr_vault_find(v, name);

	assert_true(i >= 0);
	if (sr_vault_meta_at(viaindex, v, (size_t)i, &err) != 0)
		fail_msg("meta_at %s: %s", name, err.msg);
	if (sr_vault_get(&val, &len, viaget, v, name, &err) != 0)
		fail_msg("get %s: %s", name, err.msg);
	sr_secalloc_free(val);
}

/* ---- round trip -------------------------------------------------- */

static const char pem[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\r\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\n"
    "QyNTUxOQAAACBzb21lLXB1YmxpYy1rZXktYnl0ZXMtaGVyZS0tLS0tLS0tAAAAkL7Wm3S+\r\n"
    "-----END OPENSSH PRIVATE KEY-----\r\n";

static void
fill_big(unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(i % 255 + 1);	/* never NUL */
}

/*
 * One region for many values, as a run uses it: small, then one that
 * does not fit (the region grows), then small again (it stays, and the
 * old tail past the new value is not part of it).
 */
static void
test_get_reuse_grows_only_when_needed(void **state)
{
	sr_identity *a = new_identity();
	sr_vault *v = new_vault(a);
	unsigned char *big = malloc(5000), *buf = NULL, *first;
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	size_t cap = 0, len = 0;

	(void)state;
	assert_non_null(big);
	fill_big(big, 5000);
	set_str(v, "a", "short");
	set_meta(v, "b", big, 5000, NULL, NOW);
	set_str(v, "c", "xy");
	assert_int_equal(sr_vault_get_reuse(&buf, &cap, &len, &m, v, "a",
	    &err), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "short", 6);
	assert_true(cap < 5000);
	first = buf;
	assert_int_equal(sr_vault_get_reuse(&buf, &cap, &len, &m, v, "c",
	    &err), 0);
	assert_ptr_equal(buf, first);
	assert_int_equal(len, 2);
	assert_memory_equal(buf, "xy", 3);
	assert_int_equal(sr_vault_get_reuse(&buf, &cap, &len, &m, v, "b",
	    &err), 0);
	assert_true(cap > 5000);
	assert_int_equal(len, 5000);
	assert_memory_equal(buf, big, 5000);
	assert_int_equal(buf[len], '\0');
	first = buf;
	assert_int_equal(sr_vault_get_reuse(&buf, &cap, &len, &m, v, "a",
	    &err), 0);
	assert_ptr_equal(buf, first);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "short", 6);
	assert_string_equal(m.name, "a");
	assert_int_equal(sr_vault_get_reuse(&buf, &cap, &len, &m, v, "nope",
	    &err), -1);
	assert_int_equal(err.kind, SR_ERR_NOTFOUND);
	assert_ptr_equal(buf, first);
	sr_secalloc_free(buf);
	free(big);
	sr_vault_free(v);
	sr_identity_free(a);
}

static void
test_round_trip_values(void **state)
{
	sr_identity *a = new_identity();
	sr_vault *v = new_vault(a), *r;
	unsigned char *big = malloc(SR_SECRET_VALUE_MAX), bin[255];
	char *text, name128[SR_SECRET_NAME_LEN_MAX + 1];
	size_t len, i;

	(void)state;
	assert_non_null(big);
	fill_big(big, SR_SECRET_VALUE_MAX);
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(i + 1);	/* 0x01..0xff */
	memset(name128, 'n', SR_SECRET_NAME_LEN_MAX);
	name128[SR_SECRET_NAME_LEN_MAX] = '\0';
	set_str(v, "deploy/key", pem);
	set_meta(v, "big", big, SR_SECRET_VALUE_MAX, NULL, NOW);
	set_meta(v, "bin", bin, sizeof(bin), NULL, NOW);
	set_str(v, "one", "x");
	set_str(v, "Z.A_z-0/9", "every name character");
	set_str(v, name128, "longest name");
	text = to_text(v, &len);

	/* the values are nowhere in the text */
	assert_null(strstr(text, "OPENSSH"));
	assert_null(strstr(text, "every name character"));
	assert_null(strstr(text, "longest name"));

	r = open_ok(text, len, a);
	assert_int_equal(sr_vault_count(r), 6);
	expect_str(r, "deploy/key", pem);
	expect_bytes(r, "big", big, SR_SECRET_VALUE_MAX);
	expect_bytes(r, "bin", bin, sizeof(bin));
	expect_str(r, "one", "x");
	expect_str(r, "Z.A_z-0/9", "every name character");
	expect_str(r, name128, "longest name");

	/* and the values survive a second serialize of the parsed vault */
	r = reopen(r, &text, &len, a);
	expect_str(r, "deploy/key", pem);
	expect_bytes(r, "big", big, SR_SECRET_VALUE_MAX);
	sr_vault_free(r);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	free(big);
}

static void
test_names_sorted_and_found(void **state)
{
	sr_identity *a = new_identity();
	sr_vault *v = new_vault(a), *r;
	static const char *const names[] = { "m", "B", "a/b", "a", "a.b",
	    "z", "a-b" };
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	char *text;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		set_str(v, names[i], names[i]);
	text = to_text(v, &len);
	r = from_text(text, len);	/* not unlocked: ls needs no key */
	assert_int_equal(sr_vault_count(r), 7);
	for (i = 1; i < sr_vault_count(r); i++) {
		sr_secret_meta prev;
		assert_int_equal(sr_vault_meta_at(&prev, r, i - 1, &err), 0);
		assert_int_equal(sr_vault_meta_at(&m, r, i, &err), 0);
		assert_true(strcmp(prev.name, m.name) < 0);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		long k = sr_vault_find(r, names[i]);
		assert_true(k >= 0);
		assert_int_equal(sr_vault_meta_at(&m, r, (size_t)k, &err), 0);
		assert_string_equal(m.name, names[i]);
	}
	assert_int_equal(sr_vault_find(r, "nope"), -1);
	assert_int_equal(sr_vault_find(r, "a/"), -1);
	assert_int_equal(sr_vault_meta_at(&m, r, 7, &err), -1);
	/* a locked vault reads metadata but no value */
	err = get_fails(r, "a");
	assert_contains(err.msg, "locked");
	assert_int_equal(sr_vault_unlock(r, a, &err), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		expect_str(r, names[i], names[i]);
	err = get_fails(r, "nope");
	assert_int_equal(err.kind, SR_ERR_NOTFOUND);
	sr_vault_free(r);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
}

static void
test_round_trip_meta(void **state)
{
	sr_identity *a = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_secret_meta m, g, x;
	char *text;
	size_t len;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.expires = 4102444800;		/* 2100-01-01T00:00:00Z */
	m.rotate_after = 90 * DAY;
	snprintf(m.labels, sizeof(m.labels), "scope=read,team=ops-1");
	snprintf(m.name, sizeof(m.name), "ignored");	/* name is the arg */
	set_meta(v, "gh/token", "v1", 2, &m, NOW);
	set_str(v, "plain", "p");
	text = to_text(v, &len);
	r = open_ok(text, len, a);
	meta_of(&g, &x, r, "gh/token");
	expect_meta(&g, "gh/token", 0, NOW, NOW, 4102444800, 90 * DAY,
	    "scope=read,team=ops-1");
	expect_meta(&x, "gh/token", 0, NOW, NOW, 4102444800, 90 * DAY,
	    "scope=read,team=ops-1");
	meta_of(&g, &x, r, "plain");
	expect_meta(&g, "plain", 0, NOW, NOW, 0, 0, "");
	expect_meta(&x, "plain", 0, NOW, NOW, 0, 0, "");

	/* set again later: created kept, updated moves, the new meta wins */
	memset(&m, 0, sizeof(m));
	m.expires = 4133980800;		/* 2101-01-01 */
	snprintf(m.labels, sizeof(m.labels), "scope=write");
	set_meta(r, "gh/token", "v2", 2, &m, LATER);
	r = reopen(r, &text, &len, a);
	meta_of(&g, &x, r, "gh/token");
	expect_meta(&g, "gh/token", 0, NOW, LATER, 4133980800, 0,
	    "scope=write");
	expect_meta(&x, "gh/token", 0, NOW, LATER, 4133980800, 0,
	    "scope=write");
	expect_str(r, "gh/token", "v2");
	/* the other secret was not touched */
	meta_of(&g, &x, r, "plain");
	expect_meta(&g, "plain", 0, NOW, NOW, 0, 0, "");
	/* removed, and set anew: a new created */
	assert_int_equal(sr_vault_remove(r, "gh/token", NULL), 0);
	set_str(r, "gh/token", "v3");
	meta_of(&g, &x, r, "gh/token");
	assert_int_equal(g.created, NOW);
	sr_vault_free(r);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
}

/*
 * Whatever metadata sr_vault_set accepts, the secret must read back: a
 * set that succeeds and leaves an entry nobody can ever decrypt loses
 * the value. (Values the CLI cannot produce, but the API takes them.)
 */
static void
test_set_meta_reads_back_or_is_refused(void **state)
{
	static const struct {
		int64_t expires, rotate;
	} cases[] = {
		{ 0, -1 },			/* negative rotate_after */
		{ 0, 10000000000000 },		/* 13 digits */
		{ 253402300800, 0 },		/* 10000-01-01: 5-digit year */
		{ -62167219201, 0 },		/* before year 0 */
	};
	sr_identity *a = new_identity();
	char msgs[1024] = "";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sr_vault *v = new_vault(a), *r;
		sr_secret_meta m;
		sr_err err = SR_ERR_INIT;
		unsigned char *val = NULL;
		size_t len, vlen;
		char *text;

		memset(&m, 0, sizeof(m));
		m.expires = cases[i].expires;
		m.rotate_after = cases[i].rotate;
		if (sr_vault_set(v, "s", (const unsigned char *)"value", 5, &m,
		    NOW, &err) != 0) {
			sr_vault_free(v);
			continue;	/* refused: fine */
		}
		text = to_text(v, &len);
		r = open_ok(text, len, a);
		if (sr_vault_get(&val, &vlen, &m, r, "s", &err) != 0) {
			size_t used = strlen(msgs);
			snprintf(msgs + used, sizeof(msgs) - used, " [expires "
			    "%lld, rotate_after %lld]",
			    (long long)cases[i].expires,
			    (long long)cases[i].rotate);
		} else {
			sr_secalloc_free(val);
		}
		sr_vault_free(r);
		free(text);
		sr_vault_free(v);
	}
	if (msgs[0] != '\0')
		fail_msg("set accepted, then get fails (value lost):%s", msgs);
	sr_identity_free(a);
}

/* ---- refusals ---------------------------------------------------- */

static void
expect_set_refused(sr_vault *v, const char *name, const void *value,
    size_t len, const char *labels, const char *why)
{
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;

	memset(&m, 0, sizeof(m));
	snprintf(m.labels, sizeof(m.labels), "%s", labels);
	if (sr_vault_set(v, name, value, len, &m, LATER, &err) == 0)
		fail_msg("set '%s' (%zu bytes, labels '%s') succeeded", name,
		    len, labels);
	assert_int_equal(err.kind, SR_ERR_USAGE);
	assert_contains(err.msg, why);
	/* the refused value never shows in the message */
	if (len > 4 && memchr(value, '\0', len) == NULL) {
		char *s = strndup(value, len);
		assert_null(strstr(err.msg, s));
		free(s);
	}
}

static void
test_refusals(void **state)
{
	sr_identity *a = new_identity();
	sr_vault *v = new_vault(a), *r;
	unsigned char *big = malloc(SR_SECRET_VALUE_MAX + 1);
	char name129[SR_SECRET_NAME_LEN_MAX + 2], *text;
	size_t len;

	(void)state;
	assert_non_null(big);
	fill_big(big, SR_SECRET_VALUE_MAX + 1);
	memset(name129, 'n', SR_SECRET_NAME_LEN_MAX + 1);
	name129[SR_SECRET_NAME_LEN_MAX + 1] = '\0';
	set_str(v, "keep", "the-old-value");

	expect_set_refused(v, "keep", "sec\0ret-x", 9, "", "NUL");
	expect_set_refused(v, "keep", "\0", 1, "", "NUL");
	expect_set_refused(v, "keep", "", 0, "", "1 to 65536");
	expect_set_refused(v, "keep", big, SR_SECRET_VALUE_MAX + 1, "",
	    "not 65537");
	expect_set_refused(v, "sp ace", "value", 5, "", "invalid secret name");
	expect_set_refused(v, "", "value", 5, "", "invalid secret name");
	expect_set_refused(v, name129, "value", 5, "", "invalid secret name");
	expect_set_refused(v, "tab\tname", "value", 5, "", "invalid secret");
	expect_set_refused(v, "new\nline", "value", 5, "", "invalid secret");
	expect_set_refused(v, "caf\xc3\xa9", "value", 5, "", "invalid secret");
	expect_set_refused(v, "a=b", "value", 5, "", "invalid secret name");
	expect_set_refused(v, "keep", "value", 5, "Scope=read", "labels");
	expect_set_refused(v, "keep", "value", 5, "scope", "labels");
	expect_set_refused(v, "keep", "value", 5, "=read", "labels");
	expect_set_refused(v, "keep", "value", 5, "a=b,", "labels");
	expect_set_refused(v, "keep", "value", 5, ",a=b", "labels");
	expect_set_refused(v, "keep", "value", 5, "a=b,,c=d", "labels");
	expect_set_refused(v, "keep", "value", 5, "a=b c", "labels");
	expect_set_refused(v, "keep", "value", 5, "a=b;c", "labels");
	expect_set_refused(v, "keep", "value", 5, "a=b=c", "labels");

	/* nothing refused changed the vault */
	assert_int_equal(sr_vault_count(v), 1);
	text = to_text(v, &len);
	r = open_ok(text, len, a);
	assert_int_equal(sr_vault_count(r), 1);
	expect_str(r, "keep", "the-old-value");

	/* the controls: the limits themselves are accepted */
	set_meta(r, "keep", big, SR_SECRET_VALUE_MAX, NULL, NOW);
	memset(name129, 'n', SR_SECRET_NAME_LEN_MAX);
	name129[SR_SECRET_NAME_LEN_MAX] = '\0';
	set_str(r, name129, "v");
	set_str(r, "..", "dots are name characters: names are not paths");
	{
		sr_secret_meta m;
		memset(&m, 0, sizeof(m));
		snprintf(m.labels, sizeof(m.labels),
		    "a=,k.1-x_y=A:b@c/d-e.f,z=Z");
		set_meta(r, "labelled", "v", 1, &m, NOW);
		memset(m.labels, 'k', SR_LABELS_MAX - 1);
		m.labels[SR_LABELS_MAX - 1] = '=';
		m.labels[SR_LABELS_MAX] = '\0';
		set_meta(r, "long-labels", "v", 1, &m, NOW);
	}
	r = reopen(r, &text, &len, a);
	expect_bytes(r, "keep", big, SR_SECRET_VALUE_MAX);
	expect_str(r, name129, "v");
	expect_str(r, "..", "dots are name characters: names are not paths");
	expect_str(r, "labelled", "v");
	expect_str(r, "long-labels", "v");
	sr_vault_free(r);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	free(big);
}

/* Names: [A-Za-z0-9._/-], 1..128 bytes (policies use the same rule).
 * Names are never paths, so "..", "/" and "-x" are plain names. */
static void
test_name_rule(void **state)
{
	static const char *const good[] = { "a", "..", ".", "/", "a//b",
	    "-x", "A-Z_0.9/x", "gh/issues-readonly" };
	static const char *const bad[] = { "", "a b", "a\tb", "a=b", "a:b",
	    "a@b", "caf\xc3\xa9", "a,b", "a\\b", "~", "a\nb", "$x" };
	char name[SR_SECRET_NAME_LEN_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!sr_vault_name_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sr_vault_name_valid(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
	memset(name, 'x', sizeof(name) - 1);
	name[SR_SECRET_NAME_LEN_MAX] = '\0';
	assert_true(sr_vault_name_valid(name));
	name[SR_SECRET_NAME_LEN_MAX] = 'x';
	name[SR_SECRET_NAME_LEN_MAX + 1] = '\0';
	assert_false(sr_vault_name_valid(name));
	assert_true(sr_vault_labels_valid(""));
	assert_true(sr_vault_labels_valid("a=,b.c-d_e=A:b@c/d-e.f"));
	assert_false(sr_vault_labels_valid("a"));
	assert_false(sr_vault_labels_valid("a=b,"));
}

static void
test_locked_vault_refuses_changes(void **state)
{
	sr_identity *a = new_identity(), *b = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	char *text;
	size_t len;

	(void)state;
	set_str(v, "s", "value");
	text = to_text(v, &len);
	r = from_text(text, len);
	memset(&m, 0, sizeof(m));
	assert_int_equal(sr_vault_set(r, "s", (const unsigned char *)"new", 3, &m,
	    NOW, &err), -1);
	assert_contains(err.msg, "locked");
	assert_int_equal(sr_vault_recipient_add(r, b->pk, &err), -1);
	assert_contains(err.msg, "locked");
	assert_int_equal(sr_vault_recipient_remove(r, a->pk, &err), -1);
	assert_contains(err.msg, "locked");
	/* rm needs the key too: the lines it keeps are verified first, and
	 * the end line's MAC is made anew */
	assert_int_equal(sr_vault_remove(r, "s", &err), -1);
	assert_contains(err.msg, "locked");
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(sr_vault_remove(r, "t", &err), -1);
	assert_int_equal(err.kind, SR_ERR_NOTFOUND);
	/* unlocked, it works */
	assert_int_equal(sr_vault_unlock(r, a, &err), 0);
	assert_int_equal(sr_vault_remove(r, "s", &err), 0);
	assert_int_equal(sr_vault_count(r), 0);
	free(text);
	text = to_text(r, &len);
	assert_non_null(strstr(text, "\nend 1 0 "));
	sr_vault_free(r);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(b);
}

/* ---- recipients -------------------------------------------------- */

static void
test_second_recipient_reads_everything(void **state)
{
	sr_identity *a = new_identity(), *b = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_err err = SR_ERR_INIT;
	char *text;
	size_t len;

	(void)state;
	set_str(v, "before", "set before b was added");
	set_str(v, "pem", pem);
	assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), 0);
	assert_int_equal(sr_vault_recipient_count(v), 2);
	assert_memory_equal(sr_vault_recipient_at(v, 0), a->pk, 32);
	assert_memory_equal(sr_vault_recipient_at(v, 1), b->pk, 32);
	assert_null(sr_vault_recipient_at(v, 2));
	/* adding twice is refused */
	assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), -1);
	assert_contains(err.msg, "already a recipient");
	assert_int_equal(sr_vault_recipient_count(v), 2);
	set_str(v, "after", "set after");
	text = to_text(v, &len);

	r = open_ok(text, len, b);
	expect_str(r, "before", "set before b was added");
	expect_str(r, "pem", pem);
	expect_str(r, "after", "set after");
	/* b can write, and a reads what b wrote */
	set_str(r, "by-b", "written by b");
	r = reopen(r, &text, &len, a);
	expect_str(r, "by-b", "written by b");
	expect_str(r, "before", "set before b was added");
	sr_vault_free(r);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(b);
}

static void
test_removed_recipient_cannot_read_new_secrets(void **state)
{
	sr_identity *a = new_identity(), *b = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_secret_meta g, x;
	sr_err err = SR_ERR_INIT;
	char *oldtext, *newtext, *mixed, *mixed2, endline[80];
	const char *line;
	size_t oldlen, newlen, llen, at;

	(void)state;
	set_str(v, "s1", "one");
	assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), 0);
	set_str(v, "s2", "two");
	oldtext = to_text(v, &oldlen);		/* what b may have kept */

	assert_int_equal(sr_vault_recipient_remove(v, b->pk, &err), 0);
	assert_int_equal(sr_vault_recipient_count(v), 1);
	assert_memory_equal(sr_vault_recipient_at(v, 0), a->pk, 32);
	set_str(v, "s3", "set after the removal");
	set_str(v, "s2", "two, rotated");
	newtext = to_text(v, &newlen);

	/* a reads everything; the new secrets are in the new epoch */
	r = open_ok(newtext, newlen, a);
	meta_of(&g, &x, r, "s3");
	assert_int_equal(g.epoch, 1);
	meta_of(&g, &x, r, "s2");
	assert_int_equal(g.epoch, 1);
	meta_of(&g, &x, r, "s1");
	assert_int_equal(g.epoch, 0);
	expect_str(r, "s1", "one");
	expect_str(r, "s2", "two, rotated");
	expect_str(r, "s3", "set after the removal");
	sr_vault_free(r);

	/* b cannot open the new vault at all */
	assert_null(open_as(newtext, newlen, b, &err));
	assert_contains(err.msg, "not a recipient");

	/* b's old copy: the new s3 line spliced in, with a fitting end
	 * line (b could even make its MAC: b had the old epoch key). b's
	 * keyring there has only epoch 0, so s3 must not open. */
	line = line_at(newtext, line_index(newtext, "secret s3 "), &llen);
	at = (size_t)(strstr(oldtext, "\nend ") + 1 - oldtext);
	snprintf(endline, sizeof(endline), "end 2 3 %s",
	    strstr(oldtext, "\nend ") + 9);
	{
		char *piece = malloc(llen + 1 + strlen(endline) + 1);
		assert_non_null(piece);
		memcpy(piece, line, llen);
		piece[llen] = '\n';
		strcpy(piece + llen + 1, endline);
		mixed = splice(oldtext, at, oldlen - at, piece, strlen(piece));
		free(piece);
	}
	r = open_ok(mixed, strlen(mixed), b);
	expect_str(r, "s1", "one");		/* old secrets: rotate them */
	expect_str(r, "s2", "two");
	err = get_fails(r, "s3");
	assert_contains(err.msg, "secret 's3' failed authentication");
	sr_vault_free(r);

	/* and the other way round: b's old recipient line spliced into the
	 * new vault would unlock b's old keyring, which lacks epoch 1; in
	 * version 2 the header MAC (and the keyring commitment) refuse it */
	line = line_at(oldtext, line_index(oldtext, "recipient ") + 1, &llen);
	at = (size_t)(strstr(newtext, "\nmac ") + 1 - newtext);
	{
		char *piece = malloc(llen + 2);
		assert_non_null(piece);
		memcpy(piece, line, llen);
		piece[llen] = '\n';
		piece[llen + 1] = '\0';
		mixed2 = splice(newtext, at, 0, piece, llen + 1);
		free(piece);
		at = (size_t)(strstr(mixed2, "\nend 1 3 ") + 1 - mixed2);
		piece = splice(mixed2, at, 7, "end 2 3", 7);
		free(mixed2);
		mixed2 = piece;
	}
	err = (sr_err)SR_ERR_INIT;
	assert_null(open_as(mixed2, strlen(mixed2), b, &err));
	assert_contains(err.msg, "keyring commitment");
	err = (sr_err)SR_ERR_INIT;
	assert_null(open_as(mixed2, strlen(mixed2), a, &err));
	assert_contains(err.msg, "header failed authentication");

	free(mixed);
	free(mixed2);
	free(oldtext);
	free(newtext);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(b);
}

static void
test_recipient_remove_refusals(void **state)
{
	sr_identity *a = new_identity(), *b = new_identity();
	sr_vault *v = new_vault(a);
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sr_vault_recipient_remove(v, a->pk, &err), -1);
	assert_contains(err.msg, "last recipient");
	assert_int_equal(sr_vault_recipient_count(v), 1);
	assert_int_equal(sr_vault_recipient_remove(v, b->pk, &err), -1);
	assert_int_equal(err.kind, SR_ERR_NOTFOUND);
	assert_contains(err.msg, "not a recipient");
	/* a may remove itself while another remains */
	assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), 0);
	assert_int_equal(sr_vault_recipient_remove(v, a->pk, &err), 0);
	assert_int_equal(sr_vault_recipient_count(v), 1);
	assert_memory_equal(sr_vault_recipient_at(v, 0), b->pk, 32);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(b);
}

/*
 * 255 epochs is the format's limit (one byte). A vault at the limit still
 * works; a removal that cannot start a new epoch is refused and must leave
 * the recipients as they were, or a caller that saves anyway would drop a
 * recipient without rotating the key.
 */
static void
test_epoch_limit(void **state)
{
	sr_identity *a = new_identity(), *b = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_secret_meta g, x;
	sr_err err = SR_ERR_INIT;
	char *text;
	size_t len, count;
	int i, rc;

	(void)state;
	for (i = 1; i < SR_VAULT_MAX_EPOCHS; i++) {
		assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), 0);
		assert_int_equal(sr_vault_recipient_remove(v, b->pk, &err), 0);
	}
	set_str(v, "last-epoch", "v");
	assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), 0);
	text = to_text(v, &len);
	r = open_ok(text, len, b);
	meta_of(&g, &x, r, "last-epoch");
	assert_int_equal(g.epoch, SR_VAULT_MAX_EPOCHS - 1);
	expect_str(r, "last-epoch", "v");
	sr_vault_free(r);

	err = (sr_err)SR_ERR_INIT;
	rc = sr_vault_recipient_remove(v, b->pk, &err);
	count = sr_vault_recipient_count(v);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(b);
	assert_int_equal(rc, -1);
	assert_true(err.msg[0] != '\0');
	if (count != 2)
		fail_msg("a refused removal still removed the recipient "
		    "(count %zu): %s", count, err.msg);
}

static void
test_stranger_is_not_a_recipient(void **state)
{
	sr_identity *a = new_identity(), *c = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_err err = SR_ERR_INIT;
	char rc[SR_RECIPIENT_TEXT_MAX], *text;
	size_t len;

	(void)state;
	set_str(v, "s", "value");
	text = to_text(v, &len);
	r = from_text(text, len);
	assert_int_equal(sr_vault_unlock(r, c, &err), -1);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_contains(err.msg, "is not a recipient of this vault");
	sr_recipient_format(rc, c->pk);
	assert_contains(err.msg, rc);
	assert_string_equal(err.file, "test.sealed");
	get_fails(r, "s");
	/* the control */
	assert_int_equal(sr_vault_unlock(r, a, &err), 0);
	expect_str(r, "s", "value");
	sr_vault_free(r);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(c);
}

/* ---- damage ------------------------------------------------------ */

struct known {
	const char *name;
	const char *value;
	sr_secret_meta meta;
	size_t line;		/* its line in the text */
};

/*
 * Read secret k of a (possibly damaged) text as id. 2: exact value and
 * metadata, and the whole vault verifies (what a write checks first); 1:
 * the same but the vault does not verify; 0: the read failed; -1: a
 * different value or metadata.
 */
static int
read_one(const char *text, size_t len, const sr_identity *id,
    const struct known *k)
{
	sr_err err = SR_ERR_INIT;
	sr_secret_meta m;
	sr_vault *v = open_as(text, len, id, &err);
	unsigned char *val = NULL;
	size_t vlen = 0;
	int ok;

	if (v == NULL)
		return 0;
	if (sr_vault_get(&val, &vlen, &m, v, k->name, &err) != 0) {
		assert_null(val);
		sr_vault_free(v);
		return 0;
	}
	ok = vlen == strlen(k->value) && memcmp(val, k->value, vlen) == 0 &&
	    memcmp(&m, &k->meta, sizeof(m)) == 0;
	if (ok && sr_vault_verify(v, &err) == 0)
		ok = 2;
	sr_secalloc_free(val);
	sr_vault_free(v);
	return ok ? ok : -1;
}

/* The line each byte of text belongs to (its newline included). */
static size_t *
line_map(const char *text, size_t len)
{
	size_t *map = malloc(len * sizeof(*map)), i, k = 0;

	assert_non_null(map);
	for (i = 0; i < len; i++) {
		map[i] = k;
		if (text[i] == '\n')
			k++;
	}
	return map;
}

/*
 * Every byte of a small vault (2 recipients, 2 secrets), changed to
 * x^0x01, x^0x20, x^0x80 and '\n', read by both identities: a read gives
 * the true value or fails, never anything else. And a change is noticed:
 * a read may still work only when the changed byte is in the other
 * secret's line or the end line's MAC (which a read does not check); a
 * change to the header, the id, any recipient line (the header MAC), the
 * secret's own line or the end line's counts must make it fail. A full
 * verify (what every write does first) notices every change. Truncation
 * at every length is refused.
 */
static void
test_every_single_byte_change(void **state)
{
	sr_identity *ids[2] = { new_identity(), new_identity() };
	sr_vault *v = new_vault(ids[0]), *r;
	struct known k[2] = {
		{ "api/token", "tok-123", { .name = "" }, 7 },
		{ "db.pass", "line1\nline2", { .name = "" }, 8 },
	};
	static const int xors[] = { 0x01, 0x20, 0x80 };
	sr_secret_meta m, x;
	sr_err err = SR_ERR_INIT;
	char *text, *mut, first[8][160];
	size_t len, pos, *map, i, s, nfirst = 0;
	unsigned long tried = 0, survived = 0, wrong = 0, unnoticed = 0;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.expires = 4102444800;
	m.rotate_after = DAY;
	snprintf(m.labels, sizeof(m.labels), "scope=read");
	set_meta(v, k[0].name, k[0].value, strlen(k[0].value), &m, NOW);
	set_str(v, k[1].name, k[1].value);
	assert_int_equal(sr_vault_recipient_add(v, ids[1]->pk, &err), 0);
	text = to_text(v, &len);
	r = open_ok(text, len, ids[0]);
	for (s = 0; s < 2; s++) {
		meta_of(&k[s].meta, &x, r, k[s].name);
		assert_int_equal(line_index(text, "secret ") + s, k[s].line);
	}
	sr_vault_free(r);
	assert_int_equal(line_index(text, "recipient "), 4);
	assert_int_equal(line_index(text, "end "), 9);
	map = line_map(text, len);
	mut = malloc(len + 1);
	assert_non_null(mut);

	for (pos = 0; pos < len; pos++) {
		for (i = 0; i < 4; i++) {
			int rep = i < 3 ? (unsigned char)text[pos] ^ xors[i] :
			    '\n';
			size_t who, l = map[pos];
			if (rep == (unsigned char)text[pos])
				continue;
			memcpy(mut, text, len + 1);
			mut[pos] = (char)rep;
			for (who = 0; who < 2; who++) {
				for (s = 0; s < 2; s++) {
					/* libsodium's '_' alias (0x80..0xff):
					 * test_base64_fields_are_strict */
					int may = l == k[1 - s].line ||
					    l == 9 ||
					    (text[pos] == '_' && rep >= 0x80);
					int got = read_one(mut, len, ids[who],
					    &k[s]);
					tried++;
					if (got == 0)
						continue;
					if (got < 0)
						wrong++;
					else
						survived++;
					if (got == 1 && may)
						continue;
					if (got > 0)
						unnoticed++;
					if (nfirst < 8)
						snprintf(first[nfirst++], 160,
						    "byte %zu (line %zu, '%c' "
						    "0x%02x -> 0x%02x): %s reading "
						    "%s as id %zu", pos, l + 1,
						    text[pos], (unsigned char)
						    text[pos], rep, got < 0 ?
						    "A DIFFERENT VALUE" : got == 2 ?
						    "unnoticed by verify" :
						    "unnoticed", k[s].name, who);
				}
			}
		}
	}
	/* the loops did run, and damage elsewhere leaves reads working */
	assert_true(tried > 4 * len);
	assert_true(survived > 0);
	if (wrong != 0 || unnoticed != 0) {
		for (i = 0; i < nfirst; i++)
			print_error("  %s\n", first[i]);
		fail_msg("%lu reads gave a different value, %lu changes went "
		    "unnoticed (of %lu reads)", wrong, unnoticed, tried);
	}

	/* truncation at every length is refused */
	for (pos = 0; pos < len; pos++) {
		sr_vault *t = NULL;
		err = (sr_err)SR_ERR_INIT;
		if (sr_vault_parse(&t, text, pos, "test.sealed", &err) == 0)
			fail_msg("truncated to %zu of %zu bytes, it parses", pos,
			    len);
		assert_null(t);
		assert_true(err.msg[0] != '\0');
	}
	free(map);
	free(mut);
	free(text);
	sr_vault_free(v);
	sr_identity_free(ids[0]);
	sr_identity_free(ids[1]);
}

/*
 * The text forms are base64url without padding: exactly the 64 characters
 * A-Z a-z 0-9 - _. A byte outside them in a base64 field (the id, a
 * recipient, a keyring, a nonce, a ciphertext) is damage and must be
 * refused. libsodium 1.0.18's decoder reads every byte 0x80..0xff as '_',
 * so the check is made where a field holds a '_' (vaults are made until
 * each field has one) and that '_' is replaced by 0x80, 0xdf and 0xff:
 * the decoded bytes are the same, so only a strict reader notices.
 */
static void
test_base64_fields_are_strict(void **state)
{
	static const struct {
		size_t line, field, skip;
		const char *what;
	} fields[] = {
		{ 1, 1, 0, "id" }, { 3, 1, 0, "keyring commitment" },
		{ 4, 1, 9, "recipient" }, { 4, 2, 0, "keyring" },
		{ 5, 1, 0, "header mac" }, { 6, 8, 0, "nonce" },
		{ 6, 9, 0, "key commitment" }, { 6, 10, 0, "ciphertext" },
		{ 7, 3, 0, "end mac" },
	};
	const size_t nf = sizeof(fields) / sizeof(fields[0]);
	static const unsigned char high[] = { 0x80, 0xdf, 0xff };
	char msgs[1024] = "";
	size_t i, j, tries, done = 0;

	(void)state;
	for (tries = 0; tries < 2000 && done != (1u << nf) - 1; tries++) {
		sr_identity *a = new_identity();
		sr_vault *v = new_vault(a);
		char *text;
		size_t len;

		set_str(v, "s", "a value of some length, for a longer text");
		text = to_text(v, &len);
		for (i = 0; i < nf; i++) {
			size_t n, fl;
			const char *line = line_at(text, fields[i].line, &n);
			const char *f = field_at(line, n, fields[i].field, &fl);
			const char *u = memchr(f + fields[i].skip, '_',
			    fl - fields[i].skip);

			if ((done & (1u << i)) || u == NULL)
				continue;
			done |= 1u << i;
			for (j = 0; j < sizeof(high); j++) {
				char *t = strdup(text);
				sr_err err = SR_ERR_INIT;
				sr_vault *r;
				unsigned char *val = NULL;
				size_t vlen;
				sr_secret_meta m;

				t[u - text] = (char)high[j];
				r = open_as(t, len, a, &err);
				/* read, and verified as a write would */
				if (r != NULL && sr_vault_get(&val, &vlen, &m, r,
				    "s", &err) == 0 && sr_vault_verify(r,
				    &err) == 0) {
					size_t used = strlen(msgs);
					snprintf(msgs + used, sizeof(msgs) - used,
					    " %s:'_'->0x%02x", fields[i].what,
					    high[j]);
				}
				sr_secalloc_free(val);
				sr_vault_free(r);
				free(t);
			}
		}
		free(text);
		sr_vault_free(v);
		sr_identity_free(a);
	}
	assert_int_equal(done, (1u << nf) - 1);
	if (msgs[0] != '\0')
		fail_msg("non-base64url bytes read as valid:%s", msgs);
}

/* Exchange field f between lines l1 and l2 of text. */
static char *
swap_fields(const char *text, size_t l1, size_t l2, size_t f)
{
	size_t n1, n2, f1n, f2n, len = strlen(text);
	const char *a = line_at(text, l1, &n1), *b = line_at(text, l2, &n2);
	const char *fa = field_at(a, n1, f, &f1n), *fb = field_at(b, n2, f,
	    &f2n);
	char *out = malloc(len + 1), *p;

	assert_non_null(out);
	assert_true(fa < fb);
	p = out;
	memcpy(p, text, (size_t)(fa - text));
	p += fa - text;
	memcpy(p, fb, f2n);
	p += f2n;
	memcpy(p, fa + f1n, (size_t)(fb - (fa + f1n)));
	p += fb - (fa + f1n);
	memcpy(p, fa, f1n);
	p += f1n;
	memcpy(p, fb + f2n, len - (size_t)(fb + f2n - text) + 1);
	return out;
}

/* Replace field f of line l with rep. */
static char *
edit_field(const char *text, size_t l, size_t f, const char *rep)
{
	size_t n, fn;
	const char *line = line_at(text, l, &n), *fp = field_at(line, n, f,
	    &fn);

	return splice(text, (size_t)(fp - text), fn, rep, strlen(rep));
}

static void
expect_both_fail(const char *text, const sr_identity *id, const char *n1,
    const char *n2, const char *what)
{
	sr_vault *r = open_ok(text, strlen(text), id);
	sr_err err;

	err = get_fails(r, n1);
	if (strstr(err.msg, "failed authentication") == NULL)
		fail_msg("%s: %s: %s", what, n1, err.msg);
	if (n2 != NULL) {
		err = get_fails(r, n2);
		if (strstr(err.msg, "failed authentication") == NULL)
			fail_msg("%s: %s: %s", what, n2, err.msg);
	}
	sr_vault_free(r);
}

static void
test_swap_rename_edit(void **state)
{
	static const struct {
		size_t field;
		const char *value, *what;
	} edits[] = {			/* b1's metadata, which its seal covers */
		{ 5, "2099-01-01T00:00:00Z", "expiry added" },
		{ 4, "2030-01-01T00:00:00Z", "updated edited" },
		{ 7, "scope=admin", "labels edited" },
		{ 6, "86400", "rotate_after edited" },
		{ 2, "1", "epoch edited" },
	};
	sr_identity *a = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_err err;
	char *text, *t;
	size_t len, l1, l2, i;

	(void)state;
	set_str(v, "b1", "value-of-b1");
	set_str(v, "d1", "value-of-d1");
	text = to_text(v, &len);
	l1 = line_index(text, "secret b1 ");
	l2 = line_index(text, "secret d1 ");
	r = open_ok(text, len, a);	/* the control */
	expect_str(r, "b1", "value-of-b1");
	expect_str(r, "d1", "value-of-d1");
	sr_vault_free(r);

	t = swap_fields(text, l1, l2, 10);	/* ciphertexts */
	expect_both_fail(t, a, "b1", "d1", "ciphertexts swapped");
	free(t);
	t = swap_fields(text, l1, l2, 9);	/* key commitments */
	expect_both_fail(t, a, "b1", "d1", "commitments swapped");
	free(t);
	t = swap_fields(text, l1, l2, 8);	/* nonces */
	expect_both_fail(t, a, "b1", "d1", "nonces swapped");
	free(t);
	{
		/* nonce, commitment and ciphertext: the whole sealed value */
		char *t2 = swap_fields(text, l1, l2, 8), *t3;
		t3 = swap_fields(t2, l1, l2, 9);
		t = swap_fields(t3, l1, l2, 10);
		free(t2);
		free(t3);
		expect_both_fail(t, a, "b1", "d1", "sealed values swapped");
		free(t);
	}
	t = edit_field(text, l1, 1, "c1");	/* renamed, still sorted */
	r = open_ok(t, strlen(t), a);
	err = get_fails(r, "b1");
	assert_int_equal(err.kind, SR_ERR_NOTFOUND);
	sr_vault_free(r);
	expect_both_fail(t, a, "c1", NULL, "renamed");
	free(t);
	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		t = edit_field(text, l1, edits[i].field, edits[i].value);
		expect_both_fail(t, a, "b1", NULL, edits[i].what);
		free(t);
	}
	/* an entry moved to another vault (another id) does not open */
	{
		sr_vault *w = new_vault(a);
		char *wtext, *id1, *moved;
		size_t wlen, n1, n2;
		const char *idl;

		wtext = to_text(w, &wlen);
		idl = line_at(wtext, 1, &n1);
		id1 = strndup(idl, n1);
		idl = line_at(text, 1, &n2);
		moved = splice(text, (size_t)(idl - text), n2, id1, n1);
		/* same keys are impossible across vaults, so the check is
		 * that a's keyring refuses the foreign id */
		assert_null(open_as(moved, strlen(moved), a, &err));
		assert_contains(err.msg, "another vault");
		free(moved);
		free(id1);
		free(wtext);
		sr_vault_free(w);
	}
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
}

/* ---- errors ------------------------------------------------------ */

static void
test_distinct_errors(void **state)
{
	sr_identity *a = new_identity(), *c = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_err errs[16];
	char *text, *t;
	size_t len, n = 0, i, j, l, fl;
	const char *line, *f;

	(void)state;
	set_str(v, "s", "value");
	set_str(v, "t", "other");
	text = to_text(v, &len);

	/* wrong identity */
	assert_null(open_as(text, len, c, &errs[n]));
	assert_contains(errs[n++].msg, "is not a recipient of this vault");
	/* no end line */
	t = strndup(text, (size_t)(strstr(text, "end ") - text));
	errs[n] = parse_fails(t, strlen(t));
	assert_contains(errs[n++].msg, "the vault is truncated (no end line)");
	free(t);
	/* no final newline */
	errs[n] = parse_fails(text, len - 1);
	assert_contains(errs[n++].msg, "truncated (no newline at the end)");
	/* counts off: a line removed */
	l = line_index(text, "secret t ");
	line = line_at(text, l, &fl);
	t = splice(text, (size_t)(line - text), fl + 1, "", 0);
	errs[n] = parse_fails(t, strlen(t));
	assert_contains(errs[n++].msg, "the vault was truncated or lines "
	    "were removed");
	free(t);
	/* a flipped ciphertext byte */
	line = line_at(text, line_index(text, "secret s "), &fl);
	f = field_at(line, fl, 10, &fl);
	t = strdup(text);
	t[f - text + 3] = t[f - text + 3] == 'A' ? 'B' : 'A';
	r = open_ok(t, len, a);
	errs[n] = get_fails(r, "s");
	assert_contains(errs[n++].msg, "secret 's' failed authentication: "
	    "the vault was modified or damaged");
	expect_str(r, "t", "other");	/* one damaged entry, not all */
	/* and a write, which verifies what it keeps, refuses to go on (the
	 * end MAC, over every line, fails first) */
	{
		sr_err e = SR_ERR_INIT;
		assert_int_equal(sr_vault_set(r, "u", (const unsigned char *)
		    "x", 1, &(sr_secret_meta){ .name = "" }, NOW, &e), -1);
		assert_contains(e.msg, "failed authentication as a whole");
		assert_int_equal(sr_vault_count(r), 2);
	}
	sr_vault_free(r);
	free(t);
	/* the end line's MAC altered: reads go on, verify refuses */
	line = line_at(text, line_index(text, "end "), &fl);
	f = field_at(line, fl, 3, &fl);
	t = strdup(text);
	t[f - text + 3] = t[f - text + 3] == 'A' ? 'B' : 'A';
	r = open_ok(t, len, a);
	expect_str(r, "s", "value");
	errs[n] = (sr_err)SR_ERR_INIT;
	assert_int_equal(sr_vault_verify(r, &errs[n]), -1);
	assert_contains(errs[n++].msg, "failed authentication as a whole");
	sr_vault_free(r);
	free(t);
	/* the header MAC altered */
	line = line_at(text, line_index(text, "mac "), &fl);
	f = field_at(line, fl, 1, &fl);
	t = strdup(text);
	t[f - text + 3] = t[f - text + 3] == 'A' ? 'B' : 'A';
	assert_null(open_as(t, len, a, &errs[n]));
	assert_contains(errs[n++].msg, "header failed authentication");
	free(t);
	/* the keyring commitment altered */
	line = line_at(text, line_index(text, "keyring "), &fl);
	f = field_at(line, fl, 1, &fl);
	t = strdup(text);
	t[f - text + 3] = t[f - text + 3] == 'A' ? 'B' : 'A';
	assert_null(open_as(t, len, a, &errs[n]));
	assert_contains(errs[n++].msg, "keyring commitment");
	free(t);
	/* the keyring altered */
	line = line_at(text, line_index(text, "recipient "), &fl);
	f = field_at(line, fl, 2, &fl);
	t = strdup(text);
	t[f - text + 10] = t[f - text + 10] == 'A' ? 'B' : 'A';
	assert_null(open_as(t, len, a, &errs[n]));
	assert_contains(errs[n++].msg, "your keyring in the vault failed "
	    "authentication");
	free(t);
	/* not a vault, empty, trailing text, out of order, bad line */
	errs[n] = parse_fails("hello\n", 6);
	assert_contains(errs[n++].msg, "not a scoperun vault");
	errs[n] = parse_fails("", 0);
	assert_contains(errs[n++].msg, "the vault is empty");
	t = malloc(len + 3);
	memcpy(t, text, len);
	memcpy(t + len, "x\n", 3);
	errs[n] = parse_fails(t, len + 2);
	assert_contains(errs[n++].msg, "text after the end line");
	free(t);
	t = swap_fields(text, line_index(text, "secret s "),
	    line_index(text, "secret t "), 1);
	errs[n] = parse_fails(t, len);
	assert_contains(errs[n++].msg, "out of order");
	free(t);
	t = splice(text, (size_t)(strstr(text, "\nend") - text + 1), 0,
	    "# comment\n", 10);
	errs[n] = parse_fails(t, strlen(t));
	assert_contains(errs[n++].msg, "malformed line");
	assert_int_equal(errs[n - 1].line, 9);
	assert_string_equal(errs[n - 1].file, "test.sealed");
	free(t);

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(errs[i].msg, errs[j].msg) == 0)
				fail_msg("errors %zu and %zu alike: %s", i, j,
				    errs[i].msg);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(c);
}

/* The version error quotes the version and nothing of the next line: a
 * message is one line (SPEC: every refusal is one line). */
static void
test_unknown_version_message(void **state)
{
	static const char v2[] = "scoperun-vault 3\nid AAAAAAAAAAAAAAAAAAAAAA\n"
	    "end 0 0\n";
	static const char v10[] = "scoperun-vault 10\nid "
	    "AAAAAAAAAAAAAAAAAAAAAA\nend 0 0\n";
	sr_err err = SR_ERR_INIT;
	sr_vault *v = NULL;

	(void)state;
	assert_int_equal(sr_vault_parse(&v, v2, strlen(v2), "v2", &err), -1);
	assert_contains(err.msg, "unsupported vault format version");
	assert_int_equal(err.line, 1);
	if (strchr(err.msg, '\n') != NULL || strstr(err.msg, "'3'") == NULL)
		fail_msg("version message is not one line quoting '3': [%s]",
		    err.msg);
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(sr_vault_parse(&v, v10, strlen(v10), "v10", &err),
	    -1);
	if (strstr(err.msg, "'10'") == NULL)
		fail_msg("version message does not quote '10': [%s]", err.msg);
}

/* ---- files ------------------------------------------------------- */

static int
tmp_files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp-") != NULL)
			n++;
	closedir(d);
	return n;
}

static void
test_save_and_open(void **state)
{
	sr_identity *a = new_identity();
	sr_vault *v = new_vault(a), *r = NULL;
	sr_err err = SR_ERR_INIT;
	char path[PATH_MAX], link[PATH_MAX];
	mode_t old;

	(void)state;
	tl_tmp(path, sizeof(path), "vault.sealed");
	set_str(v, "pem", pem);
	assert_int_equal(sr_vault_open(&r, path, &err), -1);
	assert_int_equal(err.kind, SR_ERR_NOTFOUND);
	assert_null(r);

	old = umask(0);		/* the mode does not depend on the umask */
	assert_int_equal(sr_vault_save(v, path, &err), 0);
	umask(old);
	assert_int_equal(tl_mode_of(path), 0600);
	assert_int_equal(tmp_files_in(tl_dir), 0);
	assert_int_equal(sr_vault_open(&r, path, &err), 0);
	assert_int_equal(sr_vault_unlock(r, a, &err), 0);
	expect_str(r, "pem", pem);
	/* save over the old file, from the opened vault */
	set_str(r, "second", "2");
	assert_int_equal(sr_vault_save(r, path, &err), 0);
	assert_int_equal(tl_mode_of(path), 0600);
	assert_int_equal(tmp_files_in(tl_dir), 0);
	sr_vault_free(r);
	assert_int_equal(sr_vault_open(&r, path, &err), 0);
	assert_int_equal(sr_vault_unlock(r, a, &err), 0);
	expect_str(r, "pem", pem);
	expect_str(r, "second", "2");
	sr_vault_free(r);

	/* StrictModes: writable by others is refused; readable is fine,
	 * as git checks a shared vault out 0644 */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(sr_vault_open(&r, path, &err), 0);
	sr_vault_free(r);
	assert_int_equal(chmod(path, 0620), 0);
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(sr_vault_open(&r, path, &err), -1);
	assert_null(r);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_contains(err.msg, "mode 0620");
	assert_int_equal(chmod(path, 0602), 0);
	assert_int_equal(sr_vault_open(&r, path, &err), -1);
	assert_contains(err.msg, "mode 0602");
	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(sr_vault_open(&r, path, &err), -1);
	assert_contains(err.msg, "writable by group");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(sr_vault_open(&r, path, &err), 0);	/* control */
	sr_vault_free(r);
	/* a symlink is refused */
	tl_tmp(link, sizeof(link), "link.sealed");
	assert_int_equal(symlink(path, link), 0);
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(sr_vault_open(&r, link, &err), -1);
	assert_null(r);
	assert_true(err.msg[0] != '\0');
	sr_vault_free(v);
	sr_identity_free(a);
}

/* ---- main -------------------------------------------------------- */

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_values),
		cmocka_unit_test(test_get_reuse_grows_only_when_needed),
		cmocka_unit_test(test_names_sorted_and_found),
		cmocka_unit_test(test_round_trip_meta),
		cmocka_unit_test(test_set_meta_reads_back_or_is_refused),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_name_rule),
		cmocka_unit_test(test_locked_vault_refuses_changes),
		cmocka_unit_test(test_second_recipient_reads_everything),
		cmocka_unit_test(test_removed_recipient_cannot_read_new_secrets),
		cmocka_unit_test(test_recipient_remove_refusals),
		cmocka_unit_test(test_epoch_limit),
		cmocka_unit_test(test_stranger_is_not_a_recipient),
		cmocka_unit_test(test_every_single_byte_change),
		cmocka_unit_test(test_base64_fields_are_strict),
		cmocka_unit_test(test_swap_rename_edit),
		cmocka_unit_test(test_distinct_errors),
		cmocka_unit_test(test_unknown_version_message),
		cmocka_unit_test(test_save_and_open),
	};

	return cmocka_run_group_tests(tests, tl_dir_setup, tl_dir_teardown);
}
