/*
 * check_vaults.h - the scoperun vaults a repository tracks, for the leak
 * check (SPEC §6: the values come from your vault and from every vault
 * tracked in the repository that your identity opens).
 *
 * A vault is known by its first line (FORMAT.md: "scoperun-vault N"),
 * never by its name: a team's vault may be called anything. Each
 * regular file of the index is looked at as it is staged; the ids of
 * blobs that are no vault are cached, so a blob is read once.
 */
#ifndef SR_CHECK_VAULTS_H
#define SR_CHECK_VAULTS_H

#include <stddef.h>

#include "err.h"

#define SR_VAULT_HEADER "scoperun-vault "

/* A tracked vault: path (in the repository) and the staged bytes, valid
 * during the call. Nonzero stops the listing. */
typedef int (*sr_check_vault_fn)(void *arg, const char *root,
    const char *path, const char *data, size_t len);

/* Call fn for each tracked vault of the repository holding dir (NULL:
 * the current directory). 0; -1 with err set when the repository cannot
 * be read or fn stopped. Outside a repository: 0, no call. */
int sr_check_vaults_each(const char *dir, sr_check_vault_fn fn, void *arg,
    sr_err *err);

#endif
