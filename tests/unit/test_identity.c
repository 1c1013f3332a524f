/*
 * test_identity.c - identities, recipients and identity files: every rule
 * of identity.h, each test written so that it fails when its rule
 * breaks. Refusals are checked against a control that loads, so a test
 * cannot pass because the file was broken for some other reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "identity.h"
#include "secalloc.h"
#include "testlib.h"

#define KEYLEN 32
#define B64LEN 48	/* base64url of key || 4-byte check, no padding */

/* ---- helpers ----------------------------------------------------- */

static void
write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);	/* umask would mask it */
	assert_int_equal(close(fd), 0);
}

static void
write_str(const char *path, const char *data, mode_t mode)
{
	write_file(path, data, strlen(data), mode);
}

/* A fixed identity, so the text forms can be checked byte for byte. */
static sr_identity *
fixed_identity(void)
{
	sr_identity *id = sr_secalloc_alloc(sizeof(*id));
	size_t i;

	assert_non_null(id);
	for (i = 0; i < KEYLEN; i++)
		id->sk[i] = (unsigned char)(i * 7 + 1);
	assert_int_equal(crypto_scalarmult_base(id->pk, id->sk), 0);
	return id;
}

/* The text form computed here from the format's definition, not by the
 * code under test: prefix || base64url(key || BLAKE2b-256(dom || prefix ||
 * key)[:4]). */
static void
expected_text(char *out, size_t size, const char *prefix,
    const unsigned char key[KEYLEN])
{
	unsigned char in[15 + 32 + KEYLEN], hash[32], raw[KEYLEN + 4];
	size_t plen = strlen(prefix);

	assert_true(plen <= 32);
	memcpy(in, "scoperun-key-v1", 15);
	memcpy(in + 15, prefix, plen);
	memcpy(in + 15 + plen, key, KEYLEN);
	assert_int_equal(crypto_generichash(hash, sizeof(hash), in,
	    15 + plen + KEYLEN, NULL, 0), 0);
	memcpy(raw, key, KEYLEN);
	memcpy(raw + KEYLEN, hash, 4);
	assert_true(size > plen + B64LEN);
	memcpy(out, prefix, plen);
	assert_non_null(sodium_bin2base64(out + plen, size - plen, raw,
	    sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING));
}

/* "SCOPERUN-SECRET-1..." for id, and its base64 part. */
static const char *
secret_line(char out[128], const sr_identity *id)
{
	expected_text(out, 128, SR_IDENTITY_PREFIX, id->sk);
	return out;
}

static const char *
secret_b64(const char *line)
{
	return line + strlen(SR_IDENTITY_PREFIX);
}

/* No 8 consecutive characters of the secret's base64 in the error. */
static void
assert_no_secret(const sr_err *err, const char *b64)
{
	size_t i, n = strlen(b64);
	char piece[9];

	assert_true(n >= 8);
	for (i = 0; i + 8 <= n; i++) {
		memcpy(piece, b64 + i, 8);
		piece[8] = '\0';
		assert_null(strstr(err->msg, piece));
		assert_null(strstr(err->file, piece));
	}
}

static void
assert_same_keys(const sr_identity *a, const sr_identity *b)
{
	assert_memory_equal(a->pk, b->pk, KEYLEN);
	assert_memory_equal(a->sk, b->sk, KEYLEN);
}

/* Load path and expect a refusal; returns the error for more checks. */
static sr_err
load_fails(const char *path)
{
	sr_err err = SR_ERR_INIT;
	sr_identity *id = (sr_identity *)1;

	assert_int_equal(sr_identity_load(&id, path, &err), -1);
	assert_null(id);
	assert_true(err.msg[0] != '\0');
	return err;
}

static void
load_ok(const char *path, const sr_identity *want)
{
	sr_err err = SR_ERR_INIT;
	sr_identity *id = NULL;

	if (sr_identity_load(&id, path, &err) != 0)
		fail_msg("load %s: %s (line %u)", path, err.msg, err.line);
	assert_non_null(id);
	assert_same_keys(id, want);
	sr_identity_free(id);
}

/* A valid identity file for id at path, mode 0600. */
static void
write_identity(const char *path, const sr_identity *id)
{
	char line[128], text[512];

	snprintf(text, sizeof(text), "# scoperun identity\n%s\n",
	    secret_line(line, id));
	write_str(path, text, 0600);
}

static sr_err
parse_fails(const char *text)
{
	unsigned char pk[KEYLEN], untouched[KEYLEN];
	sr_err err = SR_ERR_INIT;

	memset(pk, 0xaa, sizeof(pk));
	memset(untouched, 0xaa, sizeof(untouched));
	assert_int_equal(sr_recipient_parse(pk, text, &err), -1);
	assert_memory_equal(pk, untouched, KEYLEN);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	return err;
}

/* ---- generation and text forms ----------------------------------- */

static void
test_generate(void **state)
{
	sr_identity *a = NULL, *b = NULL;
	unsigned char pk[KEYLEN], zero[KEYLEN] = { 0 };
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sr_identity_generate(&a, &err), 0);
	assert_int_equal(sr_identity_generate(&b, &err), 0);
	assert_memory_not_equal(a->sk, b->sk, KEYLEN);
	assert_memory_not_equal(a->sk, zero, KEYLEN);
	assert_int_equal(crypto_scalarmult_base(pk, a->sk), 0);
	assert_memory_equal(pk, a->pk, KEYLEN);
	sr_identity_free(a);
	sr_identity_free(b);
	sr_identity_free(NULL);
}

/* The recipient text is exactly prefix || base64url(pk || check). */
static void
test_recipient_format_known(void **state)
{
	char got[SR_RECIPIENT_TEXT_MAX], want[128];
	sr_identity *id = fixed_identity();

	(void)state;
	sr_recipient_format(got, id->pk);
	expected_text(want, sizeof(want), SR_RECIPIENT_PREFIX, id->pk);
	assert_string_equal(got, want);
	assert_int_equal(strlen(got), strlen(SR_RECIPIENT_PREFIX) + B64LEN);
	sr_identity_free(id);
}

/* The file text: created comment, recipient comment, secret, newline. */
static void
test_identity_text_known(void **state)
{
	char rcpt[128], line[128], *text = NULL, *p, *nl;
	sr_identity *id = fixed_identity();
	sr_err err = SR_ERR_INIT;
	size_t len = 0;
	const char *head = "# scoperun identity, created ";

	(void)state;
	assert_int_equal(sr_identity_text(&text, &len, id, &err), 0);
	assert_int_equal(len, strlen(text));
	p = text;
	assert_int_equal(strncmp(p, head, strlen(head)), 0);
	p += strlen(head);
	nl = strchr(p, '\n');
	assert_non_null(nl);
	assert_int_equal(nl - p, 20);	/* 2026-11-23T18:00:00Z */
	assert_true(p[4] == '-' && p[10] == 'T' && p[19] == 'Z');
	p = nl + 1;
	expected_text(rcpt, sizeof(rcpt), SR_RECIPIENT_PREFIX, id->pk);
	assert_int_equal(strncmp(p, "# recipient: ", 13), 0);
	p += 13;
	assert_int_equal(strncmp(p, rcpt, strlen(rcpt)), 0);
	p += strlen(rcpt);
	assert_int_equal(*p++, '\n');
	secret_line(line, id);
	assert_int_equal(strncmp(p, line, strlen(line)), 0);
	p += strlen(line);
	assert_string_equal(p, "\n");
	sr_secalloc_free(text);
	sr_identity_free(id);
}

/* generate -> text -> file -> load, and recipient format -> parse. */
static void
test_round_trip(void **state)
{
	char path[PATH_MAX], rcpt[SR_RECIPIENT_TEXT_MAX], *text = NULL;
	unsigned char pk[KEYLEN];
	sr_identity *id = NULL;
	sr_err err = SR_ERR_INIT;
	size_t len;

	(void)state;
	assert_int_equal(sr_identity_generate(&id, &err), 0);
	assert_int_equal(sr_identity_text(&text, &len, id, &err), 0);
	write_file(tl_tmp(path, sizeof(path), "roundtrip"), text, len, 0600);
	sr_secalloc_free(text);
	load_ok(path, id);
	sr_recipient_format(rcpt, id->pk);
	assert_int_equal(sr_recipient_parse(pk, rcpt, &err), 0);
	assert_memory_equal(pk, id->pk, KEYLEN);
	sr_identity_free(id);
}

/* The public key comes from the secret key, not from the comment. */
static void
test_load_derives_pk(void **state)
{
	char path[PATH_MAX], line[128], text[512], other[128];
	sr_identity *id = fixed_identity(), *wrong = NULL;
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sr_identity_generate(&wrong, &err), 0);
	sr_recipient_format(other, wrong->pk);
	snprintf(text, sizeof(text), "# recipient: %s\n%s\n", other,
	    secret_line(line, id));
	write_str(tl_tmp(path, sizeof(path), "derive"), text, 0600);
	load_ok(path, id);
	sr_identity_free(wrong);
	sr_identity_free(id);
}

/* ---- save --------------------------------------------------------- */

/* Parents 0700 and the file 0600 even under a permissive umask. */
static void
test_save_modes_and_load(void **state)
{
	char path[PATH_MAX], a[PATH_MAX], ab[PATH_MAX];
	sr_identity *id = NULL;
	sr_err err = SR_ERR_INIT;
	mode_t old;

	(void)state;
	assert_int_equal(sr_identity_generate(&id, &err), 0);
	tl_tmp(a, sizeof(a), "save/a");
	tl_tmp(ab, sizeof(ab), "save/a/b");
	tl_tmp(path, sizeof(path), "save/a/b/identity");
	old = umask(022);
	assert_int_equal(sr_identity_save(id, path, &err), 0);
	umask(old);
	assert_int_equal(tl_mode_of(a), 0700);
	assert_int_equal(tl_mode_of(ab), 0700);
	assert_int_equal(tl_mode_of(path), 0600);
	load_ok(path, id);
	sr_identity_free(id);
}

static void
test_save_refuses_overwrite(void **state)
{
	char path[PATH_MAX];
	sr_identity *first = NULL, *second = NULL;
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sr_identity_generate(&first, &err), 0);
	assert_int_equal(sr_identity_generate(&second, &err), 0);
	tl_tmp(path, sizeof(path), "overwrite");
	assert_int_equal(sr_identity_save(first, path, &err), 0);
	assert_int_equal(sr_identity_save(second, path, &err), -1);
	assert_non_null(strstr(err.msg, "already exists"));
	load_ok(path, first);
	sr_identity_free(first);
	sr_identity_free(second);
}

/* ---- load: StrictModes and the file itself ----------------------- */

static void
test_load_refuses_group_readable(void **state)
{
	char path[PATH_MAX];
	sr_identity *id = fixed_identity();
	sr_err err;

	(void)state;
	write_identity(tl_tmp(path, sizeof(path), "group-readable"), id);
	assert_int_equal(chmod(path, 0640), 0);
	err = load_fails(path);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "0640"));
	assert_int_equal(chmod(path, 0600), 0);
	load_ok(path, id);
	sr_identity_free(id);
}

static void
test_load_refuses_world_readable(void **state)
{
	char path[PATH_MAX];
	sr_identity *id = fixed_identity();
	sr_err err;

	(void)state;
	write_identity(tl_tmp(path, sizeof(path), "world-readable"), id);
	assert_int_equal(chmod(path, 0604), 0);
	err = load_fails(path);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_int_equal(chmod(path, 0644), 0);
	load_fails(path);
	assert_int_equal(chmod(path, 0600), 0);
	load_ok(path, id);
	sr_identity_free(id);
}

static void
test_load_refuses_group_writable_dir(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX];
	sr_identity *id = fixed_identity();
	sr_err err;

	(void)state;
	assert_int_equal(mkdir(tl_tmp(dir, sizeof(dir), "gw"), 0700), 0);
	write_identity(tl_tmp(path, sizeof(path), "gw/identity"), id);
	assert_int_equal(chmod(dir, 0770), 0);
	err = load_fails(path);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "directory"));
	assert_int_equal(chmod(dir, 0700), 0);
	load_ok(path, id);
	sr_identity_free(id);
}

static void
test_load_refuses_symlink(void **state)
{
	char path[PATH_MAX], link[PATH_MAX];
	sr_identity *id = fixed_identity();
	sr_err err;

	(void)state;
	write_identity(tl_tmp(path, sizeof(path), "link-target"), id);
	assert_int_equal(symlink(path, tl_tmp(link, sizeof(link), "link")), 0);
	err = load_fails(link);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "symbolic link"));
	load_ok(path, id);
	sr_identity_free(id);
}

/* 4096 bytes load; 4097 do not. */
static void
test_load_size_limit(void **state)
{
	char path[PATH_MAX], line[128], *text;
	sr_identity *id = fixed_identity();
	size_t n, i;
	sr_err err;

	(void)state;
	text = malloc(SR_IDENTITY_MAX_BYTES + 2);
	assert_non_null(text);
	n = (size_t)snprintf(text, 256, "%s\n#", secret_line(line, id));
	for (i = n; i < SR_IDENTITY_MAX_BYTES - 1; i++)
		text[i] = 'x';
	text[i++] = '\n';
	tl_tmp(path, sizeof(path), "size");
	write_file(path, text, i, 0600);
	load_ok(path, id);
	text[i - 1] = 'x';
	text[i++] = '\n';
	assert_int_equal(i, SR_IDENTITY_MAX_BYTES + 1);
	write_file(path, text, i, 0600);
	err = load_fails(path);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_non_null(strstr(err.msg, "4096"));
	free(text);
	sr_identity_free(id);
}

static void
test_load_missing(void **state)
{
	char path[PATH_MAX];
	sr_err err;

	(void)state;
	err = load_fails(tl_tmp(path, sizeof(path), "no-such-identity"));
	assert_int_equal(err.kind, SR_ERR_NOTFOUND);
}

/* ---- load: the lines -------------------------------------------- */

static void
test_load_accepts_comments_blanks_crlf(void **state)
{
	char path[PATH_MAX], line[128], text[512];
	sr_identity *id = fixed_identity();

	(void)state;
	snprintf(text, sizeof(text), "# one\r\n\r\n   # indented\n\t\n"
	    "  %s \r\n# after\n\n", secret_line(line, id));
	write_str(tl_tmp(path, sizeof(path), "lenient"), text, 0600);
	load_ok(path, id);
	snprintf(text, sizeof(text), "%s", line);	/* no final newline */
	write_str(path, text, 0600);
	load_ok(path, id);
	sr_identity_free(id);
}

/* A stray line is refused with the file and its line number. */
static void
test_load_garbage_line(void **state)
{
	char path[PATH_MAX], line[128], rcpt[SR_RECIPIENT_TEXT_MAX], text[512];
	sr_identity *id = fixed_identity();
	sr_err err;

	(void)state;
	secret_line(line, id);
	tl_tmp(path, sizeof(path), "garbage");
	snprintf(text, sizeof(text), "# c\n\nhello\n%s\n", line);
	write_str(path, text, 0600);
	err = load_fails(path);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.msg, "unexpected line"));
	assert_no_secret(&err, secret_b64(line));

	/* a pasted recipient without its '#', after the secret */
	sr_recipient_format(rcpt, id->pk);
	snprintf(text, sizeof(text), "%s\n%s\n", line, rcpt);
	write_str(path, text, 0600);
	err = load_fails(path);
	assert_int_equal(err.line, 2);
	assert_no_secret(&err, secret_b64(line));

	/* a secret with a mangled prefix is garbage, and not quoted */
	line[0] = 's';
	snprintf(text, sizeof(text), "#\n#\n#\n#\n%s\n", line);
	write_str(path, text, 0600);
	err = load_fails(path);
	assert_int_equal(err.line, 5);
	assert_no_secret(&err, secret_b64(line));
	sr_identity_free(id);
}

static void
test_load_two_secret_lines(void **state)
{
	char path[PATH_MAX], l1[128], l2[128], text[512];
	sr_identity *a = fixed_identity(), *b = NULL;
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sr_identity_generate(&b, &err), 0);
	secret_line(l1, a);
	secret_line(l2, b);
	tl_tmp(path, sizeof(path), "two");
	snprintf(text, sizeof(text), "%s\n# other\n%s\n", l1, l2);
	write_str(path, text, 0600);
	err = load_fails(path);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.msg, "second"));
	assert_no_secret(&err, secret_b64(l1));
	assert_no_secret(&err, secret_b64(l2));

	snprintf(text, sizeof(text), "%s\n%s\n", l1, l1);	/* even equal */
	write_str(path, text, 0600);
	err = load_fails(path);
	assert_int_equal(err.line, 2);
	sr_identity_free(a);
	sr_identity_free(b);
}

static void
test_load_no_secret_line(void **state)
{
	char path[PATH_MAX];
	sr_err err;

	(void)state;
	tl_tmp(path, sizeof(path), "nosecret");
	write_str(path, "# scoperun identity\n\n# recipient: x\n", 0600);
	err = load_fails(path);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "no " SR_IDENTITY_PREFIX));
	write_str(path, "", 0600);
	err = load_fails(path);
	assert_non_null(strstr(err.msg, "no " SR_IDENTITY_PREFIX));
}

/* A damaged secret line: each fault its own message, none quoting. */
static void
test_load_damaged_secret(void **state)
{
	char path[PATH_MAX], line[128], bad[128], text[512];
	sr_identity *id = fixed_identity();
	size_t plen = strlen(SR_IDENTITY_PREFIX);
	sr_err err;

	(void)state;
	secret_line(line, id);
	tl_tmp(path, sizeof(path), "damaged");

	snprintf(bad, sizeof(bad), "%.*s", (int)strlen(line) - 1, line);
	snprintf(text, sizeof(text), "#\n%s\n", bad);
	write_str(path, text, 0600);
	err = load_fails(path);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "bad secret key length"));
	assert_no_secret(&err, secret_b64(line));

	snprintf(bad, sizeof(bad), "%s", line);
	bad[plen + 5] = bad[plen + 5] == 'A' ? 'B' : 'A';
	snprintf(text, sizeof(text), "#\n%s\n", bad);
	write_str(path, text, 0600);
	err = load_fails(path);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.msg,
	    "checksum mismatch: the key was mistyped or truncated");
	assert_no_secret(&err, secret_b64(line));

	snprintf(bad, sizeof(bad), "%s", line);
	bad[plen + 5] = '+';	/* standard, not URL-safe, base64 */
	snprintf(text, sizeof(text), "#\n%s\n", bad);
	write_str(path, text, 0600);
	err = load_fails(path);
	assert_non_null(strstr(err.msg, "not base64url"));
	assert_no_secret(&err, secret_b64(line));
	sr_identity_free(id);
}

/* ---- recipient parsing ------------------------------------------ */

static void
test_recipient_wrong_prefix(void **state)
{
	const char *msg =
	    "not a scoperun recipient: it should start with scoperun1";
	char rcpt[SR_RECIPIENT_TEXT_MAX], bad[128];
	sr_identity *id = fixed_identity();
	sr_err err;

	(void)state;
	sr_recipient_format(rcpt, id->pk);
	snprintf(bad, sizeof(bad), "scoperun2%s", rcpt + 9);
	err = parse_fails(bad);
	assert_string_equal(err.msg, msg);
	snprintf(bad, sizeof(bad), "SCOPERUN1%s", rcpt + 9);
	err = parse_fails(bad);
	assert_string_equal(err.msg, msg);
	snprintf(bad, sizeof(bad), " %s", rcpt);
	err = parse_fails(bad);
	assert_string_equal(err.msg, msg);
	err = parse_fails("");
	assert_string_equal(err.msg, msg);
	err = parse_fails("scoperun");
	assert_string_equal(err.msg, msg);
	sr_identity_free(id);
}

static void
test_recipient_truncated(void **state)
{
	char rcpt[SR_RECIPIENT_TEXT_MAX];
	sr_identity *id = fixed_identity();
	size_t n;
	sr_err err;

	(void)state;
	sr_recipient_format(rcpt, id->pk);
	for (n = strlen(rcpt) - 1; n >= strlen(SR_RECIPIENT_PREFIX); n--) {
		rcpt[n] = '\0';
		err = parse_fails(rcpt);
		assert_non_null(strstr(err.msg, "bad recipient length"));
	}
	sr_identity_free(id);
}

/* Any one character changed is caught by the checksum. */
static void
test_recipient_one_char_changed(void **state)
{
	char rcpt[SR_RECIPIENT_TEXT_MAX], bad[SR_RECIPIENT_TEXT_MAX];
	sr_identity *id = fixed_identity();
	size_t i, plen = strlen(SR_RECIPIENT_PREFIX);
	sr_err err;

	(void)state;
	sr_recipient_format(rcpt, id->pk);
	for (i = plen; rcpt[i] != '\0'; i++) {
		memcpy(bad, rcpt, sizeof(bad));
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		err = parse_fails(bad);
		assert_string_equal(err.msg,
		    "checksum mismatch: the key was mistyped or truncated");
	}
	sr_identity_free(id);
}

static void
test_recipient_trailing_garbage(void **state)
{
	static const char *const tails[] = { "x", "A", "\n", " ", "=", "==" };
	char rcpt[SR_RECIPIENT_TEXT_MAX], bad[128];
	sr_identity *id = fixed_identity();
	size_t i;
	sr_err err;

	(void)state;
	sr_recipient_format(rcpt, id->pk);
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(bad, sizeof(bad), "%s%s", rcpt, tails[i]);
		err = parse_fails(bad);
		assert_non_null(strstr(err.msg, "bad recipient length"));
	}
	sr_identity_free(id);
}

static void
test_recipient_bad_base64(void **state)
{
	static const char bads[] = "+/=. \t*";
	char rcpt[SR_RECIPIENT_TEXT_MAX], bad[SR_RECIPIENT_TEXT_MAX];
	sr_identity *id = fixed_identity();
	size_t i;
	sr_err err;

	(void)state;
	sr_recipient_format(rcpt, id->pk);
	for (i = 0; bads[i] != '\0'; i++) {
		memcpy(bad, rcpt, sizeof(bad));
		bad[20] = bads[i];
		err = parse_fails(bad);
		assert_string_equal(err.msg,
		    "bad recipient: not base64url text");
	}
	sr_identity_free(id);
}

/* The four faults read differently, so a user knows what to fix. */
static void
test_recipient_messages_distinct(void **state)
{
	char rcpt[SR_RECIPIENT_TEXT_MAX], bad[SR_RECIPIENT_TEXT_MAX];
	sr_identity *id = fixed_identity();
	sr_err e[4];
	int i, j;

	(void)state;
	sr_recipient_format(rcpt, id->pk);
	e[0] = parse_fails("age1xyz");
	memcpy(bad, rcpt, sizeof(bad));
	bad[strlen(bad) - 1] = '\0';
	e[1] = parse_fails(bad);
	memcpy(bad, rcpt, sizeof(bad));
	bad[15] = '!';
	e[2] = parse_fails(bad);
	memcpy(bad, rcpt, sizeof(bad));
	bad[15] = bad[15] == 'A' ? 'B' : 'A';
	e[3] = parse_fails(bad);
	for (i = 0; i < 4; i++) {
		assert_null(strchr(e[i].msg, '\n'));
		for (j = i + 1; j < 4; j++)
			assert_string_not_equal(e[i].msg, e[j].msg);
	}
	sr_identity_free(id);
}

/* Secret text handed to the recipient parser is refused, unquoted. */
static void
test_recipient_parse_never_quotes_secret(void **state)
{
	char line[128], bad[256];
	sr_identity *id = fixed_identity();
	sr_err err;

	(void)state;
	secret_line(line, id);
	err = parse_fails(line);
	assert_no_secret(&err, secret_b64(line));
	snprintf(bad, sizeof(bad), "scoperun1%sx", secret_b64(line));
	err = parse_fails(bad);
	assert_no_secret(&err, secret_b64(line));
	snprintf(bad, sizeof(bad), "scoperun1%.40s!!!!!!!!", secret_b64(line));
	err = parse_fails(bad);
	assert_no_secret(&err, secret_b64(line));
	sr_identity_free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_recipient_format_known),
		cmocka_unit_test(test_identity_text_known),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_load_derives_pk),
		cmocka_unit_test(test_save_modes_and_load),
		cmocka_unit_test(test_save_refuses_overwrite),
		cmocka_unit_test(test_load_refuses_group_readable),
		cmocka_unit_test(test_load_refuses_world_readable),
		cmocka_unit_test(test_load_refuses_group_writable_dir),
		cmocka_unit_test(test_load_refuses_symlink),
		cmocka_unit_test(test_load_size_limit),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_accepts_comments_blanks_crlf),
		cmocka_unit_test(test_load_garbage_line),
		cmocka_unit_test(test_load_two_secret_lines),
		cmocka_unit_test(test_load_no_secret_line),
		cmocka_unit_test(test_load_damaged_secret),
		cmocka_unit_test(test_recipient_wrong_prefix),
		cmocka_unit_test(test_recipient_truncated),
		cmocka_unit_test(test_recipient_one_char_changed),
		cmocka_unit_test(test_recipient_trailing_garbage),
		cmocka_unit_test(test_recipient_bad_base64),
		cmocka_unit_test(test_recipient_messages_distinct),
		cmocka_unit_test(test_recipient_parse_never_quotes_secret),
	};

	return cmocka_run_group_tests(tests, tl_dir_setup, tl_dir_teardown);
}
