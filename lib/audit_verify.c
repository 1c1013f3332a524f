/*
 * audit_verify.c - checking an audit log record by record.
 *
 * No JSON parsing is needed: the hash covers every byte before the seal,
 * so any change shows as a hash mismatch, and the seal sits at a fixed
 * place at the end of the line. The first bad record is reported with
 * what is wrong with it; nothing after it is trusted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit_impl.h"

struct walk {
	sr_audit_verdict *v;
	unsigned char *key;		/* K_seq, sodium memory; NULL: no MACs */
	uint64_t last;
	unsigned char last_hash[SR_AUDIT_HASH_BYTES];
	unsigned char before_last[SR_AUDIT_HASH_BYTES];	/* its prev */
	uint64_t end;			/* bytes of the good records */
	uint64_t before_end;		/* ... but the last */
};

static int __attribute__((format(printf, 4, 5)))
bad(struct walk *w, uint64_t seq, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	w->v->bad_seq = seq ? seq : w->last + 1;
	w->v->bad_line = line;
	va_start(ap, fmt);
	vsnprintf(w->v->why, sizeof(w->v->why), fmt, ap);
	va_end(ap);
	return 1;
}

/* The seq a line starts with, or 0 when it has none. */
static uint64_t
peek_seq(const char *line, size_t len)
{
	uint64_t seq = 0;
	size_t i;

	if (len < 8 || memcmp(line, "{\"seq\":", 7) != 0)
		return 0;
	for (i = 7; i < len && i < 27 && line[i] >= '0' && line[i] <= '9'; i++)
		seq = seq * 10 + (uint64_t)(line[i] - '0');
	return seq;
}

/*
 * A record whose seq is not the one expected (E): the line after it tells
 * a swap, an insertion and a deletion apart. next is that line's seq (0 at
 * the end of the log).
 */
static int
bad_order(struct walk *w, uint64_t seq, uint64_t next, unsigned long lineno)
{
	uint64_t e = w->last + 1;

	if (seq == w->last && w->last != 0)
		return bad(w, seq, lineno, "duplicated: record %llu appears "
		    "twice", (unsigned long long)seq);
	if (next == e && seq == e + 1)
		return bad(w, seq, lineno, "reordered: records %llu and %llu "
		    "are swapped", (unsigned long long)e,
		    (unsigned long long)seq);
	if (next == e)
		return bad(w, seq, lineno, "inserted: record %llu does not "
		    "belong after record %llu", (unsigned long long)seq,
		    (unsigned long long)w->last);
	if (seq > e && (next == 0 || next == seq + 1))
		return bad(w, e, lineno, seq == e + 1 ? "deleted: record %llu "
		    "is missing" : "deleted: records %llu to %llu are missing",
		    (unsigned long long)e, (unsigned long long)seq - 1);
	return bad(w, seq, lineno, "reordered: record %llu is where record "
	    "%llu should be", (unsigned long long)seq, (unsigned long long)e);
}

/* One line (without its newline); 0 good, 1 bad. */
static int
check_line(struct walk *w, const char *line, size_t len, uint64_t next,
    unsigned long lineno)
{
	struct audit_line l;
	unsigned char hash[SR_AUDIT_HASH_BYTES], mac[SR_AUDIT_HASH_BYTES];

	if (audit_line_parse(&l, line, len) != 0)
		return bad(w, 0, lineno, "changed: not a sealed record");
	audit_hash(hash, l.prefix, l.prefix_len);
	if (memcmp(hash, l.hash, sizeof(hash)) != 0)
		return bad(w, 0, lineno, "changed: its hash does not match "
		    "its contents");
	if (l.seq != w->last + 1)
		return bad_order(w, l.seq, next, lineno);
	if (memcmp(l.prev, w->last_hash, sizeof(hash)) != 0)
		return bad(w, l.seq, lineno, "inserted or replaced: it does "
		    "not chain to record %llu", (unsigned long long)w->last);
	if (w->key != NULL) {
		audit_mac(mac, w->key, l.seq, hash);
		if (sodium_memcmp(mac, l.mac, sizeof(mac)) != 0)
			return bad(w, l.seq, lineno, "bad MAC: it was not "
			    "sealed by this log's key (forged or resealed)");
		audit_evolve(w->key);
	}
	w->last = l.seq;
	memcpy(w->before_last, w->last_hash, sizeof(hash));
	memcpy(w->last_hash, hash, sizeof(hash));
	w->before_end = w->end;
	w->end += len + 1;
	w->v->records++;
	return 0;
}

/* Lines are checked with the next one in hand, for bad_order. */
static int
walk_file(struct walk *w, FILE *f, sr_err *err, const char *path)
{
	char *line[2] = { NULL, NULL };
	size_t cap[2] = { 0, 0 };
	ssize_t n[2];
	unsigned long lineno = 0;
	int cur = 0, rc = 0;

	n[cur] = getline(&line[cur], &cap[cur], f);
	while (rc == 0 && n[cur] > 0) {
		int nx = !cur;
		lineno++;
		n[nx] = getline(&line[nx], &cap[nx], f);
		if (line[cur][n[cur] - 1] != '\n')
			rc = bad(w, 0, lineno, "torn: the last record is "
			    "incomplete (a crash while appending?)");
		else
			rc = check_line(w, line[cur], (size_t)n[cur] - 1,
			    n[nx] > 0 ? peek_seq(line[nx], (size_t)n[nx]) : 0,
			    lineno);
		cur = nx;
	}
	if (rc == 0 && ferror(f))
		rc = sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot read %s: "
		    "%s", path, strerror(errno));
	free(line[0]);
	free(line[1]);
	return rc;
}

/* The head must describe the last record: a shorter log was truncated. */
static int
check_head(struct walk *w, const char *path, sr_err *err)
{
	struct audit_head *h = sodium_malloc(sizeof(*h));
	int rc;

	if (h == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	rc = audit_head_read(h, path, err);
	if (rc == 1) {
		sr_err_clear(err);
		rc = 0;		/* no head: nothing to compare with */
	} else if (rc == 0) {
		w->v->head_checked = 1;
		/* a crash between the append and the head's update leaves
		 * one record the head does not know yet: the next append
		 * takes it in */
		if (h->seq + 1 == w->last && memcmp(h->hash, w->before_last,
		    sizeof(h->hash)) == 0 && h->size == w->before_end)
			w->v->head_behind = 1;
		else if (h->seq != w->last || memcmp(h->hash, w->last_hash,
		    sizeof(h->hash)) != 0 || h->size != w->end)
			rc = bad(w, w->last + 1, 0, "truncated or head "
			    "altered: the head says %llu records in %llu "
			    "bytes, the file has %llu in %llu",
			    (unsigned long long)h->seq,
			    (unsigned long long)h->size,
			    (unsigned long long)w->last,
			    (unsigned long long)w->end);
		else if (w->key != NULL && !w->v->head_behind &&
		    sodium_memcmp(h->key, w->key, sizeof(h->key)) != 0)
			rc = bad(w, w->last + 1, 0, "the head's key does not "
			    "follow from the initial key");
	}
	sodium_free(h);
	return rc;
}

int
sr_audit_verify(sr_audit_verdict *v, const char *path,
    const unsigned char *key0, sr_err *err)
{
	struct walk w;
	FILE *f;
	int rc;

	memset(v, 0, sizeof(*v));
	memset(&w, 0, sizeof(w));
	w.v = v;
	if (sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "libsodium");
	if ((f = fopen(path, "re")) == NULL)
		return sr_err_set(err, errno == ENOENT ? SR_ERR_NOTFOUND :
		    SR_ERR_SYSTEM, path, 0, "cannot open %s: %s", path,
		    strerror(errno));
	if (key0 != NULL) {
		if ((w.key = sodium_malloc(SR_AUDIT_HASH_BYTES)) == NULL) {
			fclose(f);
			return sr_err_set(err, SR_ERR_SYSTEM, path, 0,
			    "out of memory");
		}
		memcpy(w.key, key0, SR_AUDIT_HASH_BYTES);
		v->macs_checked = 1;
	}
	rc = walk_file(&w, f, err, path);
	fclose(f);
	if (rc == 0)
		rc = check_head(&w, path, err);
	if (w.key)
		sodium_free(w.key);
	return rc;
}
