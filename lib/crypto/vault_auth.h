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

#define SR_VAUTH_ID_BYTES 16
#define SR_VAUTH_KEY_BYTES 32
#define SR_VAUTH_BYTES 32	/* every MAC and commitment */

/* The subkeys of an epoch key (crypto_kdf, context "srvault2"). */
enum sr_vauth_subkey {
	SR_VAUTH_HEADER = 1,	/* the header MAC (newest epoch key) */
	SR_VAUTH_BODY = 2,	/* the MAC on the end line (newest) */
	SR_VAUTH_LINE = 3	/* a secret line's key commitment (its epoch) */
};

/* A v2 vault's id: the first 16 bytes of BLAKE2b-256("scoperun-vault-id-v2"
 * || key_0), so a keyring that opens with the right id holds the vault's
 * first key, which nobody outside the vault ever had. */
void sr_vauth_id(unsigned char out[SR_VAUTH_ID_BYTES],
    const unsigned char key0[SR_VAUTH_KEY_BYTES]);

/* The keyring commitment over the first n keys: BLAKE2b-256(
 * "scoperun-vault-keyring-v2" || id || n (1 byte) || key_0 .. key_n-1). */
int sr_vauth_keyring(unsigned char out[SR_VAUTH_BYTES],
    const unsigned char id[SR_VAUTH_ID_BYTES], const unsigned char *keys,
    unsigned n);

/* BLAKE2b-256 keyed with subkey `which` of key, over tag || text. */
int sr_vauth_mac(unsigned char out[SR_VAUTH_BYTES],
    const unsigned char key[SR_VAUTH_KEY_BYTES], enum sr_vauth_subkey which,
    const char *tag, const void *text, size_t len);

#endif
