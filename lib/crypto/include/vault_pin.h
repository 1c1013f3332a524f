/*
 * vault_pin.h - the rollback pin: the newest state of each vault this
 * machine has seen, so that a member's writes never go back to an older
 * keyring (SPEC §4, FORMAT.md "Rollback pin").
 *
 * A vault's file can be replaced by anyone who can merge a change, with
 * an older copy from git history: a removed recipient who puts the vault
 * back to before the removal gets the keys again for whatever is written
 * next. Each machine therefore keeps, per vault id (in the directory
 * SR_PATH_VAULT_PINS), the highest epoch count it has seen and the
 * keyring commitment over that many keys. A vault with fewer epoch keys,
 * or whose first keys are not those, is refused for writing until it is
 * restored or the rollback is accepted on purpose (sr_vault_pin_record
 * with force).
 */
#ifndef SR_VAULT_PIN_H
#define SR_VAULT_PIN_H

#include "err.h"
#include "vault.h"

typedef struct sr_vault_pin {
	unsigned epochs;			/* 0: none recorded */
	unsigned char keyring[SR_VAULT_COMMIT_BYTES];
} sr_vault_pin;

/* A pin file's text, in its one spelling (vault_pin.c); and back. */
int sr_vault_pin_parse(sr_vault_pin *pin, const char *text, size_t len);
int sr_vault_pin_format(char *out, size_t size, unsigned epochs,
    const unsigned char keyring[SR_VAULT_COMMIT_BYTES]);

/* The pin of v's id in dir; epochs 0 when there is none. */
int sr_vault_pin_read(sr_vault_pin *pin, const char *dir, const sr_vault *v,
    sr_err *err);

/*
 * 0 when the unlocked version 2 vault v is the pinned state or newer
 * (more epochs, the pinned ones the same), or nothing is pinned; -1 with
 * a one-line message (what, and the fix) when it is older or a different
 * keyring. *pin (may be NULL) gets the pin read.
 */
int sr_vault_pin_check(const sr_vault *v, const char *dir, sr_vault_pin *pin,
    sr_err *err);

/* Record v's state as seen: when it is newer than the pin, or always
 * with force (accepting a rollback). *changed: whether it wrote. */
int sr_vault_pin_record(const sr_vault *v, const char *dir, int force,
    int *changed, sr_err *err);

/*
 * The id last seen at a vault's path (DIR/path-HEX16(BLAKE2b(realpath))),
 * so that a vault replaced by one of someone else's making - a new id,
 * sealed to the members' public keys - is not written to either: a
 * rolled-back vault keeps its id and meets the pin above, a replaced one
 * has another id and meets this one. check: 0 when nothing was seen there,
 * or the same id; -1 with the message and the fix otherwise. record
 * writes v's id for the path (force: accept-rollback).
 */
int sr_vault_pin_path_check(const sr_vault *v, const char *dir,
    const char *vault_path, sr_err *err);
int sr_vault_pin_path_record(const sr_vault *v, const char *dir,
    const char *vault_path, sr_err *err);

#endif
