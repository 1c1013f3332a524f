/*
 * vault_session.h - what every vault verb does around its change: find
 * the files, lock, read, unlock with the identity, write back, clean up.
 *
 * Writers hold the vault's lock file from before the read until after the
 * atomic rename, so concurrent `secret set`s queue up and none is lost.
 */
#ifndef SR_VAULT_SESSION_H
#define SR_VAULT_SESSION_H

#include "err.h"
#include "identity.h"
#include "paths.h"
#include "vault.h"

#define VS_READ 0x0	/* read only: no lock */
#define VS_WRITE 0x1	/* lock, and save on vs_commit */
#define VS_UNLOCK 0x2	/* load the identity and open the keyring */

typedef struct vault_session {
	char vault_path[SR_ERR_PATH_MAX];
	char identity_path[SR_ERR_PATH_MAX];
	int lockfd;
	sr_vault *vault;
	sr_identity *id;
} vault_session;

/* Options shared by the vault verbs, and the positional arguments. */
typedef struct vault_args {
	const char *vault, *identity;
	const char *from_file, *expires, *rotate_after;
	char labels[SR_LABELS_MAX + 1];
	const char *output;
	const char *prefix;	/* secret import --prefix */
	int json, names;	/* secret ls --json, --names */
	char *pos[4];
	int npos;
} vault_args;

/* Parse argv[1..] into a; -1 (message printed) on a usage error. */
int vault_args_parse(vault_args *a, int argc, char **argv, const char *who);

int vs_open(vault_session *s, const vault_args *a, unsigned flags,
    sr_err *err);
/* sr_identity_load, saying how to make one when there is none. */
int vs_identity_load(sr_identity **id, const char *path, sr_err *err);
int vs_commit(vault_session *s, sr_err *err);
void vs_close(vault_session *s);
/* Record a vault change in the audit log, after it was committed. */
int vs_record(const char *event, const char *secret, const char *recipient,
    sr_err *err);

/* `scoperun init|keygen|recipient|secret ...` */
int cmd_init(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_recipient(int argc, char **argv);
int cmd_secret(int argc, char **argv);
/* `secret ls --json` and `--names` (secret_ls.c) */
int secret_ls_json(const vault_args *a, sr_err *err);
int secret_ls_names(const vault_args *a, sr_err *err);
/* `scoperun secret import FILE [--prefix P]` (import.c) */
int secret_import(const vault_args *a, sr_err *err);

#endif
