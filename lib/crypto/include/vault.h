/*
 * vault.h - the sealed vault: many secrets in one file any recipient reads.
 *
 * The format is in FORMAT.md. In short: a random data key per epoch
 * encrypts each secret with XChaCha20-Poly1305; the keyring of epoch keys
 * is sealed (crypto_box_seal) to each recipient's X25519 key. Reading one
 * secret costs one key agreement (unsealing the caller's keyring) and that
 * secret's AEAD, whatever the size of the vault. Each secret's name and
 * metadata are its AEAD's associated data, so swapping, renaming or
 * editing an entry is detected when it is read.
 *
 * Removing a recipient starts a new epoch: secrets set afterwards use a
 * key the removed recipient never had. Secrets set before stay readable
 * by anyone who kept an old copy of the vault and key: rotate them.
 *
 * Plaintext values and keys live only in sodium memory (secalloc.h).
 */
#ifndef SR_VAULT_H
#define SR_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "identity.h"

#define SR_VAULT_FORMAT_VERSION 2	/* what is written; 1 is still read */
#define SR_VAULT_COMMIT_BYTES 32
#define SR_VAULT_MAX_BYTES (64u << 20)
#define SR_SECRET_VALUE_MAX 65536
#define SR_SECRET_NAME_LEN_MAX 128
#define SR_LABELS_MAX 256
#define SR_VAULT_MAX_EPOCHS 255
#define SR_VAULT_TIME_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */
#define SR_VAULT_ROTATE_MAX (100LL * 366 * 86400)

typedef struct sr_secret_meta {
	char name[SR_SECRET_NAME_LEN_MAX + 1];
	unsigned epoch;
	int64_t created, updated;	/* unix seconds */
	int64_t expires;		/* 0: never */
	int64_t rotate_after;		/* seconds after updated; 0: never */
	char labels[SR_LABELS_MAX + 1];	/* "k=v,k=v"; "" for none */
} sr_secret_meta;

typedef struct sr_vault sr_vault;

/* A new empty vault whose only recipient is id. */
int sr_vault_create(sr_vault **out, const sr_identity *id, sr_err *err);

/*
 * Read the vault at path (StrictModes: not writable by group or others,
 * and in a directory they cannot write; readable is fine, as a vault is
 * made to be committed) and check its structure; nothing is decrypted. A
 * missing file is SR_ERR_NOTFOUND.
 */
int sr_vault_open(sr_vault **out, const char *path, sr_err *err);
/* The same from memory; where names the source in messages. */
int sr_vault_parse(sr_vault **out, const char *buf, size_t len,
    const char *where, sr_err *err);
void sr_vault_free(sr_vault *v);

/* Unseal the keyring with id: one key agreement. Needed by get, every
 * change, and verify; not by ls. */
int sr_vault_unlock(sr_vault *v, const sr_identity *id, sr_err *err);

size_t sr_vault_count(const sr_vault *v);
/* Metadata of secret i, in file order (names are sorted on save). */
int sr_vault_meta_at(sr_secret_meta *out, const sr_vault *v, size_t i,
    sr_err *err);
/* Index of name, or -1. */
long sr_vault_find(const sr_vault *v, const char *name);

/*
 * Decrypt secret name into *value (sr_secalloc_alloc'd, NUL-terminated; the
 * caller sr_secalloc_free's it). SR_ERR_NOTFOUND when there is no such secret;
 * SR_ERR_CONFIG when it fails authentication.
 */
int sr_vault_get(unsigned char **value, size_t *len, sr_secret_meta *meta,
    const sr_vault *v, const char *name, sr_err *err);
/*
 * The same into *buf, cap *cap bytes of sodium memory (NULL and 0 at
 * first), replaced by a larger region only when a value does not fit:
 * one region serves every grant of a run. The caller sr_secalloc_free's
 * *buf.
 */
int sr_vault_get_reuse(unsigned char **buf, size_t *cap, size_t *len,
    sr_secret_meta *meta, const sr_vault *v, const char *name, sr_err *err);

/*
 * Decrypt secret i (in file order) into buf, which the caller owns: cap
 * bytes of sodium memory, SR_SECRET_VALUE_MAX + 1 always enough. For
 * reading every secret without an allocation each (the leak check).
 */
int sr_vault_get_into(unsigned char *buf, size_t cap, size_t *len,
    sr_secret_meta *meta, const sr_vault *v, size_t i, sr_err *err);

/*
 * Set name to value under the newest epoch. meta gives expires,
 * rotate_after and labels; created is kept when the secret exists,
 * updated is now. Values: 1..SR_SECRET_VALUE_MAX bytes, no NUL.
 */
int sr_vault_set(sr_vault *v, const char *name, const unsigned char *value,
    size_t len, const sr_secret_meta *meta, int64_t now, sr_err *err);
int sr_vault_remove(sr_vault *v, const char *name, sr_err *err);

size_t sr_vault_recipient_count(const sr_vault *v);
const unsigned char *sr_vault_recipient_at(const sr_vault *v, size_t i);
/* Add pk: the keyring is sealed to it; nothing is re-encrypted. */
int sr_vault_recipient_add(sr_vault *v, const unsigned char *pk,
    sr_err *err);
/* Remove pk and start a new epoch; the last recipient cannot go. */
int sr_vault_recipient_remove(sr_vault *v, const unsigned char *pk,
    sr_err *err);

/* The vault as text (malloc'd), and atomically written to path (0600). */
int sr_vault_serialize(char **out, size_t *len, const sr_vault *v,
    sr_err *err);
int sr_vault_save(const sr_vault *v, const char *path, sr_err *err);

/*
 * Version 2 (FORMAT.md). Unlock checks the header (recipients, epochs,
 * keyring commitment) of a version 2 vault; the secret lines are checked
 * one by one when read, and all together by verify: the end line's MAC
 * over the whole file, then every line's key commitment and AEAD. Every
 * change verifies first the lines it keeps (sr_vault_remove all but the
 * one that goes), and a change to a version 1 vault upgrades it first.
 */
int sr_vault_version(const sr_vault *v);
int sr_vault_verify(sr_vault *v, sr_err *err);
/* The end MAC alone (0 for version 1, which has none), and one line. */
int sr_vault_check_body(const sr_vault *v, sr_err *err);
int sr_vault_check_entry(const sr_vault *v, size_t i, sr_err *err);
/* Rewrite a version 1 vault as version 2 (in memory; save writes it):
 * every line verified, then encrypted again under the new id. */
int sr_vault_upgrade(sr_vault *v, sr_err *err);

/* For the rollback pin (vault_pin.h): the id, the number of epoch keys
 * (unlocked), and the keyring commitment over the first n of them. */
const unsigned char *sr_vault_id(const sr_vault *v);
unsigned sr_vault_epochs(const sr_vault *v);
int sr_vault_keyring_commit(unsigned char out[SR_VAULT_COMMIT_BYTES],
    const sr_vault *v, unsigned n);

/* Valid secret names: [A-Za-z0-9._/-], 1..128 bytes. Labels: k=v pairs
 * joined by ',', keys [a-z0-9_.-]+, values [A-Za-z0-9._/:@-]*. */
int sr_vault_name_valid(const char *name);
int sr_vault_labels_valid(const char *labels);

#endif
