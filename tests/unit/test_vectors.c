/*
 * test_vectors.c - the vault format's test vectors (lib/FORMAT.md).
 *
 * A vault written by an earlier scoperun must stay readable: if a change
 * to the format or the crypto breaks these, it breaks every user's vault.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "identity.h"
#include "timeutil.h"
#include "vault.h"
#include "secalloc.h"
#include "testlib.h"

#ifndef SR_VECTORS_DIR
#error "SR_VECTORS_DIR must name tests/vectors"
#endif

/* A vector file, whole. */
static char *
slurp(const char *name, size_t *len)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", SR_VECTORS_DIR, name);
	return tl_slurp(path, len);
}

/* The identity file is copied to a private temp file: git checks files
 * out with the umask's mode, which StrictModes would refuse. */
static sr_identity *
load_identity(void)
{
	char dir[] = "/tmp/sr-vectors.XXXXXX", path[64];
	size_t len;
	char *text = slurp("vault-v1.identity", &len);
	char *key = strstr(text, "SCOPERUN-VECTOR-1");
	sr_identity *id = NULL;
	sr_err err = SR_ERR_INIT;
	FILE *f;
	int rc;

	/* the key line is kept defused in the tree (FORMAT.md) */
	assert_non_null(key);
	memcpy(key, "SCOPERUN-SECRET-1", 17);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/identity", dir);
	umask(077);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	rc = sr_identity_load(&id, path, &err);
	unlink(path);
	rmdir(dir);
	free(text);
	if (rc != 0)
		fail_msg("identity: %s", err.msg);
	return id;
}

static void
expect_secret(const sr_vault *v, const char *name, const char *want,
    size_t wantlen, unsigned epoch)
{
	unsigned char *val;
	size_t len;
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;

	if (sr_vault_get(&val, &len, &m, v, name, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
	assert_int_equal(len, wantlen);
	assert_memory_equal(val, want, wantlen);
	assert_int_equal(m.epoch, epoch);
	sr_secure_free(val);
}

static void
test_vault_v1(void **state)
{
	size_t len, pemlen;
	char *text = slurp("vault-v1.sealed", &len);
	char *pem = slurp("vault-v1.deploy-key.pem", &pemlen);
	sr_identity *id = load_identity();
	sr_vault *v;
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	int64_t t;

	(void)state;
	if (sr_vault_parse(&v, text, len, "vault-v1", &err) != 0 ||
	    sr_vault_unlock(v, id, &err) != 0)
		fail_msg("vault: %s", err.msg);
	assert_int_equal(sr_vault_count(v), 3);
	assert_int_equal(sr_vault_recipient_count(v), 1);
	expect_secret(v, "ci/token", "after-removal", 13, 1);
	expect_secret(v, "deploy/key", pem, pemlen, 0);
	expect_secret(v, "github/issues-readonly",
	    "ghp_exampletoken0123456789", 26, 0);
	assert_int_equal(sr_vault_meta_at(&m, v, 2, &err), 0);
	assert_string_equal(m.labels, "scope=read");
	assert_int_equal(sr_time_parse(&t, "2099-01-01T00:00:00Z", 20), 0);
	assert_int_equal(m.expires, t);
	assert_int_equal(sr_vault_meta_at(&m, v, 1, &err), 0);
	assert_int_equal(m.rotate_after, 90 * 86400);
	sr_vault_free(v);
	sr_identity_free(id);
	free(text);
	free(pem);
}

/* The three secrets of both vectors, as FORMAT.md lists them. */
static void
expect_vector_secrets(const sr_vault *v)
{
	size_t pemlen;
	char *pem = slurp("vault-v1.deploy-key.pem", &pemlen);
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	int64_t t;

	assert_int_equal(sr_vault_count(v), 3);
	assert_int_equal(sr_vault_recipient_count(v), 1);
	expect_secret(v, "ci/token", "after-removal", 13, 1);
	expect_secret(v, "deploy/key", pem, pemlen, 0);
	expect_secret(v, "github/issues-readonly",
	    "ghp_exampletoken0123456789", 26, 0);
	assert_int_equal(sr_vault_meta_at(&m, v, 2, &err), 0);
	assert_string_equal(m.labels, "scope=read");
	assert_int_equal(sr_time_parse(&t, "2099-01-01T00:00:00Z", 20), 0);
	assert_int_equal(m.expires, t);
	assert_int_equal(sr_vault_meta_at(&m, v, 1, &err), 0);
	assert_int_equal(m.rotate_after, 90 * 86400);
	assert_int_equal(sr_time_parse(&t, "2026-11-23T18:34:27Z", 20), 0);
	assert_int_equal(m.created, t);
	free(pem);
}

/* ---- version 2, recomputed here from FORMAT.md alone --------------- */

#define B64V sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* The base64 field after "word " on the line that starts with it. */
static size_t
field_b64(unsigned char *out, size_t max, const char *text, const char *word)
{
	const char *p = strstr(text, word), *e;
	size_t got;

	assert_non_null(p);
	p += strlen(word);
	e = p + strcspn(p, " \n");
	assert_int_equal(sodium_base642bin(out, max, p, (size_t)(e - p), NULL,
	    &got, NULL, B64V), 0);
	return got;
}

static void
hash_parts(unsigned char *out, size_t outlen, const unsigned char *key,
    const void *a, size_t alen, const void *b, size_t blen)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, key ? 32 : 0, outlen);
	crypto_generichash_update(&st, a, alen);
	crypto_generichash_update(&st, b, blen);
	crypto_generichash_final(&st, out, outlen);
}

/* keyed BLAKE2b-256 with subkey i of k over tag || text */
static void
mac_of(unsigned char out[32], const unsigned char *k, uint64_t i,
    const char *tag, const char *text, size_t len)
{
	unsigned char sub[32];

	assert_int_equal(crypto_kdf_derive_from_key(sub, 32, i, "srvault2", k),
	    0);
	hash_parts(out, 32, sub, tag, strlen(tag), text, len);
}

static void
check_v2_values(const char *text, const sr_identity *id)
{
	unsigned char sealed[512], ring[256], want[32], got[32], h[32];
	unsigned char nonce[24], *keys;
	const char *line, *mac;
	size_t ns, i;

	/* the keyring: the recipient line's third field, opened */
	line = strstr(text, "\nrecipient ") + 11;
	ns = field_b64(sealed, sizeof(sealed), line + strcspn(line, " "), " ");
	assert_int_equal(crypto_box_seal_open(ring, sealed, ns, id->pk,
	    id->sk), 0);
	assert_int_equal(ring[16], 2);
	keys = ring + 17;
	/* id = BLAKE2b-256("scoperun-vault-id-v2" || key_0)[0..16) */
	hash_parts(h, 32, NULL, "scoperun-vault-id-v2", 20, keys, 32);
	assert_int_equal(field_b64(got, sizeof(got), text, "\nid "), 16);
	assert_memory_equal(got, h, 16);
	assert_memory_equal(ring, h, 16);
	/* keyring commitment */
	{
		crypto_generichash_state st;
		crypto_generichash_init(&st, NULL, 0, 32);
		crypto_generichash_update(&st, (const unsigned char *)
		    "scoperun-vault-keyring-v2", 25);
		crypto_generichash_update(&st, ring, 17);
		crypto_generichash_update(&st, keys, 64);
		crypto_generichash_final(&st, want, 32);
	}
	field_b64(got, sizeof(got), text, "\nkeyring ");
	assert_memory_equal(got, want, 32);
	/* header MAC: subkey 1 of the newest key, over the text before the
	 * mac line */
	mac = strstr(text, "\nmac ") + 1;
	mac_of(want, keys + 32, 1, "scoperun-vault-header-v2", text,
	    (size_t)(mac - text));
	field_b64(got, sizeof(got), text, "\nmac ");
	assert_memory_equal(got, want, 32);
	/* end MAC: subkey 2, over the text before the space before it */
	line = strstr(text, "\nend ") + 1;
	line = strrchr(line, ' ');
	mac_of(want, keys + 32, 2, "scoperun-vault-body-v2", text,
	    (size_t)(line - text));
	field_b64(got, sizeof(got), line, " ");
	assert_memory_equal(got, want, 32);
	/* each line's key commitment: subkey 3 of its epoch key, over the
	 * nonce (field 8; the commitment is field 9) */
	for (line = strstr(text, "\nsecret "), i = 0; line != NULL;
	    line = strstr(line + 1, "\nsecret "), i++) {
		const char *f = line + 1;
		unsigned epoch;
		int k;
		for (k = 0; k < 2; k++)
			f = strchr(f, ' ') + 1;
		epoch = (unsigned)atoi(f);
		for (k = 2; k < 8; k++)
			f = strchr(f, ' ') + 1;
		assert_int_equal(field_b64(nonce, sizeof(nonce), f - 1, " "),
		    24);
		f = strchr(f, ' ');
		field_b64(got, sizeof(got), f, " ");
		assert_true(epoch < 2);
		mac_of(want, keys + 32 * epoch, 3, "scoperun-vault-commit-v2",
		    (const char *)nonce, 24);
		assert_memory_equal(got, want, 32);
	}
	assert_int_equal(i, 3);
	sodium_memzero(ring, sizeof(ring));
}

static void
test_vault_v2(void **state)
{
	size_t len;
	char *text = slurp("vault-v2.sealed", &len);
	sr_identity *id = load_identity();
	sr_vault *v;
	sr_err err = SR_ERR_INIT;

	(void)state;
	if (sr_vault_parse(&v, text, len, "vault-v2", &err) != 0 ||
	    sr_vault_unlock(v, id, &err) != 0)
		fail_msg("vault: %s", err.msg);
	assert_int_equal(sr_vault_version(v), 2);
	expect_vector_secrets(v);
	if (sr_vault_verify(v, &err) != 0)
		fail_msg("verify: %s", err.msg);
	check_v2_values(text, id);
	sr_vault_free(v);
	sr_identity_free(id);
	free(text);
}

/* Version 1 read, then upgraded: the same secrets, version 2 values. */
static void
test_upgrade_v1(void **state)
{
	size_t len, len2;
	char *text = slurp("vault-v1.sealed", &len), *text2;
	sr_identity *id = load_identity();
	sr_vault *v, *w;
	sr_err err = SR_ERR_INIT;

	(void)state;
	if (sr_vault_parse(&v, text, len, "vault-v1", &err) != 0 ||
	    sr_vault_unlock(v, id, &err) != 0)
		fail_msg("vault: %s", err.msg);
	assert_int_equal(sr_vault_version(v), 1);
	if (sr_vault_upgrade(v, &err) != 0 ||
	    sr_vault_serialize(&text2, &len2, v, &err) != 0)
		fail_msg("upgrade: %s", err.msg);
	assert_int_equal(sr_vault_version(v), 2);
	if (sr_vault_parse(&w, text2, len2, "upgraded", &err) != 0 ||
	    sr_vault_unlock(w, id, &err) != 0 ||
	    sr_vault_verify(w, &err) != 0)
		fail_msg("upgraded: %s", err.msg);
	expect_vector_secrets(w);
	check_v2_values(text2, id);
	/* the id is the one the vector has: it is the hash of key 0 */
	{
		size_t vlen;
		char *vec = slurp("vault-v2.sealed", &vlen);
		assert_memory_equal(strstr(vec, "\nid "), strstr(text2, "\nid "),
		    27);
		free(vec);
	}
	sr_vault_free(w);
	sr_vault_free(v);
	sr_identity_free(id);
	free(text2);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vault_v1),
		cmocka_unit_test(test_vault_v2),
		cmocka_unit_test(test_upgrade_v1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
