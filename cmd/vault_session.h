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
#define VS_WRITE 0x1	/* lock, and save on vs_commit (needs VS_UNLOCK) */
#define VS_UNLOCK 0x2	/* load the identity and open the keyring */
#define VS_TRY_UNLOCK 0x4	/* unlock when this identity is a recipient;
				 * else go on locked (metadata unverified) */

typedef struct vault_session {
	char vault_path[SR_ERR_PATH_MAX];
	char identity_path[SR_ERR_PATH_MAX];
	int lockfd;
	sr_vault *vault;
	sr_identity *id;
	int opened_version;	/* the format as read: 1 is upgraded on write */
	int accept_rollback;	/* vs_commit re-pins instead of refusing */
} vault_session;

/* Options shared by the vault verbs, and the positional arguments. */
typedef struct vault_args {
	const char *vault, *identity, *identity_fd;
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
/*
 * The identity, from the first that is given: --identity-fd N (read to
 * its end, then closed, so the command run never inherits it),
 * --identity FILE, $SCOPERUN_IDENTITY_KEY (the key itself, as CI hands
 * secrets over; wiped from this process's environment once read), then
 * $SCOPERUN_IDENTITY or the default file. path gets the file's path when
 * a file was read, else "".
 */
int vs_identity_load(sr_identity **id, const vault_args *a, char *path,
    size_t size, sr_err *err);
/* Read --identity-fd's descriptor now, and close it: a run takes it
 * before anything else, so that a run that needs no identity (a policy
 * without grants) does not hand the key's descriptor to the command. */
int vs_identity_fd_take(const char *arg, sr_err *err);
/*
 * Write the vault back. Before: the rollback pin (vault_pin.h) must allow
 * it; after: the new state is pinned. A version 1 vault, upgraded by the
 * change, is recorded as `vault.upgrade` and its recipients named on
 * stderr, since version 1 did not authenticate them.
 */
int vs_commit(vault_session *s, sr_err *err);
/* A vault just created at path is the one there now (best effort). */
void vs_pin_created(const sr_vault *v, const char *path);
/* Pin the state an unlocked read saw, when it is newer (best effort). */
void vs_pin_seen(vault_session *s);
/* The vault's metadata is authentic: unlocked, and in version 2 its end
 * MAC holds. (Each line still has its own check: sr_vault_check_entry.) */
int vs_verified(const vault_session *s);
void vs_close(vault_session *s);
/* Record a vault change in the audit log, after it was committed. */
int vs_record(const char *event, const char *secret, const char *recipient,
    sr_err *err);

/* `scoperun init|keygen|recipient|secret|vault ...` */
int cmd_vault(int argc, char **argv);
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
