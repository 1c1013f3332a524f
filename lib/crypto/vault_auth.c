/*
 * vault_auth.c - the MACs and commitments of vault format 2 (FORMAT.md).
 *
 * Every value here is BLAKE2b (crypto_generichash), keyed or not, with
 * its own domain tag, so that no value can pass for another.
 */
#include "vault_auth.h"

#include <string.h>

#include "secalloc.h"

#define KDF_CONTEXT "srvault2"
#define ID_TAG "scoperun-vault-id-v2"
#define KEYRING_TAG "scoperun-vault-keyring-v2"

_Static_assert(sizeof(KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES,
    "a kdf context is 8 bytes");
_Static_assert(crypto_kdf_KEYBYTES == SR_VAULT_AUTH_KEY_BYTES,
    "an epoch key is a kdf key");

void
sr_vault_auth_id(unsigned char out[SR_VAULT_AUTH_ID_BYTES],
    const unsigned char key0[SR_VAULT_AUTH_KEY_BYTES])
{
	crypto_generichash_state st;
	unsigned char h[32];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)ID_TAG,
	    sizeof(ID_TAG) - 1);
	crypto_generichash_update(&st, key0, SR_VAULT_AUTH_KEY_BYTES);
	crypto_generichash_final(&st, h, sizeof(h));
	memcpy(out, h, SR_VAULT_AUTH_ID_BYTES);
	sodium_memzero(&st, sizeof(st));
}

int
sr_vault_auth_keyring(unsigned char out[SR_VAULT_AUTH_BYTES],
    const unsigned char id[SR_VAULT_AUTH_ID_BYTES], const unsigned char *keys,
    unsigned n)
{
	crypto_generichash_state *st;
	unsigned char count = (unsigned char)n;
	int rc;

	/* the state buffers key bytes: sodium memory, wiped on free */
	if (n == 0 || n > 255 || (st = sr_secalloc_alloc(sizeof(*st))) == NULL)
		return -1;
	rc = crypto_generichash_init(st, NULL, 0, SR_VAULT_AUTH_BYTES) != 0 ||
	    crypto_generichash_update(st, (const unsigned char *)KEYRING_TAG,
	    sizeof(KEYRING_TAG) - 1) != 0 ||
	    crypto_generichash_update(st, id, SR_VAULT_AUTH_ID_BYTES) != 0 ||
	    crypto_generichash_update(st, &count, 1) != 0 ||
	    crypto_generichash_update(st, keys, (size_t)n *
	    SR_VAULT_AUTH_KEY_BYTES) != 0 ||
	    crypto_generichash_final(st, out, SR_VAULT_AUTH_BYTES) != 0 ?
	    -1 : 0;
	sr_secalloc_free(st);
	return rc;
}

int
sr_vault_auth_mac(unsigned char out[SR_VAULT_AUTH_BYTES],
    const unsigned char key[SR_VAULT_AUTH_KEY_BYTES],
    enum sr_vault_auth_subkey which, const char *tag, const void *text,
    size_t len)
{
	struct {
		unsigned char sub[SR_VAULT_AUTH_KEY_BYTES];
		crypto_generichash_state st;
	} *k;
	int rc;

	if ((k = sr_secalloc_alloc(sizeof(*k))) == NULL)
		return -1;
	rc = crypto_kdf_derive_from_key(k->sub, sizeof(k->sub),
	    (uint64_t)which, KDF_CONTEXT, key) != 0 ||
	    crypto_generichash_init(&k->st, k->sub, sizeof(k->sub),
	    SR_VAULT_AUTH_BYTES) != 0 ||
	    crypto_generichash_update(&k->st, (const unsigned char *)tag,
	    strlen(tag)) != 0 ||
	    crypto_generichash_update(&k->st, text, len) != 0 ||
	    crypto_generichash_final(&k->st, out, SR_VAULT_AUTH_BYTES) != 0 ?
	    -1 : 0;
	sr_secalloc_free(k);
	return rc;
}
