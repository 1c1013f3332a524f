/*
 * provider_cache.c - sealed cache entries for minted credentials
 * (provider_cache.h; the format is in lib/FORMAT.md).
 */
#include "provider_cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "bytes.h"
#include "file.h"
#include "hex.h"
#include "provider.h"
#include "secalloc.h"

#define MAGIC "SRPCACHE1\n"
#define MAGIC_LEN 10
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEY crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define TIMES 16		/* minted, expires: be64 each */
#define ENTRY_MAX (MAGIC_LEN + 32 + NONCE + TIMES + \
	SR_PROVIDER_OUTPUT_MAX + TAG)

static void
hash_str(crypto_generichash_state *st, const char *s)
{
	crypto_generichash_update(st, (const unsigned char *)s, strlen(s) + 1);
}

/* The entry's id: who, which policy, which provider, which command. */
static void
entry_id(unsigned char id[32], const sr_identity *who, const char *policy,
    const sr_provider *pv)
{
	static const char ctx[] = "scoperun-provider-cache-id-v1";
	crypto_generichash_state st;
	size_t i;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof(ctx));
	crypto_generichash_update(&st, who->pk, sizeof(who->pk));
	hash_str(&st, policy);
	hash_str(&st, pv->name);
	for (i = 0; i < pv->command.n; i++)
		hash_str(&st, pv->command.v[i]);
	crypto_generichash_final(&st, id, 32);
}

/* The AEAD key: only the identity's secret key gives it. */
static void
entry_key(unsigned char key[KEY], const sr_identity *who)
{
	static const char ctx[] = "scoperun-provider-cache-v1";

	crypto_generichash(key, KEY, (const unsigned char *)ctx,
	    sizeof(ctx) - 1, who->sk, sizeof(who->sk));
}

int
sr_pcache_path(char *buf, size_t size, const char *state_dir,
    const sr_identity *id, const char *policy_path, const sr_provider *pv,
    sr_err *err)
{
	unsigned char h[32];
	char hex[65];

	entry_id(h, id, policy_path, pv);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if ((size_t)snprintf(buf, size, "%s/providers/%s", state_dir, hex) >=
	    size)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "path too long");
	return 0;
}

/* The entry's name is its id: the associated data binds it to it. */
static int
id_of_path(unsigned char id[32], const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	/* the name entry_path wrote: exactly 64 lower-case digits */
	return strlen(base) == 64 && sr_hex_decode(id, 32, base) == 0 ? 0 : -1;
}

static void
discard(const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		(void)errno;	/* a later put replaces it */
}

/* Decrypt buf into a sodium region: TIMES bytes, then the output. */
static int
open_entry(unsigned char **plain, size_t *plen, const unsigned char *buf,
    size_t len, const unsigned char id[32], const sr_identity *who)
{
	unsigned char key[KEY], ad[MAGIC_LEN + 32];

	if (len < MAGIC_LEN + NONCE + TIMES + TAG + 1 ||
	    memcmp(buf, MAGIC, MAGIC_LEN) != 0)
		return -1;
	*plen = len - MAGIC_LEN - NONCE - TAG;
	if ((*plain = sr_secalloc_alloc(*plen + 1)) == NULL)
		return -1;
	memcpy(ad, MAGIC, MAGIC_LEN);
	memcpy(ad + MAGIC_LEN, id, 32);
	entry_key(key, who);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(*plain, NULL, NULL,
	    buf + MAGIC_LEN + NONCE, len - MAGIC_LEN - NONCE, ad, sizeof(ad),
	    buf + MAGIC_LEN, key) != 0) {
		sodium_memzero(key, sizeof(key));
		sr_secalloc_free(*plain);
		*plain = NULL;
		return -1;
	}
	sodium_memzero(key, sizeof(key));
	(*plain)[*plen] = '\0';
	return 0;
}

int
sr_pcache_get(unsigned char **out, size_t *len, int64_t *expires,
    const char *path, const sr_identity *id, int64_t now, int64_t ttl,
    sr_err *err)
{
	unsigned char eid[32], *plain = NULL;
	char *buf = NULL;
	size_t blen, plen;
	int64_t minted;

	*out = NULL;
	if (sr_file_read_strict(&buf, &blen, path, ENTRY_MAX, SR_FILE_PRIVATE,
	    err) != 0) {
		if (err->kind != SR_ERR_NOTFOUND)
			return -1;
		sr_err_clear(err);
		return 0;
	}
	if (id_of_path(eid, path) != 0 || open_entry(&plain, &plen,
	    (unsigned char *)buf, blen, eid, id) != 0) {
		free(buf);
		discard(path);
		return 0;
	}
	free(buf);
	minted = (int64_t)sr_bytes_get64(plain);
	*expires = (int64_t)sr_bytes_get64(plain + 8);
	if (minted > now || now - minted >= ttl || (*expires != 0 &&
	    now >= *expires - SR_PCACHE_MARGIN)) {
		sr_secalloc_free(plain);
		discard(path);
		return 0;
	}
	*len = plen - TIMES;
	memmove(plain, plain + TIMES, *len + 1);
	*out = plain;
	return 1;
}

int
sr_pcache_put(const char *path, const sr_identity *id,
    const unsigned char *out, size_t len, int64_t now, int64_t expires,
    sr_err *err)
{
	unsigned char eid[32], key[KEY], ad[MAGIC_LEN + 32], *plain, *buf;
	size_t blen = MAGIC_LEN + NONCE + TIMES + len + TAG;
	int rc = -1;

	if (id_of_path(eid, path) != 0)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "bad cache path");
	if (sr_file_mkdirs_parent(path, err) != 0)
		return -1;
	plain = sr_secalloc_alloc(TIMES + len);
	buf = malloc(blen);
	if (plain == NULL || buf == NULL) {
		sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
		goto done;
	}
	sr_bytes_put64(plain, (uint64_t)now);
	sr_bytes_put64(plain + 8, (uint64_t)expires);
	memcpy(plain + TIMES, out, len);
	memcpy(buf, MAGIC, MAGIC_LEN);
	randombytes_buf(buf + MAGIC_LEN, NONCE);
	memcpy(ad, MAGIC, MAGIC_LEN);
	memcpy(ad + MAGIC_LEN, eid, 32);
	entry_key(key, id);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + MAGIC_LEN + NONCE,
	    NULL, plain, TIMES + len, ad, sizeof(ad), NULL, buf + MAGIC_LEN,
	    key);
	sodium_memzero(key, sizeof(key));
	rc = sr_file_write_atomic(path, buf, blen, 0600, err);
done:
	sr_secalloc_free(plain);
	free(buf);
	return rc;
}
