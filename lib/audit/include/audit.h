/*
 * audit.h - the hash-chained, sealed audit log (lib/FORMAT.md).
 *
 * Every run, every refusal and every vault change appends one record,
 * durably, before scoperun goes on: a run whose record cannot be written
 * does not happen. Records are chained by hash and sealed with a key that
 * evolves one way after each record, so whoever takes the machine later
 * cannot rewrite what was recorded before without it showing.
 *
 * Appending costs the same however long the log is: only the small head
 * file beside it is read. No record ever holds a secret value.
 */
#ifndef SR_AUDIT_H
#define SR_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "env.h"
#include "err.h"
#include "identity.h"

#define SR_AUDIT_HASH_BYTES 32
#define SR_AUDIT_LINE_MAX (1u << 20)

/* How a supervised child ended: the fields of an "exit" event. */
typedef struct sr_audit_exit {
	int status;			/* what scoperun exits with */
	int signal;			/* the signal that killed it, or 0 */
	int64_t duration_ms;		/* from fork to its end */
	int timed_out;			/* exec.max_runtime fired */
} sr_audit_exit;

/* A provider that minted values for a run (SPEC §10): the run record's
 * "providers" list. */
typedef struct sr_audit_provider {
	const char *name;
	int64_t duration_ms;		/* its command's run; 0 on a cache hit */
	int64_t expires;		/* the expiry it stated; 0 = none */
	int cached;			/* 1: taken from the cache */
} sr_audit_provider;

typedef struct sr_audit_event {
	const char *event;		/* "run", "deny", "secret.set", ... */
	const char *agent;
	const char *policy_path;
	const unsigned char *policy_hash;	/* 32 bytes, or NULL */
	const char *decision;		/* "allow", "deny", or NULL */
	const char *reason;		/* a stable code */
	const char *message;
	const char *const *secrets;	/* granted variable names */
	size_t nsecrets;
	const char *secret;		/* vault events */
	const char *recipient;
	const char *command;		/* the resolved path */
	char *const *argv;
	const char *argv_withheld;	/* why argv is not written, or NULL */
	const sr_env *env;		/* to redact granted values from argv */
	const char *repo_root;		/* the git work tree, when inside one */
	const char *repo_head;		/* its HEAD commit; NULL when unborn */
	const char *task;
	const sr_audit_exit *exit;	/* "exit" events, else NULL */
	const char *sandbox;		/* a JSON object: what [sandbox] enforces */
	int forward;			/* also to syslog ([audit] syslog) */
	const char *old_log;		/* "audit.reset": the log it replaces */
	const sr_audit_provider *providers;	/* run events */
	size_t nproviders;
} sr_audit_event;

/*
 * Append ev to the log at path (created with its state on first use, mode
 * 0600 in a 0700 directory), fdatasync'ed before returning 0. A log past
 * its size (SR_AUDIT_ROTATE_BYTES, or settings.h's audit_rotate_bytes) is
 * first renamed to path.1 (older ones shifted); the chain goes on in the
 * new file. Every SR_AUDIT_CHECKPOINT_EVERY records, and on rotation, a
 * signed checkpoint is appended to path.checkpoints. With ev->forward or
 * settings.h's audit_syslog the record is also sent to syslog, best effort.
 */
#define SR_AUDIT_ROTATE_BYTES (64ull << 20)
#define SR_AUDIT_CHECKPOINT_EVERY 100
int sr_audit_append(const char *path, const sr_audit_event *ev, sr_err *err);
/*
 * A record that its argv would take past SR_AUDIT_LINE_MAX is written
 * without it ("argv_withheld":"too_large", and "argc"). A "run" so cut
 * is written as a "deny" (reason SR_AUDIT_TOO_LARGE) and sr_audit_append
 * returns SR_AUDIT_REFUSED with err set: that run must not happen, and
 * its refusal is on record. Other events are written and return 0.
 */
#define SR_AUDIT_REFUSED 1
#define SR_AUDIT_TOO_LARGE "audit.too_large"

/*
 * argv as a record writes it, for records made once the environment is
 * gone (a supervised run frees it at the fork): each entry that holds a
 * value granted in env becomes "[REDACTED:NAME]". NULL-terminated,
 * malloc'd, for sr_audit_argv_free; NULL when out of memory.
 */
char **sr_audit_argv_redact(char *const *argv, const sr_env *env);
/* 1 when arg holds a value granted in env, with "[REDACTED:NAME]" in red;
 * for whatever else shows an argument (messages, the command's path). */
int sr_audit_redact_arg(char *red, size_t size, const char *arg,
    const sr_env *env);
void sr_audit_argv_free(char **argv);

typedef struct sr_audit_verdict {
	uint64_t records;		/* records checked and intact */
	int macs_checked;		/* 1 when the seals were checked */
	int head_checked;		/* the head file matched the log's end */
	int head_behind;		/* ... but for this many records appended
					   before a crash, taken in next time */
	int head_missing;		/* no head, and the caller said the log
					   has none (o->no_head) */
	uint64_t bad_seq;		/* first bad record, 0 if none */
	unsigned long bad_line;		/* its line in the file */
	char bad_path[SR_ERR_PATH_MAX];	/* that file (one of a rotated set) */
	int files;			/* files walked: path.N .. path.1, path */
	uint64_t checkpoints;		/* checkpoints matched */
	uint64_t checkpoint_last;	/* the largest record they name */
	int checkpoints_local;		/* they were those beside the log */
	char why[256];			/* what is wrong with it */
} sr_audit_verdict;

/*
 * Check the log at path: the chain, the head, and the seals when key0
 * (K_1, 32 bytes) is given (see sr_audit_key0_load). Returns 0 intact, 1
 * with v->bad_* and v->why set when a record is bad (bad_line 0: the
 * fault is at the end of the log), -1 on an error.
 */
int sr_audit_verify(sr_audit_verdict *v, const char *path,
    const unsigned char *key0, sr_err *err);

/*
 * A signed checkpoint (lib/FORMAT.md): the log's id, its size in records
 * and the hash of its last record, signed with the log's Ed25519 key.
 * Kept elsewhere, it shows a truncated or rewritten log even when the
 * head was rewritten too.
 */
typedef struct sr_audit_checkpoint {
	unsigned char log[16];
	uint64_t size;
	unsigned char hash[SR_AUDIT_HASH_BYTES];
	unsigned char sig[64];		/* the log key's signature of the text */
	int unchecked;			/* sig not checked yet (see verify) */
} sr_audit_checkpoint;

#define SR_AUDIT_VKEY_MAX 128

/* The log's verifier key, "scoperun+HEX8+BASE64" (a signed-note key). */
int sr_audit_vkey(char *buf, size_t size, const char *path, sr_err *err);

/* A checkpoint of the log's head now, signed (malloc'd text); it is also
 * appended to path.checkpoints. */
int sr_audit_checkpoint_now(char **text, const char *path, sr_err *err);

/*
 * Every checkpoint in text (one or more, as path.checkpoints holds them),
 * each signature checked against vkey: *cps (malloc'd) sorted by size.
 * -1 with err naming the first that is malformed or badly signed.
 */
int sr_audit_checkpoints_parse(sr_audit_checkpoint **cps, size_t *n,
    const char *text, size_t len, const char *vkey, sr_err *err);

typedef struct sr_audit_verify_opts {
	const unsigned char *key0;	/* K_1, or NULL: no seals */
	const sr_audit_checkpoint *cps;	/* sorted by size */
	size_t ncps;
	int no_head;			/* the log has no head (a copy kept
					   without one): its absence is not
					   a finding */
	int local_checkpoints;		/* without cps: path.checkpoints */
	const char *pubkey;		/* their key; NULL: path.sign's */
} sr_audit_verify_opts;

#define SR_AUDIT_VERIFY_OPTS_INIT { NULL, NULL, 0, 0, 0, NULL }

/*
 * sr_audit_verify, and the log must hold every checkpoint in o->cps, or
 * with o->local_checkpoints every one in path.checkpoints (read with the
 * log, under its lock). Those are parsed without checking each signature
 * (a 1,000,000-record log has 10,000): a checkpoint that agrees with the
 * chain proves nothing either way, so only one that disagrees with it, or
 * names records past its end, has its signature checked, to tell a
 * forged checkpoint from a cut or rewritten log. A missing head is a
 * finding (records cut off the end would not show) unless o->no_head.
 */
int sr_audit_verify_with(sr_audit_verdict *v, const char *path,
    const sr_audit_verify_opts *o, sr_err *err);

/*
 * The files of the log at path, oldest first: path.N .. path.1 (rotated),
 * then path, which is always there in the list whether it exists or not.
 * Free with sr_audit_files_free.
 */
int sr_audit_files(char ***paths, size_t *n, const char *path, sr_err *err);
void sr_audit_files_free(char **paths, size_t n);

/*
 * `scoperun audit reset`: an append never starts a new log where an old
 * one left its state (see audit_reset.c); this does, on purpose. Under
 * the appenders' lock, every file of the old log is moved into
 * path.old-ID (its log id), and the new log's first record, event
 * "audit.reset", names it. Nothing is deleted.
 */
typedef struct sr_audit_reset_result {
	char old_log[40];		/* its id in hex, or "unknown-TIME" */
	char new_log[33];
	char moved_to[SR_ERR_PATH_MAX];
} sr_audit_reset_result;

int sr_audit_reset(sr_audit_reset_result *r, const char *path, sr_err *err);

/* Read K_1 from the audit.key0 file beside path; -1 when absent. */
int sr_audit_key0_load(unsigned char key[SR_AUDIT_HASH_BYTES],
    const char *path, sr_err *err);
/* Remove the local copy of K_1 (after the owner exported it): its bytes
 * overwritten and synced, then the file unlinked. */
int sr_audit_key0_remove(const char *path, sr_err *err);

/*
 * Seal K_1 to an auditor's recipient (scoperun1…): the sealed line
 * (FORMAT.md) into line (SR_AUDIT_SEALED_MAX) and path.key0.sealed, then
 * the clear copy removed as sr_audit_key0_remove does.
 */
#define SR_AUDIT_SEALED_MAX 256
int sr_audit_key0_seal(char *line, size_t size, const char *path,
    const char *recipient, sr_err *err);
/* K_1 from a sealed line (text, len bytes), opened with id. */
int sr_audit_key0_open(unsigned char key[SR_AUDIT_HASH_BYTES],
    const char *text, size_t len, const sr_identity *id, sr_err *err);

#endif
