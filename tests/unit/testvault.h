/*
 * testvault.h - vault fixtures test_vault.c and test_vault_attacks.c
 * share (linked as sr_testvault, with sr_crypto). Each fails the calling
 * test through cmocka when the legitimate operation it stands for fails.
 */
#ifndef SR_TESTVAULT_H
#define SR_TESTVAULT_H

#include <stddef.h>

#include "err.h"
#include "identity.h"
#include "vault.h"

/* A new identity; a new vault sealed to it. */
sr_identity *tv_identity(void);
sr_vault *tv_vault(const sr_identity *id);

/* The vault's text, NUL-terminated (its length in *len when len is not
 * NULL); the caller frees it. */
char *tv_text(const sr_vault *v, size_t *len);

/* text parsed (as the file where) and unlocked with id: NULL with err set
 * on any failure (tv_open_as), or the test failed (tv_open_ok). */
sr_vault *tv_open_as(const char *text, size_t len, const char *where,
    const sr_identity *id, sr_err *err);
sr_vault *tv_open_ok(const char *text, size_t len, const char *where,
    const sr_identity *id);

#endif
