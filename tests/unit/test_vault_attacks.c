/*
 * test_vault_attacks.c - issue 16's attacks on the vault, each made as an
 * attacker would make it, and each paired with the legitimate operation
 * that must still work.
 *
 * An outsider knows only public things: the vault's text (it is committed
 * to git) and the recipients' public keys. A removed or malicious member
 * knows, besides, the keyring it was once sealed. The attackers here build
 * their lines from exactly that, with libsodium directly (crypto_box_seal
 * needs only the recipient's public key), and the format's own public
 * definitions (vault_auth.h: what a MAC or commitment is made of, not any
 * key). Nothing here reads a vault's in-memory keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "identity.h"
#include "polycollide.h"
#include "secalloc.h"
#include "testlib.h"
#include "testvault.h"
#include "vault.h"
#include "vault_auth.h"
#include "vault_pin.h"

#define NOW 1790000000
#define B64V sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define KEYRING_MAX (16 + 1 + 255 * 32)

/* ---- the legitimate side ------------------------------------------ */

/* testvault.h's, the vault read as attacked.sealed */
#define new_identity tv_identity
#define new_vault tv_vault
#define to_text(v) tv_text(v, NULL)
#define open_as(text, id, err) \
	tv_open_as(text, strlen(text), "attacked.sealed", id, err)
#define open_ok(text, id) \
	tv_open_ok(text, strlen(text), "attacked.sealed", id)

static int
set_meta(sr_vault *v, const char *name, const char *value,
    const sr_secret_meta *m, sr_err *err)
{
	sr_secret_meta zero;

	memset(&zero, 0, sizeof(zero));
	return sr_vault_set(v, name, (const unsigned char *)value,
	    strlen(value), m ? m : &zero, NOW, err);
}

static void
set_str(sr_vault *v, const char *name, const char *value)
{
	sr_err err = SR_ERR_INIT;

	if (set_meta(v, name, value, NULL, &err) != 0)
		fail_msg("set %s: %s", name, err.msg);
}

static void
expect_str(const sr_vault *v, const char *name, const char *want)
{
	sr_err err = SR_ERR_INIT;
	sr_secret_meta m;
	unsigned char *val = NULL;
	size_t len;

	if (sr_vault_get(&val, &len, &m, v, name, &err) != 0)
		fail_msg("get %s: %s", name, err.msg);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(val, want, len);
	sr_secalloc_free(val);
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* ---- the attacker's tools: text and libsodium only ---------------- */

/* A malloc'd copy of text with [at, at+n) replaced by rep. */
static char *
splice(const char *text, size_t at, size_t n, const char *rep)
{
	size_t len = strlen(text), rlen = strlen(rep);
	char *out = malloc(len - n + rlen + 1);

	assert_non_null(out);
	memcpy(out, text, at);
	memcpy(out + at, rep, rlen);
	memcpy(out + at + rlen, text + at + n, len - at - n + 1);
	return out;
}

/* The line starting with prefix (with its newline): offset and length. */
static size_t
find_line(const char *text, const char *prefix, size_t *len)
{
	const char *p = text;

	while (strncmp(p, prefix, strlen(prefix)) != 0) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	*len = (size_t)(strchr(p, '\n') + 1 - p);
	return (size_t)(p - text);
}

/* text with the line starting with prefix replaced (rep ends in \n);
 * text is freed. */
static char *
replace_line(char *text, const char *prefix, const char *rep)
{
	size_t n, at = find_line(text, prefix, &n);
	char *out = splice(text, at, n, rep);

	free(text);
	return out;
}

static char *
insert_before(char *text, const char *prefix, const char *rep)
{
	size_t n, at = find_line(text, prefix, &n);
	char *out = splice(text, at, 0, rep);

	free(text);
	return out;
}

/* The end line's counts set to nr, ns; its MAC is kept as it was. */
static char *
fix_end(char *text, size_t nr, size_t ns)
{
	size_t n, at = find_line(text, "end ", &n);
	const char *mac = strrchr(text + at, ' ');
	char line[128];

	snprintf(line, sizeof(line), "end %zu %zu%.*s", nr, ns,
	    (int)(strchr(mac, '\n') + 1 - mac), mac);
	return replace_line(text, "end ", line);
}

static void
b64(char *out, size_t size, const unsigned char *bin, size_t n)
{
	sodium_bin2base64(out, size, bin, n, B64V);
}

/* "recipient TEXT B64(crypto_box_seal(plain, pk))\n": public key only. */
static char *
sealed_line(const unsigned char *pk, const unsigned char *plain, size_t n)
{
	char rtext[SR_RECIPIENT_TEXT_MAX], *line;
	unsigned char *sealed = malloc(n + crypto_box_SEALBYTES);
	size_t cap = 16 + SR_RECIPIENT_TEXT_MAX + 2 * (n + 64);

	assert_non_null(sealed);
	assert_non_null(line = malloc(cap));
	assert_int_equal(crypto_box_seal(sealed, plain, n, pk), 0);
	sr_recipient_format(rtext, pk);
	snprintf(line, cap, "recipient %s ", rtext);
	b64(line + strlen(line), cap - strlen(line), sealed,
	    n + crypto_box_SEALBYTES);
	strcat(line, "\n");
	free(sealed);
	return line;
}

/* The vault's id, as its text says. */
static void
text_id(unsigned char id[16], const char *text)
{
	size_t n, at = find_line(text, "id ", &n), got;

	assert_int_equal(sodium_base642bin(id, 16, text + at + 3, n - 4,
	    NULL, &got, NULL, B64V), 0);
	assert_int_equal(got, 16);
}

/* What a member knows: the keyring sealed to it, opened with its own
 * secret key, as any member can do with its own line. */
static size_t
member_keyring(unsigned char *plain, const char *text, const sr_identity *m)
{
	char rtext[SR_RECIPIENT_TEXT_MAX], prefix[SR_RECIPIENT_TEXT_MAX + 16];
	unsigned char *sealed = malloc(KEYRING_MAX + 64);
	size_t n, at, got;
	const char *b;

	assert_non_null(sealed);
	sr_recipient_format(rtext, m->pk);
	snprintf(prefix, sizeof(prefix), "recipient %s ", rtext);
	at = find_line(text, prefix, &n);
	b = text + at + strlen(prefix);
	assert_int_equal(sodium_base642bin(sealed, KEYRING_MAX + 64, b,
	    (size_t)(strchr(b, '\n') - b), NULL, &got, NULL, B64V), 0);
	assert_int_equal(crypto_box_seal_open(plain, sealed, got, m->pk,
	    m->sk), 0);
	free(sealed);
	return got - crypto_box_SEALBYTES;
}

/*
 * A whole header for keyring plain (id || n || keys), as someone who
 * holds those keys can write it: epochs, keyring commitment, the given
 * recipient lines, and the header MAC under the newest key.
 */
static char *
forge_header(const unsigned char *plain, const char *recipients)
{
	unsigned n = plain[16];
	const unsigned char *keys = plain + 17;
	unsigned char c[32], mac[32];
	char idb[32], cb[64], macb[64], *h;
	size_t cap = strlen(recipients) + 512;

	assert_non_null(h = malloc(cap));
	assert_int_equal(sr_vault_auth_keyring(c, plain, keys, n), 0);
	b64(idb, sizeof(idb), plain, 16);
	b64(cb, sizeof(cb), c, 32);
	snprintf(h, cap, "scoperun-vault 2\nid %s\nepochs %u\nkeyring %s\n%s",
	    idb, n, cb, recipients);
	assert_int_equal(sr_vault_auth_mac(mac, keys + (n - 1) * 32,
	    SR_VAULT_AUTH_HEADER, "scoperun-vault-header-v2", h, strlen(h)), 0);
	b64(macb, sizeof(macb), mac, 32);
	snprintf(h + strlen(h), cap - strlen(h), "mac %s\n", macb);
	return h;
}

/* text with everything up to and including its mac line replaced. */
static char *
with_header(char *text, const char *header)
{
	size_t n, at = find_line(text, "mac ", &n);
	char *out = splice(text, 0, at + n, header);

	free(text);
	return out;
}

/* The end MAC made anew with key (which the forger holds). */
static char *
forge_end(char *text, const unsigned char *key)
{
	size_t n, at = find_line(text, "end ", &n);
	const char *sp = strrchr(text + at, ' ');
	unsigned char mac[32];
	char macb[64], line[128];

	assert_int_equal(sr_vault_auth_mac(mac, key, SR_VAULT_AUTH_BODY,
	    "scoperun-vault-body-v2", text, (size_t)(sp - text)), 0);
	b64(macb, sizeof(macb), mac, 32);
	snprintf(line, sizeof(line), "%.*s %s\n", (int)(sp - (text + at)),
	    text + at, macb);
	return replace_line(text, "end ", line);
}

static char *
recipient_line_of(const char *text, const sr_identity *m)
{
	char rtext[SR_RECIPIENT_TEXT_MAX], prefix[SR_RECIPIENT_TEXT_MAX + 16];
	size_t n, at;

	sr_recipient_format(rtext, m->pk);
	snprintf(prefix, sizeof(prefix), "recipient %s ", rtext);
	at = find_line(text, prefix, &n);
	return strndup(text + at, n);
}

static char *
recipient_prefix(char *buf, size_t size, const sr_identity *m)
{
	char rtext[SR_RECIPIENT_TEXT_MAX];

	sr_recipient_format(rtext, m->pk);
	snprintf(buf, size, "recipient %s ", rtext);
	return buf;
}

/* ---- 1. an injected recipient ------------------------------------- */

static void
test_injected_recipient(void **state)
{
	sr_identity *a = new_identity(), *b = new_identity(), *x = new_identity();
	sr_vault *v = new_vault(a), *r = NULL;
	unsigned char ring[16 + 1 + 32];
	sr_err err = SR_ERR_INIT;
	char *text, *line, *t2;

	(void)state;
	set_str(v, "s", "set before");
	text = to_text(v);
	/* outsider x appends itself, with a keyring of its own under the
	 * vault's id, and fixes the end line's count */
	text_id(ring, text);
	ring[16] = 1;
	randombytes_buf(ring + 17, 32);
	line = sealed_line(x->pk, ring, sizeof(ring));
	text = fix_end(insert_before(text, "mac ", line), 2, 1);
	/* it parses (a listing without a key is the file's word) ... */
	assert_int_equal(sr_vault_parse(&r, text, strlen(text), "t", &err), 0);
	assert_int_equal(sr_vault_recipient_count(r), 2);
	sr_vault_free(r);
	/* ... but no member unlocks it, so nothing is ever resealed to x */
	assert_null(open_as(text, a, &err));
	assert_contains(err.msg, "header failed authentication");
	/* nor after a line, not the header, says so: a recipient line after
	 * the mac line is refused */
	free(text);
	text = to_text(v);
	{
		size_t n, at = find_line(text, "mac ", &n);
		t2 = splice(text, at + n, 0, line);
		err = (sr_err)SR_ERR_INIT;
		assert_null(open_as(t2, a, &err));
		assert_contains(err.msg, "malformed line");
		free(t2);
	}

	/* the control: a real recipient added, reading, and removed */
	assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), 0);
	free(text);
	text = to_text(v);
	r = open_ok(text, b);
	expect_str(r, "s", "set before");
	sr_vault_free(r);
	assert_int_equal(sr_vault_recipient_remove(v, b->pk, &err), 0);
	set_str(v, "t", "set after the removal");
	free(text);
	text = to_text(v);
	assert_null(open_as(text, b, &err));
	assert_contains(err.msg, "not a recipient");
	r = open_ok(text, a);
	expect_str(r, "t", "set after the removal");
	sr_vault_free(r);
	free(line);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(b);
	sr_identity_free(x);
}

/* ---- 2. the keyring rolled back by a removed member --------------- */

static void
test_keyring_rollback(void **state)
{
	sr_identity *a = new_identity(), *b = new_identity();
	sr_vault *v = new_vault(a), *r;
	unsigned char *plain = malloc(KEYRING_MAX);
	sr_err err = SR_ERR_INIT;
	sr_vault_pin pin;
	char *old, *now, *t, *old_a, *h, pfx[128], pins[256];
	size_t n, at;
	int changed;

	(void)state;
	tl_tmp(pins, sizeof(pins), "pins-rollback");
	set_str(v, "s1", "one");
	assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), 0);
	old = to_text(v);			/* what b keeps */
	assert_int_equal(sr_vault_recipient_remove(v, b->pk, &err), 0);
	set_str(v, "s2", "after the removal");
	now = to_text(v);
	/* a's machine has seen the current vault */
	r = open_ok(now, a);
	assert_int_equal(sr_vault_pin_check(r, pins, NULL, &err), 0);
	assert_int_equal(sr_vault_pin_record(r, pins, 0, &changed, &err), 0);
	assert_true(changed);
	sr_vault_free(r);

	/* (a) b puts a's pre-removal line back */
	old_a = recipient_line_of(old, a);
	t = replace_line(strdup(now), recipient_prefix(pfx, sizeof(pfx), a),
	    old_a);
	assert_null(open_as(t, a, &err));
	assert_contains(err.msg, "keyring commitment");
	free(t);

	/* (b) b, who holds key 0, forges a whole header at epoch 1 around
	 * a's old line (MAC and all) and keeps the new lines: a unlocks,
	 * but its next write verifies the lines it keeps, and s2 is under
	 * an epoch that keyring lacks */
	n = member_keyring(plain, old, b);
	assert_int_equal(n, 16 + 1 + 32);
	h = forge_header(plain, old_a);
	t = forge_end(fix_end(with_header(strdup(now), h), 1, 2), plain + 17);
	r = open_ok(t, a);
	expect_str(r, "s1", "one");
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(set_meta(r, "s3", "for b?", NULL, &err), -1);
	assert_contains(err.msg, "failed authentication");
	sr_vault_free(r);
	free(t);

	/* (c) the same without s2: the vault as it was before the removal,
	 * which every check holds for; the pin refuses to write to it */
	t = with_header(strdup(now), h);
	at = find_line(t, "secret s2 ", &n);
	{
		char *u = splice(t, at, n, "");
		free(t);
		t = forge_end(fix_end(u, 1, 1), plain + 17);
	}
	r = open_ok(t, a);
	assert_int_equal(sr_vault_verify(r, &err), 0);
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(sr_vault_pin_check(r, pins, &pin, &err), -1);
	assert_contains(err.msg, "rolled back");
	assert_contains(err.msg, "scoperun vault accept-rollback");
	assert_int_equal(pin.epochs, 2);
	sr_vault_free(r);
	free(t);
	/* and the plain old file from git, the same */
	r = open_ok(old, a);
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(sr_vault_pin_check(r, pins, NULL, &err), -1);
	assert_contains(err.msg, "rolled back");

	/* the controls: a rollback accepted on purpose is pinned ... */
	assert_int_equal(sr_vault_pin_record(r, pins, 1, &changed, &err), 0);
	assert_int_equal(sr_vault_pin_check(r, pins, NULL, &err), 0);
	sr_vault_free(r);
	/* ... and a real rotation moves the pin on */
	r = open_ok(now, a);
	assert_int_equal(sr_vault_pin_check(r, pins, NULL, &err), 0);
	set_str(r, "s2", "rotated");
	assert_int_equal(sr_vault_pin_record(r, pins, 0, &changed, &err), 0);
	assert_true(changed);
	sr_vault_free(r);
	free(h);
	free(old_a);
	free(plain);
	free(old);
	free(now);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(b);
}

/* ---- 3. a keyring of an outsider's sealed to a member -------------- */

static void
test_keyring_substitution(void **state)
{
	sr_identity *a = new_identity(), *b = new_identity(), *x = new_identity();
	sr_vault *v = new_vault(a), *r;
	unsigned char ring[16 + 1 + 32];
	sr_err err = SR_ERR_INIT;
	char *text, *t, *line, *h, *rcps, pfx[128];

	(void)state;
	set_str(v, "s", "value");
	assert_int_equal(sr_vault_recipient_add(v, b->pk, &err), 0);
	text = to_text(v);
	/* x seals id || 1 || its own key to a's public key */
	text_id(ring, text);
	ring[16] = 1;
	randombytes_buf(ring + 17, 32);
	line = sealed_line(a->pk, ring, sizeof(ring));
	recipient_prefix(pfx, sizeof(pfx), a);
	/* (a) in place of a's line */
	t = replace_line(strdup(text), pfx, line);
	assert_null(open_as(t, a, &err));
	assert_contains(err.msg, "keyring commitment");
	free(t);
	/* (b) with a whole header of x's making (x holds its key): the id
	 * is the hash of key 0, which x's key is not */
	rcps = malloc(strlen(line) + 1024);
	strcpy(rcps, line);
	{
		char *bl = recipient_line_of(text, b);
		strcat(rcps, bl);
		free(bl);
	}
	h = forge_header(ring, rcps);
	t = with_header(strdup(text), h);
	err = (sr_err)SR_ERR_INIT;
	assert_null(open_as(t, a, &err));
	assert_contains(err.msg, "keyring commitment");
	err = (sr_err)SR_ERR_INIT;
	assert_null(open_as(t, b, &err));	/* nor the other member */
	free(t);
	free(h);
	/* (c) under an id of x's own (a new vault, in effect): a unlocks,
	 * but every secret line is bound to the old id, and a write, which
	 * verifies them, refuses */
	sr_vault_auth_id(ring, ring + 17);
	free(line);
	line = sealed_line(a->pk, ring, sizeof(ring));
	h = forge_header(ring, line);
	t = fix_end(with_header(strdup(text), h), 1, 1);
	t = forge_end(t, ring + 17);
	r = open_ok(t, a);
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(set_meta(r, "new", "for x?", NULL, &err), -1);
	assert_contains(err.msg, "failed authentication");
	sr_vault_free(r);
	free(t);
	free(h);

	/* the control: b, added by a, reads and writes; a reads b's write */
	r = open_ok(text, b);
	expect_str(r, "s", "value");
	set_str(r, "by-b", "from b");
	free(text);
	text = to_text(r);
	sr_vault_free(r);
	r = open_ok(text, a);
	expect_str(r, "by-b", "from b");
	sr_vault_free(r);
	free(rcps);
	free(line);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
	sr_identity_free(b);
	sr_identity_free(x);
}

/* ---- 4. different keyrings for different members ------------------ */

/* Whether m opens text and reads s as want (1), or is refused (0). */
static int
reads(const char *text, const sr_identity *m, const char *want)
{
	sr_err err = SR_ERR_INIT;
	sr_vault *r = open_as(text, m, &err);
	unsigned char *val = NULL;
	sr_secret_meta meta;
	size_t len;
	int ok;

	if (r == NULL) {
		if (getenv("SR_TEST_DEBUG"))
			print_message("refused: %s\n", err.msg);
		return 0;
	}
	ok = sr_vault_get(&val, &len, &meta, r, "s", &err) == 0 &&
	    len == strlen(want) && memcmp(val, want, len) == 0;
	sr_secalloc_free(val);
	sr_vault_free(r);
	return ok ? 1 : -1;
}

static void
test_divergent_keyrings(void **state)
{
	sr_identity *m = new_identity(), *c = new_identity(),
	    *rv = new_identity();
	sr_vault *v = new_vault(m);
	unsigned char *plain = malloc(KEYRING_MAX), *two = malloc(KEYRING_MAX);
	sr_err err = SR_ERR_INIT;
	char *text, *t, *line, *h, *rcps, pfx[128];
	size_t n;

	(void)state;
	set_str(v, "s", "the value");
	assert_int_equal(sr_vault_recipient_add(v, c->pk, &err), 0);
	assert_int_equal(sr_vault_recipient_add(v, rv->pk, &err), 0);
	text = to_text(v);
	assert_int_equal(reads(text, c, "the value"), 1);	/* control */
	assert_int_equal(reads(text, rv, "the value"), 1);
	/* m, a member, holds the keyring and hands CI a different one: the
	 * same key 0 (so the same id) and a second key only CI gets */
	n = member_keyring(plain, text, m);
	memcpy(two, plain, n);
	two[16] = 2;
	randombytes_buf(two + n, 32);
	line = sealed_line(c->pk, two, n + 32);
	recipient_prefix(pfx, sizeof(pfx), c);
	t = replace_line(strdup(text), pfx, line);
	/* CI refuses it (the commitment), and so does the reviewer: the
	 * header MAC covers CI's line too */
	assert_int_equal(reads(t, c, "the value"), 0);
	assert_int_equal(reads(t, rv, "the value"), 0);
	free(t);
	/* with the header made for CI's keyring (epochs 2, its commitment
	 * and MAC), the reviewer refuses instead: never do both read */
	rcps = malloc(4 * strlen(line) + 16);
	{
		char *ml = recipient_line_of(text, m), *rl =
		    recipient_line_of(text, rv);
		snprintf(rcps, 4 * strlen(line) + 16, "%s%s%s", ml, line, rl);
		free(ml);
		free(rl);
	}
	h = forge_header(two, rcps);
	t = with_header(strdup(text), h);
	assert_int_equal(reads(t, c, "the value"), 1);
	assert_int_equal(reads(t, rv, "the value"), 0);
	free(t);
	free(h);
	free(rcps);
	free(line);
	free(two);
	free(plain);
	free(text);
	sr_vault_free(v);
	sr_identity_free(m);
	sr_identity_free(c);
	sr_identity_free(rv);
}

/*
 * One ciphertext under two keys (what XChaCha20-Poly1305 allows to whoever
 * holds both). In version 1 a member sealed K1 to the reviewer and K2 to
 * CI, and one line read as two values; in version 2 the line's key
 * commitment decides which key opens it, before the AEAD.
 */
#define PREFIX "secret deploy/token 0 2026-11-23T18:34:27Z " \
    "2026-11-23T18:34:27Z - - -"

/* tag || id || PREFIX, the line's associated data */
static size_t
line_ad(unsigned char *ad, const char *tag, const unsigned char id[16])
{
	size_t n = strlen(tag);

	memcpy(ad, tag, n);
	memcpy(ad + n, id, 16);
	memcpy(ad + n + 16, PREFIX, strlen(PREFIX));
	return n + 16 + strlen(PREFIX);
}

/* The value name holds for m, malloc'd; NULL when m is refused. */
static unsigned char *
value_for(const char *text, const sr_identity *m, const char *name,
    size_t *len)
{
	sr_err err = SR_ERR_INIT;
	sr_vault *r = open_as(text, m, &err);
	unsigned char *val = NULL, *copy = NULL;
	sr_secret_meta meta;

	if (r != NULL && sr_vault_get(&val, len, &meta, r, name, &err) == 0) {
		copy = malloc(*len + 1);
		memcpy(copy, val, *len);
	}
	sr_secalloc_free(val);
	sr_vault_free(r);
	return copy;
}

static void
test_one_ciphertext_two_keys(void **state)
{
	sr_identity *m = new_identity(), *rv = new_identity(),
	    *ci = new_identity();
	unsigned char id[16], k1[32], k2[32], nonce[24], ad[256], ct[48];
	unsigned char ring[49], pt[32], *v1, *v2;
	unsigned long long plen;
	char *text, *line, nb[64], cb[128], mb[64], rid[32];
	size_t adlen, l1, l2;
	sr_err err = SR_ERR_INIT;

	(void)state;
	/* ---- version 1: m builds the vault by hand */
	randombytes_buf(id, sizeof(id));
	randombytes_buf(k1, sizeof(k1));
	randombytes_buf(k2, sizeof(k2));
	randombytes_buf(nonce, sizeof(nonce));
	adlen = line_ad(ad, "scoperun-vault-v1", id);
	assert_int_equal(pc_collide(ct, k1, k2, nonce, ad, adlen), 0);
	/* libsodium itself accepts it under both keys */
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &plen,
	    NULL, ct, 48, ad, adlen, nonce, k1), 0);
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &plen,
	    NULL, ct, 48, ad, adlen, nonce, k2), 0);
	b64(nb, sizeof(nb), nonce, 24);
	b64(cb, sizeof(cb), ct, 48);
	b64(rid, sizeof(rid), id, 16);
	memcpy(ring, id, 16);
	ring[16] = 1;
	memcpy(ring + 17, k1, 32);
	line = sealed_line(rv->pk, ring, 49);
	text = malloc(8192);
	snprintf(text, 8192, "scoperun-vault 1\nid %s\n%s", rid, line);
	free(line);
	memcpy(ring + 17, k2, 32);
	line = sealed_line(ci->pk, ring, 49);
	snprintf(text + strlen(text), 8192 - strlen(text), "%s%s %s %s\n"
	    "end 2 1\n", line, PREFIX, nb, cb);
	free(line);
	v1 = value_for(text, rv, "deploy/token", &l1);
	v2 = value_for(text, ci, "deploy/token", &l2);
	/* the attack, as it was: one line, two values */
	assert_non_null(v1);
	assert_non_null(v2);
	assert_int_equal(l1, 32);
	assert_int_equal(l2, 32);
	assert_true(memcmp(v1, v2, 32) != 0);
	/* the reviewer's first write upgrades the vault, sealing its own
	 * keyring to every recipient: from then on CI reads what the
	 * reviewer reads, or nothing */
	{
		sr_vault *r = open_ok(text, rv);
		char *up;
		unsigned char *w;
		size_t lw;
		assert_int_equal(sr_vault_upgrade(r, &err), 0);
		up = to_text(r);
		sr_vault_free(r);
		w = value_for(up, ci, "deploy/token", &lw);
		assert_true(w == NULL || (lw == 32 && memcmp(w, v1, 32) == 0));
		free(w);
		free(up);
	}
	free(v1);
	free(v2);
	free(text);

	/* ---- version 2: the same ciphertext, made by a member for the
	 * vault's key K and a key of its own; its commitment says which */
	{
		sr_vault *v = new_vault(m);
		unsigned char plain[KEYRING_MAX], commit[32];
		char *t, *t2;

		assert_int_equal(sr_vault_recipient_add(v, rv->pk, &err), 0);
		set_str(v, "a", "x");
		text = to_text(v);
		assert_int_equal(member_keyring(plain, text, m), 49);
		adlen = line_ad(ad, "scoperun-vault-v2", plain);
		assert_int_equal(pc_collide(ct, plain + 17, k2, nonce, ad,
		    adlen), 0);
		b64(cb, sizeof(cb), ct, 48);
		line = malloc(1024);
		/* committed to K: it reads as K's value */
		assert_int_equal(sr_vault_auth_mac(commit, plain + 17,
		    SR_VAULT_AUTH_LINE, "scoperun-vault-commit-v2", nonce, 24),
		    0);
		b64(mb, sizeof(mb), commit, 32);
		snprintf(line, 1024, "%s %s %s %s\n", PREFIX, nb, mb, cb);
		t = forge_end(fix_end(insert_before(strdup(text), "end ", line),
		    2, 2), plain + 17);
		v1 = value_for(t, rv, "deploy/token", &l1);
		assert_non_null(v1);
		assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(pt,
		    &plen, NULL, ct, 48, ad, adlen, nonce, plain + 17), 0);
		assert_memory_equal(v1, pt, 32);
		free(v1);
		/* committed to the other key: refused, though the AEAD under
		 * K (the reader's) holds */
		assert_int_equal(sr_vault_auth_mac(commit, k2,
		    SR_VAULT_AUTH_LINE, "scoperun-vault-commit-v2", nonce, 24),
		    0);
		b64(mb, sizeof(mb), commit, 32);
		snprintf(line, 1024, "%s %s %s %s\n", PREFIX, nb, mb, cb);
		t2 = forge_end(fix_end(insert_before(strdup(text), "end ",
		    line), 2, 2), plain + 17);
		assert_null(value_for(t2, rv, "deploy/token", &l1));
		assert_null(value_for(t2, m, "deploy/token", &l1));
		free(t);
		free(t2);
		free(line);
		free(text);
		sr_vault_free(v);
	}
	sr_identity_free(m);
	sr_identity_free(rv);
	sr_identity_free(ci);
}

/* ---- 5. metadata shown and copied --------------------------------- */

static void
test_edited_metadata(void **state)
{
	sr_identity *a = new_identity();
	sr_vault *v = new_vault(a), *r;
	sr_secret_meta m, got;
	sr_err err = SR_ERR_INIT;
	char *text, *t, *line;
	size_t n, at;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.expires = 4102444800;		/* 2100-01-01 */
	snprintf(m.labels, sizeof(m.labels), "scope=read");
	assert_int_equal(set_meta(v, "tok", "v1", &m, &err), 0);
	set_str(v, "other", "x");
	text = to_text(v);
	/* the expiry pushed out and the scope widened, in the text */
	at = find_line(text, "secret tok ", &n);
	line = strndup(text + at, n);
	{
		char *p = strstr(line, "2100-01-01T00:00:00Z - scope=read");
		char *fixed;
		assert_non_null(p);
		memcpy(p, "2199", 4);
		fixed = splice(line, (size_t)(strstr(line, "scope=read") -
		    line), 10, "scope=rwx_");
		free(line);
		line = fixed;
	}
	t = replace_line(strdup(text), "secret tok ", line);
	r = open_ok(t, a);
	/* the file's word, which ls shows marked unverified without a key */
	assert_int_equal(sr_vault_meta_at(&got, r, (size_t)sr_vault_find(r,
	    "tok"), &err), 0);
	assert_string_equal(got.labels, "scope=rwx_");
	/* with the key, the line and the vault fail their checks */
	assert_int_equal(sr_vault_check_entry(r, (size_t)sr_vault_find(r,
	    "tok"), &err), -1);
	assert_int_equal(sr_vault_check_entry(r, (size_t)sr_vault_find(r,
	    "other"), &err), 0);
	assert_int_equal(sr_vault_check_body(r, &err), -1);
	/* rotate copies the metadata into a new line: refused */
	err = (sr_err)SR_ERR_INIT;
	assert_int_equal(set_meta(r, "tok", "v2", &got, &err), -1);
	assert_contains(err.msg, "failed authentication");
	sr_vault_free(r);
	free(t);

	/* the control: a real rotation keeps the real metadata */
	r = open_ok(text, a);
	assert_int_equal(sr_vault_check_body(r, &err), 0);
	assert_int_equal(sr_vault_meta_at(&got, r, (size_t)sr_vault_find(r,
	    "tok"), &err), 0);
	assert_int_equal(set_meta(r, "tok", "v2", &got, &err), 0);
	free(text);
	text = to_text(r);
	sr_vault_free(r);
	r = open_ok(text, a);
	expect_str(r, "tok", "v2");
	assert_int_equal(sr_vault_meta_at(&got, r, (size_t)sr_vault_find(r,
	    "tok"), &err), 0);
	assert_int_equal(got.expires, 4102444800);
	assert_string_equal(got.labels, "scope=read");
	assert_int_equal(sr_vault_verify(r, &err), 0);
	sr_vault_free(r);
	free(line);
	free(text);
	sr_vault_free(v);
	sr_identity_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_injected_recipient),
		cmocka_unit_test(test_keyring_rollback),
		cmocka_unit_test(test_keyring_substitution),
		cmocka_unit_test(test_divergent_keyrings),
		cmocka_unit_test(test_one_ciphertext_two_keys),
		cmocka_unit_test(test_edited_metadata),
	};

	return cmocka_run_group_tests(tests, tl_dir_setup, tl_dir_teardown);
}
