/*
 * audit_impl.h - what the audit_*.c files share: the seal, the head file,
 * the fixed layout of a record's end, the signing key and checkpoints,
 * the rotated set of files, the batched reader, syslog forwarding.
 */
#ifndef SR_AUDIT_IMPL_H
#define SR_AUDIT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "hex.h"
#include "jsonw.h"

#define AUDIT_HASH_TAG "scoperun-audit-v1\n"
#define AUDIT_MAC_TAG "scoperun-audit-mac-v1"
#define AUDIT_EVOLVE_TAG "scoperun-audit-evolve-v1"
#define AUDIT_HEAD_MAGIC "scoperun-audit-head 1"
/* ,"hash":"<64>","mac":"<64>"} */
#define AUDIT_TAIL_LEN (9 + 64 + 9 + 64 + 2)
/* ,"prev":"<64>" */
#define AUDIT_PREV_LEN (9 + 64 + 1)
/* The most bytes of complete records a head may be behind the log's end:
 * what the next append takes in (recover in audit.c); verify accepts no
 * more, so that a head made up for a log cut short cannot pass as one a
 * crash left behind. Concurrent appenders killed one after another between
 * their append and their head update, or a power loss that brings back an
 * older head (it is not synced), stay far below it. */
#define AUDIT_BEHIND_MAX ((uint64_t)SR_AUDIT_LINE_MAX + 1)
/* seq is written in decimal; 19 digits hold every value it can take
 * before it would overflow a uint64 (20 digits could wrap) */
#define AUDIT_SEQ_DIGITS 19

/* The head file; lives in sodium memory since it holds the key. */
struct audit_head {
	unsigned char log[16];
	uint64_t seq;
	unsigned char hash[SR_AUDIT_HASH_BYTES];
	unsigned char key[SR_AUDIT_HASH_BYTES];	/* K_seq+1 */
	uint64_t size;
};

/* One record line, its seal fields decoded. */
struct audit_line {
	uint64_t seq;
	const char *prefix;	/* what the hash covers */
	size_t prefix_len;
	unsigned char prev[SR_AUDIT_HASH_BYTES];
	unsigned char hash[SR_AUDIT_HASH_BYTES];
	unsigned char mac[SR_AUDIT_HASH_BYTES];
};

void audit_hash(unsigned char out[SR_AUDIT_HASH_BYTES], const char *prefix,
    size_t len);
void audit_mac(unsigned char out[SR_AUDIT_HASH_BYTES],
    const unsigned char key[SR_AUDIT_HASH_BYTES], uint64_t seq,
    const unsigned char hash[SR_AUDIT_HASH_BYTES]);
void audit_evolve(unsigned char key[SR_AUDIT_HASH_BYTES]);
/* The log's id: BLAKE2b-256(key = K_1, "scoperun-audit-log-id-v1"), its
 * first 16 bytes. */
void audit_log_id(unsigned char id[16], const unsigned char k1[SR_AUDIT_HASH_BYTES]);
int audit_side_path(char *buf, size_t size, const char *path,
    const char *suffix);
void audit_record_prefix(sr_jsonw *w, const sr_audit_event *ev, uint64_t seq,
    const unsigned char prev[SR_AUDIT_HASH_BYTES]);

/* Split a line (without its newline) into its seal fields; -1 when its
 * shape is not that of a record. */
int audit_line_parse(struct audit_line *out, const char *line, size_t len);
/* 0 read, 1 no head file, -1 error (err set). */
int audit_head_read(struct audit_head *h, const char *path, sr_err *err);
/* The head file's text (NUL-terminated) into h; 0, or -1 when damaged. */
int audit_head_parse(struct audit_head *h, const char *buf);
int audit_head_write(const struct audit_head *h, const char *path,
    sr_err *err);

/* ---- audit_checkpoint.c: the signing key beside the log ----------- */

/* A new signing key for the log id (replacing one left by a removed
 * log when replace is set). */
int audit_sign_create(const char *path, const unsigned char log[16],
    int replace, sr_err *err);
/* Sign a checkpoint of h and append it to path.checkpoints; *text (may be
 * NULL) gets the note. A missing key is made first. */
int audit_checkpoint_append(char **text, const struct audit_head *h,
    const char *path, sr_err *err);

/* Checkpoints (as path.checkpoints holds them) signed with pk's key,
 * each signature found and kept but not checked (cps[i].unchecked). */
int audit_checkpoints_parse_lazy(sr_audit_checkpoint **cps, size_t *n,
    const char *text, size_t len, const unsigned char pk[32], sr_err *err);
/* 1 when c->sig is pk's signature of c's text. */
int audit_checkpoint_sig_ok(const sr_audit_checkpoint *c,
    const unsigned char pk[32]);
/* The checkpoints' key: vkey ("scoperun+HEX8+BASE64") when given, else
 * path.sign's public key and the log id it was made for (*have_log). */
int audit_checkpoint_key(unsigned char pk[32], unsigned char log[16],
    int *have_log, const char *path, const char *vkey, sr_err *err);

/* ---- audit_rotate.c: the rotated set ------------------------------ */

uint64_t audit_rotate_limit(void);
/* Rename path to path.1 (older ones shifted), start an empty path, write
 * the head (size 0) and a checkpoint. Under the lock. */
int audit_rotate(struct audit_head *h, const char *path, sr_err *err);
/* The head's file was rotated but the head not updated (a crash): 1 when
 * path.1 ends where the head says (the head is fixed), else 0. */
int audit_rotate_resume(struct audit_head *h, const char *path,
    uint64_t size);

/* ---- audit_walk.c: records in batches, hashed by a second thread -- */

struct audit_rec {
	const char *line;	/* without its newline */
	size_t len;
	int torn;		/* no newline: the end of a file */
	int parsed;		/* l holds its seal fields */
	struct audit_line l;
	unsigned char hash[SR_AUDIT_HASH_BYTES];	/* of l.prefix */
	unsigned long lineno;
	size_t file;		/* index into the walk's files */
};

struct audit_walk;
/* Walk fds[i] (read up to sizes[i] bytes; fd -1 is an empty file) in
 * order; names are for messages. */
int audit_walk_open(struct audit_walk **out, const int *fds,
    const uint64_t *sizes, size_t n, sr_err *err);
/* 1 and the next record with the seq of the one after it (0: none), 0 at
 * the end, -1 on a read error. */
int audit_walk_next(struct audit_walk *w, const struct audit_rec **rec,
    uint64_t *next, sr_err *err);
void audit_walk_close(struct audit_walk *w);
uint64_t audit_peek_seq(const char *line, size_t len);

/* ---- audit_reset.c ------------------------------------------------ */

/* 1 when an earlier log left state at path that a new log must not be
 * started over (what says which, for a message), else 0. */
int audit_old_state(char *what, size_t size, const char *path);
/* sr_audit_append with the lock held; log (may be NULL) gets the log's
 * id. */
int audit_append_locked(const char *path, const sr_audit_event *ev,
    unsigned char log[16], sr_err *err);

/* ---- audit_syslog.c ---------------------------------------------- */

/* Send the record (line without its newline) to syslog when forward is
 * set or the settings say so (settings.h); best effort, one note on stderr at
 * most per process. */
void audit_syslog_forward(int forward, const char *event, const char *line,
    size_t len, uint64_t seq, const unsigned char hash[SR_AUDIT_HASH_BYTES]);

#endif
