/*
 * test_checkpoint.c - signed checkpoints and rotation of the audit log,
 * through the library: a real log in a temporary directory, cut, rewritten
 * and shuffled the ways an attacker with the machine would, with the
 * checkpoints kept "elsewhere" (read before the damage) held up to it.
 * The note format is recomputed from lib/FORMAT.md with libsodium alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "audit_impl.h"
#include "settings.h"
#include "testlib.h"

/* The default settings: the library reads no environment (settings.h). */
static void
settings_default(void)
{
	sr_settings s = { 0 };

	sr_settings_use(&s);
}

static int
setup(void **state)
{
	settings_default();
	return tl_fixture_setup(state, "sr-cp-test.", "audit.jsonl");
}

static int
teardown(void **state)
{
	settings_default();
	return tl_fixture_teardown(state);
}

static void
side(char *buf, size_t size, const char *path, const char *suffix)
{
	snprintf(buf, size, "%s%s", path, suffix);
}

static void
append_one(const char *path, const char *task)
{
	char *argv[] = { "deploy", "--prod", NULL };
	const char *names[] = { "GH" };
	sr_audit_event ev = { 0 };
	sr_err err = SR_ERR_INIT;

	ev.event = "run";
	ev.agent = "bot";
	ev.decision = "allow";
	ev.reason = "ok";
	ev.secrets = names;
	ev.nsecrets = 1;
	ev.command = "/usr/bin/deploy";
	ev.argv = argv;
	ev.task = task;
	if (sr_audit_append(path, &ev, &err) != 0)
		fail_msg("sr_audit_append: %s", err.msg);
}

static void
build(const char *path, unsigned n, const char *task)
{
	unsigned i;

	for (i = 0; i < n; i++)
		append_one(path, task);
}

static void
vkey(char *buf, size_t size, const char *path)
{
	sr_err err = SR_ERR_INIT;

	if (sr_audit_vkey(buf, size, path, &err) != 0)
		fail_msg("sr_audit_vkey: %s", err.msg);
}

/* The checkpoints file beside path, parsed with the log's key. */
static sr_audit_checkpoint *
checkpoints(size_t *n, const char *path)
{
	char cp[256], key[SR_AUDIT_VKEY_MAX], *text;
	sr_audit_checkpoint *cps;
	sr_err err = SR_ERR_INIT;
	size_t len;

	side(cp, sizeof(cp), path, ".checkpoints");
	vkey(key, sizeof(key), path);
	text = tl_slurp(cp, &len);
	if (sr_audit_checkpoints_parse(&cps, n, text, len, key, &err) != 0)
		fail_msg("parse: %s", err.msg);
	free(text);
	return cps;
}

/* A log of n records, and its checkpoints as read now: the copy kept
 * elsewhere, from before the damage a test then does. */
static sr_audit_checkpoint *
kept_checkpoints(size_t *ncps, const char *path, unsigned n,
    const char *task)
{
	build(path, n, task);
	return checkpoints(ncps, path);
}

static int
verify_opts(sr_audit_verdict *v, const char *path,
    const sr_audit_verify_opts *o)
{
	sr_err err = SR_ERR_INIT;
	int rc = sr_audit_verify_with(v, path, o, &err);

	if (rc < 0)
		fail_msg("verify error: %s", err.msg);
	return rc;
}

static int
verify_cps(sr_audit_verdict *v, const char *path,
    const sr_audit_checkpoint *cps, size_t n, const unsigned char *key0)
{
	sr_audit_verify_opts o = SR_AUDIT_VERIFY_OPTS_INIT;

	o.key0 = key0;
	o.cps = cps;
	o.ncps = n;
	return verify_opts(v, path, &o);
}

/* As `audit verify` does by default: the checkpoints beside the log. */
static int
verify_local(sr_audit_verdict *v, const char *path, const unsigned char *key0)
{
	sr_audit_verify_opts o = SR_AUDIT_VERIFY_OPTS_INIT;

	o.key0 = key0;
	o.local_checkpoints = 1;
	return verify_opts(v, path, &o);
}

/* A log kept without a head (--no-head): its absence is no finding. */
static int
verify_no_head(sr_audit_verdict *v, const char *path)
{
	sr_audit_verify_opts o = SR_AUDIT_VERIFY_OPTS_INIT;

	o.no_head = 1;
	return verify_opts(v, path, &o);
}

/* The log cut to its first n lines (and, as an attacker would, its head
 * removed so that nothing local says how long it was). */
static void
cut(const char *path, unsigned n)
{
	char hp[256], *buf, *p;
	size_t len;
	unsigned i;

	buf = tl_slurp(path, &len);
	for (i = 0, p = buf; i < n; i++, p++)
		assert_non_null(p = strchr(p, '\n'));
	tl_spit(path, buf, (size_t)(p - buf));
	free(buf);
	side(hp, sizeof(hp), path, ".head");
	unlink(hp);
}

/* ---- the format ------------------------------------------------- */

/*
 * FORMAT.md: a note "scoperun-audit/ID\nSIZE\nHASH\n", a blank line, and
 * "— scoperun BASE64(keyid4 || ed25519 sig)"; keyid is SHA-256 of
 * "scoperun\n" 0x01 pk, first 4 bytes; the verifier key is
 * "scoperun+HEX8+BASE64(0x01 || pk)". Checked with libsodium alone.
 */
static void
test_note_format(void **state)
{
	struct tl_fixture *f = *state;
	char key[SR_AUDIT_VKEY_MAX], *text, *blank, want[256], hex[65];
	unsigned char typed[33], blob[68], h[32], in[42];
	struct audit_head head;
	sr_err err = SR_ERR_INIT;
	size_t len;
	unsigned long id;

	build(f->path, 3, NULL);
	vkey(key, sizeof(key), f->path);
	assert_int_equal(strncmp(key, "scoperun+", 9), 0);
	id = strtoul(key + 9, NULL, 16);
	assert_int_equal(key[17], '+');
	assert_int_equal(sodium_base642bin(typed, sizeof(typed), key + 18,
	    strlen(key + 18), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, 33);
	assert_int_equal(typed[0], 0x01);
	memcpy(in, "scoperun\n\x01", 10);
	memcpy(in + 10, typed + 1, 32);
	crypto_hash_sha256(h, in, sizeof(in));
	assert_int_equal(id, (unsigned long)h[0] << 24 | (unsigned long)h[1] <<
	    16 | (unsigned long)h[2] << 8 | h[3]);

	assert_int_equal(sr_audit_checkpoint_now(&text, f->path, &err), 0);
	assert_int_equal(audit_head_read(&head, f->path, &err), 0);
	sodium_bin2hex(want, 33, head.log, 16);
	sodium_bin2hex(hex, sizeof(hex), head.hash, 32);
	snprintf(want + 32, sizeof(want) - 32, "\n3\n%s\n\n", hex);
	assert_int_equal(strncmp(text, "scoperun-audit/", 15), 0);
	assert_int_equal(strncmp(text + 15, want, strlen(want)), 0);
	blank = strstr(text, "\n\n");
	assert_non_null(blank);
	assert_int_equal(strncmp(blank + 2, "\xe2\x80\x94 scoperun ", 13), 0);
	len = strlen(blank + 15) - 1;	/* without its newline */
	assert_int_equal(blank[15 + len], '\n');
	assert_int_equal(sodium_base642bin(blob, sizeof(blob), blank + 15, len,
	    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, 68);
	assert_memory_equal(blob, h, 4);
	assert_int_equal(crypto_sign_verify_detached(blob + 4,
	    (const unsigned char *)text, (size_t)(blank + 1 - text),
	    typed + 1), 0);
	free(text);
	sodium_memzero(&head, sizeof(head));
}

/* ---- checkpoints ------------------------------------------------ */

static void
test_every_hundred(void **state)
{
	struct tl_fixture *f = *state;
	sr_audit_checkpoint *cps;
	sr_audit_verdict v;
	size_t n;

	cps = kept_checkpoints(&n, f->path, 250, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(cps[0].size, 100);
	assert_int_equal(cps[1].size, 200);
	assert_int_equal(verify_cps(&v, f->path, cps, n, NULL), 0);
	assert_int_equal(v.checkpoints, 2);
	assert_int_equal(v.records, 250);
	free(cps);
}

/* Cut after the checkpoint, head gone: the missing head is a finding
 * (issue 11); told the log has none, nothing in it shows the cut; the
 * checkpoint does. */
static void
test_truncated(void **state)
{
	struct tl_fixture *f = *state;
	sr_audit_checkpoint *cps;
	sr_audit_verdict v;
	size_t n;

	cps = kept_checkpoints(&n, f->path, 250, NULL);
	cut(f->path, 150);
	assert_int_equal(verify_cps(&v, f->path, NULL, 0, NULL), 1);
	assert_non_null(strstr(v.why, "no head"));
	assert_int_equal(v.bad_seq, 151);
	assert_int_equal(verify_no_head(&v, f->path), 0);
	assert_int_equal(v.records, 150);
	assert_true(v.head_missing);
	/* the checkpoints beside the log show it too */
	assert_int_equal(verify_local(&v, f->path, NULL), 1);
	assert_non_null(strstr(v.why, "truncated: a checkpoint says the log "
	    "had 200 records, it has 150"));
	assert_int_equal(verify_cps(&v, f->path, cps, n, NULL), 1);
	assert_non_null(strstr(v.why, "truncated: a checkpoint says the log "
	    "had 200 records, it has 150"));
	assert_int_equal(v.bad_seq, 151);
	/* cut before the first checkpoint too */
	cut(f->path, 99);
	assert_int_equal(verify_cps(&v, f->path, cps, n, NULL), 1);
	assert_non_null(strstr(v.why, "truncated"));
	free(cps);
}

/* Cut, and a head written to match the shorter log: without the initial
 * key nothing local can tell; the checkpoint can. */
static void
test_truncated_head_rewritten(void **state)
{
	struct tl_fixture *f = *state;
	sr_audit_checkpoint *cps;
	sr_audit_verdict v;
	struct audit_head h;
	sr_err err = SR_ERR_INIT;
	unsigned char k1[32];
	char *buf, *p;
	size_t n, len;
	unsigned i;

	cps = kept_checkpoints(&n, f->path, 250, NULL);
	assert_int_equal(audit_head_read(&h, f->path, &err), 0);
	cut(f->path, 180);
	buf = tl_slurp(f->path, &len);
	p = buf + len - AUDIT_TAIL_LEN - 1;
	assert_int_equal(sr_hex_decode(h.hash, 32, p + 9), 0);
	h.seq = 180;
	h.size = len;
	randombytes_buf(h.key, sizeof(h.key));
	assert_int_equal(audit_head_write(&h, f->path, &err), 0);
	assert_int_equal(verify_cps(&v, f->path, NULL, 0, NULL), 0);
	assert_true(v.head_checked);
	assert_int_equal(verify_cps(&v, f->path, cps, n, NULL), 1);
	assert_non_null(strstr(v.why, "truncated"));
	for (i = 0; i < n; i++)
		assert_true(cps[i].size != 180);
	/* with the initial key the made-up head's key shows, checkpoint
	 * or not */
	assert_int_equal(sr_audit_key0_load(k1, f->path, &err), 0);
	assert_int_equal(verify_cps(&v, f->path, NULL, 0, k1), 1);
	assert_non_null(strstr(v.why, "key does not follow"));
	free(buf);
	free(cps);
	sodium_memzero(&h, sizeof(h));
}

/* The whole log replaced by another with a valid chain and head (a
 * rewrite by someone who cannot reseal with the old keys): the first
 * checkpoint it reaches names another record. */
static void
test_rewritten(void **state)
{
	struct tl_fixture *f = *state;
	sr_audit_checkpoint *cps;
	sr_audit_verdict v;
	char other[160], from[200], to[200], *buf;
	static const char *const sides[] = { "", ".head" };
	size_t n, len, i;

	cps = kept_checkpoints(&n, f->path, 250, "T-1");
	snprintf(other, sizeof(other), "%s/other.jsonl", f->dir);
	build(other, 250, "T-forged");
	for (i = 0; i < 2; i++) {
		side(from, sizeof(from), other, sides[i]);
		side(to, sizeof(to), f->path, sides[i]);
		buf = tl_slurp(from, &len);
		tl_spit(to, buf, len);
		free(buf);
	}
	assert_int_equal(verify_cps(&v, f->path, NULL, 0, NULL), 0);
	assert_int_equal(verify_cps(&v, f->path, cps, n, NULL), 1);
	assert_int_equal(v.bad_seq, 100);
	assert_non_null(strstr(v.why, "rewritten"));
	free(cps);
	/* the key and checkpoints beside it are still the first log's: by
	 * default verify sees the swap too */
	assert_int_equal(verify_local(&v, f->path, NULL), 1);
	assert_non_null(strstr(v.why, "(.sign) is of another log"));
}

static void
test_bad_notes(void **state)
{
	struct tl_fixture *f = *state;
	char cp[200], key[SR_AUDIT_VKEY_MAX], okey[SR_AUDIT_VKEY_MAX];
	char other[160], *text, *p;
	sr_audit_checkpoint *cps = NULL;
	sr_err err = SR_ERR_INIT;
	size_t n, len;

	build(f->path, 100, NULL);
	snprintf(other, sizeof(other), "%s/other.jsonl", f->dir);
	build(other, 1, NULL);
	vkey(key, sizeof(key), f->path);
	vkey(okey, sizeof(okey), other);
	side(cp, sizeof(cp), f->path, ".checkpoints");
	text = tl_slurp(cp, &len);
	assert_int_equal(sr_audit_checkpoints_parse(&cps, &n, text, len, key,
	    &err), 0);
	free(cps);
	/* another log's key */
	assert_int_equal(sr_audit_checkpoints_parse(&cps, &n, text, len, okey,
	    &err), -1);
	assert_non_null(strstr(err.msg, "not signed by this log's key"));
	/* not a key */
	assert_int_equal(sr_audit_checkpoints_parse(&cps, &n, text, len,
	    "scoperun+00000000+AAAA", &err), -1);
	assert_int_equal(err.kind, SR_ERR_USAGE);
	/* the size changed: the signature no longer holds */
	p = strstr(text, "\n100\n");
	assert_non_null(p);
	p[3] = '1';
	assert_int_equal(sr_audit_checkpoints_parse(&cps, &n, text, len, key,
	    &err), -1);
	assert_non_null(strstr(err.msg, "bad signature"));
	p[3] = '0';
	/* cut short */
	assert_int_equal(sr_audit_checkpoints_parse(&cps, &n, text, 40, key,
	    &err), -1);
	assert_int_equal(sr_audit_checkpoints_parse(&cps, &n, text, 0, key,
	    &err), -1);
	free(text);
}

/* ---- rotation --------------------------------------------------- */

static void
rotate_small(void)
{
	sr_settings s = { .audit_rotate_bytes = 20000 };

	sr_settings_use(&s);
}

static void
test_rotation_chain(void **state)
{
	struct tl_fixture *f = *state;
	char p1[200], p2[200], *a, *b, *last;
	sr_audit_checkpoint *cps;
	unsigned char key[32];
	sr_audit_verdict v;
	sr_err err = SR_ERR_INIT;
	struct stat st;
	size_t n, la, lb;
	int files;

	rotate_small();
	build(f->path, 300, NULL);
	assert_int_equal(sr_audit_key0_load(key, f->path, &err), 0);
	assert_int_equal(sr_audit_verify(&v, f->path, key, &err), 0);
	assert_int_equal(v.records, 300);
	assert_true(v.files >= 5);
	assert_true(v.head_checked);
	files = v.files;
	/* nothing bigger than the size and one record */
	side(p1, sizeof(p1), f->path, ".1");
	assert_int_equal(stat(p1, &st), 0);
	assert_true(st.st_size > 20000 && st.st_size < 21000);
	/* the current file's first record chains to the last of .1 */
	a = tl_slurp(p1, &la);
	b = tl_slurp(f->path, &lb);
	last = a + la - 1;
	while (last > a && last[-1] != '\n')
		last--;
	assert_int_equal(strncmp(b, "{\"seq\":", 7), 0);
	assert_true(strtoull(b + 7, NULL, 10) == strtoull(last + 7, NULL,
	    10) + 1);
	assert_memory_equal(strstr(b, "\"prev\":\"") + 8, strstr(last,
	    "\"hash\":\"") + 8, 64);
	free(a);
	free(b);
	/* a checkpoint on every rotation, and every 100 */
	cps = checkpoints(&n, f->path);
	assert_int_equal(n, (size_t)files - 1 + 3);
	assert_int_equal(verify_cps(&v, f->path, cps, n, key), 0);
	assert_int_equal(v.checkpoints, n);
	free(cps);
	/* the oldest file gone: records missing from the start */
	snprintf(p2, sizeof(p2), "%s.%d", f->path, files - 1);
	assert_int_equal(unlink(p2), 0);
	assert_int_equal(sr_audit_verify(&v, f->path, NULL, &err), 1);
	assert_non_null(strstr(v.why, "deleted: records 1 to"));
}

static void
test_rotation_tamper(void **state)
{
	struct tl_fixture *f = *state;
	char p1[200], p2[200], tmp[200];
	sr_audit_verdict v;
	sr_err err = SR_ERR_INIT;

	rotate_small();
	build(f->path, 150, NULL);
	side(p1, sizeof(p1), f->path, ".1");
	side(p2, sizeof(p2), f->path, ".2");
	side(tmp, sizeof(tmp), f->path, ".tmp");
	/* two rotated files swapped */
	assert_int_equal(rename(p1, tmp), 0);
	assert_int_equal(rename(p2, p1), 0);
	assert_int_equal(rename(tmp, p2), 0);
	assert_int_equal(sr_audit_verify(&v, f->path, NULL, &err), 1);
	assert_string_equal(v.bad_path, p2);
	assert_int_equal(v.bad_line, 1);
	assert_int_equal(rename(p2, tmp), 0);
	assert_int_equal(rename(p1, p2), 0);
	assert_int_equal(rename(tmp, p1), 0);
	assert_int_equal(sr_audit_verify(&v, f->path, NULL, &err), 0);
	/* a middle file gone */
	assert_int_equal(rename(p1, tmp), 0);
	assert_int_equal(sr_audit_verify(&v, f->path, NULL, &err), 1);
	assert_non_null(strstr(v.why, "deleted"));
	assert_int_equal(rename(tmp, p1), 0);
	assert_int_equal(sr_audit_verify(&v, f->path, NULL, &err), 0);
}

/* A crash after the rename, before the head said so: the next append
 * finds .1 ending where the head says, and goes on. */
static void
test_rotation_crash(void **state)
{
	struct tl_fixture *f = *state;
	char hp[200], *head, p1[200], *buf;
	unsigned char key[32];
	sr_audit_verdict v;
	sr_err err = SR_ERR_INIT;
	size_t len, hlen;
	struct stat st;

	rotate_small();
	side(hp, sizeof(hp), f->path, ".head");
	side(p1, sizeof(p1), f->path, ".1");
	/* up to just before the first rotation */
	while (stat(f->path, &st) != 0 || st.st_size <= 20000)
		append_one(f->path, NULL);
	head = tl_slurp(hp, &hlen);
	append_one(f->path, NULL);	/* rotates, then appends */
	assert_int_equal(stat(p1, &st), 0);
	/* as if the crash came after the rename: the old head, an empty
	 * current file; verify takes the rotation as done, as the next
	 * append does */
	tl_spit(hp, head, hlen);
	tl_spit(f->path, "", 0);
	assert_int_equal(sr_audit_key0_load(key, f->path, &err), 0);
	if (sr_audit_verify(&v, f->path, key, &err) != 0)
		fail_msg("a rotation whose head update was lost: %s", v.why);
	append_one(f->path, NULL);	/* the one record of the new file */
	free(head);
	head = NULL;
	/* and a crash after the rotation's head (size 0, at the last record
	 * of .1), before that record's head update: that head is one behind,
	 * in the file before */
	{
		struct audit_head h;
		char *p;
		uint64_t i;

		assert_int_equal(audit_head_read(&h, f->path, &err), 0);
		buf = tl_slurp(p1, &len);
		p = buf + len - 1 - AUDIT_TAIL_LEN;
		assert_int_equal(sr_hex_decode(h.hash, 32, p + 9), 0);
		h.seq--;
		h.size = 0;
		memcpy(h.key, key, 32);
		for (i = 0; i < h.seq; i++)
			audit_evolve(h.key);
		assert_int_equal(audit_head_write(&h, f->path, &err), 0);
		free(buf);
		if (sr_audit_verify(&v, f->path, key, &err) != 0)
			fail_msg("a head left at the start of a new file: %s",
			    v.why);
		assert_int_equal(v.head_behind, 1);
		sodium_memzero(&h, sizeof(h));
	}
	append_one(f->path, NULL);
	assert_int_equal(sr_audit_verify(&v, f->path, key, &err), 0);
	assert_true(v.head_checked);
	buf = tl_slurp(f->path, &len);
	assert_null(strstr(buf, "\"event\":\"recovery\""));
	free(buf);
	free(head);
}

/* The head lost in a rotated log: rebuilt from the initial key over
 * every file. */
static void
test_rotation_rebuild(void **state)
{
	struct tl_fixture *f = *state;
	char hp[200];
	unsigned char key[32];
	sr_audit_verdict v;
	sr_err err = SR_ERR_INIT;

	rotate_small();
	build(f->path, 120, NULL);
	side(hp, sizeof(hp), f->path, ".head");
	assert_int_equal(unlink(hp), 0);
	append_one(f->path, NULL);
	assert_int_equal(sr_audit_key0_load(key, f->path, &err), 0);
	assert_int_equal(sr_audit_verify(&v, f->path, key, &err), 0);
	assert_int_equal(v.records, 121);
	assert_true(v.files > 1);
}

/* A log of several megabytes goes through the two-thread walk: the same
 * verdicts, found at the same record. */
static void
test_big_walk(void **state)
{
	struct tl_fixture *f = *state;
	char *buf, *p;
	unsigned char key[32];
	sr_audit_verdict v;
	sr_err err = SR_ERR_INIT;
	size_t len;
	unsigned i;

	build(f->path, 300, NULL);
	buf = tl_slurp(f->path, &len);
	/* 300 records repeated: a long log whose record 301 is a duplicate
	 * seq; grown on disk without 10,000 fsyncs */
	{
		FILE *fp = fopen(f->path, "ab");
		assert_non_null(fp);
		for (i = 0; i < 60; i++)
			assert_int_equal(fwrite(buf, 1, len, fp), len);
		fclose(fp);
	}
	assert_int_equal(sr_audit_key0_load(key, f->path, &err), 0);
	assert_int_equal(sr_audit_verify(&v, f->path, key, &err), 1);
	assert_int_equal(v.bad_line, 301);
	assert_int_equal(v.records, 300);
	/* a flip deep in the first 300, in a multi-megabyte log */
	p = strstr(buf, "{\"seq\":250,");
	assert_non_null(p);
	{
		int fd = open(f->path, O_WRONLY);
		char c = (char)(p[40] ^ 1);
		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, &c, 1, p + 40 - buf), 1);
		close(fd);
	}
	assert_int_equal(sr_audit_verify(&v, f->path, key, &err), 1);
	assert_int_equal(v.bad_seq, 250);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_note_format, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_every_hundred, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated_head_rewritten,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewritten, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_notes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotation_chain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotation_tamper, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotation_crash, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotation_rebuild, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_big_walk, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
