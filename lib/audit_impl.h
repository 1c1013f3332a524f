/*
 * audit_impl.h - what audit.c and audit_verify.c share: the seal, the
 * head file and the fixed layout of a record's end.
 */
#ifndef SR_AUDIT_IMPL_H
#define SR_AUDIT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "jsonw.h"

#define AUDIT_HASH_TAG "scoperun-audit-v1\n"
#define AUDIT_MAC_TAG "scoperun-audit-mac-v1"
#define AUDIT_EVOLVE_TAG "scoperun-audit-evolve-v1"
#define AUDIT_HEAD_MAGIC "scoperun-audit-head 1"
/* ,"hash":"<64>","mac":"<64>"} */
#define AUDIT_TAIL_LEN (9 + 64 + 9 + 64 + 2)
/* ,"prev":"<64>" */
#define AUDIT_PREV_LEN (9 + 64 + 1)

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
int audit_side_path(char *buf, size_t size, const char *path,
    const char *suffix);
void audit_record_prefix(sr_jsonw *w, const sr_audit_event *ev, uint64_t seq,
    const unsigned char prev[SR_AUDIT_HASH_BYTES]);

/* Split a line (without its newline) into its seal fields; -1 when its
 * shape is not that of a record. */
int audit_line_parse(struct audit_line *out, const char *line, size_t len);
/* 0 read, 1 no head file, -1 error (err set). */
int audit_head_read(struct audit_head *h, const char *path, sr_err *err);
int audit_hex_decode(unsigned char *out, size_t n, const char *hex);

#endif
