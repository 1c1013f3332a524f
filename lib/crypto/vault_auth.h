/*
 * vault_auth.h - what version 2 of the vault adds to version 1: the
 * values that tie a vault's header, keyring and lines to its keys
 * (FORMAT.md, "Sealed vault, version 2"). Pure functions of their inputs,
 * used by vault.c; no key leaves sodium memory through them.
 */
#ifndef SR_VAULT_AUTH_H
#define SR_VAULT_AUTH_H

#include <stddef.h>

#include <sodium.h>

#define SR_VAULT_AUTH_ID_BYTES 16
#define SR_VAULT_AUTH_KEY_BYTES 32
#define SR_VAULT_AUTH_BYTES 32	/* every MAC and commitment */

/* The subkeys of an epoch key (crypto_kdf, context "srvault2"). */
enum sr_vault_auth_subkey {
	SR_VAULT_AUTH_HEADER = 1,	/* the header MAC (newest epoch key) */
	SR_VAULT_AUTH_BODY = 2,	/* the MAC on the end line (newest) */
	SR_VAULT_AUTH_LINE = 3	/* a secret line's key commitment (its epoch) */
};

/* A v2 vault's id: the first 16 bytes of BLAKE2b-256("scoperun-vault-id-v2"
 * || key_0), so a keyring that opens with the right id holds the vault's
 * first key, which nobody outside the vault ever had. */
void sr_vault_auth_id(unsigned char out[SR_VAULT_AUTH_ID_BYTES],
    const unsigned char key0[SR_VAULT_AUTH_KEY_BYTES]);

/* The keyring commitment over the first n keys: BLAKE2b-256(
 * "scoperun-vault-keyring-v2" || id || n (1 byte) || key_0 .. key_n-1). */
int sr_vault_auth_keyring(unsigned char out[SR_VAULT_AUTH_BYTES],
    const unsigned char id[SR_VAULT_AUTH_ID_BYTES], const unsigned char *keys,
    unsigned n);

/* BLAKE2b-256 keyed with subkey `which` of key, over tag || text. */
int sr_vault_auth_mac(unsigned char out[SR_VAULT_AUTH_BYTES],
    const unsigned char key[SR_VAULT_AUTH_KEY_BYTES],
    enum sr_vault_auth_subkey which, const char *tag, const void *text,
    size_t len);

#endif
