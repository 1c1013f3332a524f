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

#define SR_AUDIT_HASH_BYTES 32
#define SR_AUDIT_LINE_MAX (1u << 20)

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
	const sr_env *env;		/* to redact granted values from argv */
	const char *repo_root;		/* the git work tree, when inside one */
	const char *repo_head;		/* its HEAD commit; NULL when unborn */
	const char *task;
} sr_audit_event;

/*
 * Append ev to the log at path (created with its state on first use, mode
 * 0600 in a 0700 directory), fdatasync'ed before returning 0.
 */
int sr_audit_append(const char *path, const sr_audit_event *ev, sr_err *err);

typedef struct sr_audit_verdict {
	uint64_t records;		/* records checked and intact */
	int macs_checked;		/* 1 when the seals were checked */
	int head_checked;		/* the head file matched the log's end */
	int head_behind;		/* ... but for one record appended just
					   before a crash, taken in next time */
	uint64_t bad_seq;		/* first bad record, 0 if none */
	unsigned long bad_line;		/* its line in the file */
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

/* Read K_1 from the audit.key0 file beside path; -1 when absent. */
int sr_audit_key0_load(unsigned char key[SR_AUDIT_HASH_BYTES],
    const char *path, sr_err *err);
/* Remove the local copy of K_1 (after the owner exported it). */
int sr_audit_key0_remove(const char *path, sr_err *err);

#endif
