/*
 * check_cmd.h - what `scoperun check` shares between its files.
 */
#ifndef SR_CHECK_CMD_H
#define SR_CHECK_CMD_H

#include "identity.h"
#include "scan.h"
#include "vault.h"

/* Every value of v (unlocked) into s, each named prefix:NAME (or NAME
 * when prefix is NULL); sodium memory, wiped as soon as its forms are
 * made. */
int check_vault_values(sr_scan *s, const sr_vault *v, const char *prefix,
    sr_err *err);

/* The values of every vault the repository holding dir tracks that the
 * identity at identity_path opens, but mine (your own vault's path, or
 * NULL), into s; how many opened in *opened (check_vaults.c). */
int check_team_vaults(size_t *opened, sr_scan *s, const char *dir,
    const char *mine, const char *identity_path, sr_err *err);

#endif
