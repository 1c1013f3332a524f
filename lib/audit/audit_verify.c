/*
 * audit_verify.c - checking an audit log record by record.
 *
 * No JSON parsing is needed: the hash covers every byte before the seal,
 * so any change shows as a hash mismatch, and the seal sits at a fixed
 * place at the end of the line. The first bad record is reported with
 * what is wrong with it; nothing after it is trusted.
 *
 * A rotated log is walked as one: path.N .. path.1, then path. The files,
 * their sizes and the head are taken together under the appenders' lock
 * (when there is one), so an append or a rotation during the walk is
 * neither half seen nor taken for a truncation. Checkpoints kept
 * elsewhere are held up to the records they name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_impl.h"
#include "file.h"
#include "secalloc.h"

struct walk {
	sr_audit_verdict *v;
	unsigned char *key;		/* K_seq, sodium memory; NULL: no MACs */
	uint64_t last;
	unsigned char last_hash[SR_AUDIT_HASH_BYTES];
	unsigned char before_last[SR_AUDIT_HASH_BYTES];	/* its prev */
	uint64_t end;			/* bytes of the good records */
	uint64_t before_end;		/* ... but the last */
	size_t file;			/* the file they are in */
	size_t at;			/* the file being checked */
	char **paths;
	size_t nfiles;
	const sr_audit_checkpoint *cps;	/* sorted by size */
	size_t ncps, ci;
	unsigned char cpk[32];		/* their key, for the unchecked ones */
	unsigned char log[16];		/* the log's id, when known */
	int log_known;
	/* where the head says the log ends, if records follow it there
	 * (appenders killed between their append and the head's update) */
	uint64_t head_seq;
	int marked;
	unsigned char mark_hash[SR_AUDIT_HASH_BYTES];
	unsigned char *mark_key;	/* K_head_seq+1, with w->key */
	uint64_t mark_end;
	size_t mark_file;
};

/* The files, their sizes and the head, taken at one instant: the head
 * is opened then and read (from that inode, whatever replaced it since)
 * only when the walk gets to it. */
struct snap {
	char **paths;
	size_t n;
	int *fd;
	uint64_t *size;
	int head_fd;			/* -1: no head */
	char head_path[SR_ERR_PATH_MAX];
	struct audit_head *head;	/* sodium memory, once read */
	char *cp_text;			/* path.checkpoints, read with them */
	size_t cp_len;
};

static int __attribute__((format(printf, 4, 5)))
bad(struct walk *w, uint64_t seq, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	w->v->bad_seq = seq ? seq : w->last + 1;
	w->v->bad_line = line;
	if (w->nfiles > 0)
		snprintf(w->v->bad_path, sizeof(w->v->bad_path), "%s",
		    w->paths[line ? w->at : w->nfiles - 1]);
	va_start(ap, fmt);
	vsnprintf(w->v->why, sizeof(w->v->why), fmt, ap);
	va_end(ap);
	return 1;
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

/* A checkpoint that disagrees with the log: forged, or the log changed.
 * Its signature tells, when it was not checked on reading. */
static int
forged(const struct walk *w, const sr_audit_checkpoint *c)
{
	return c->unchecked && !audit_checkpoint_sig_ok(c, w->cpk);
}

/* The checkpoints at this record's seq must name this log and its hash. */
static int
check_cps(struct walk *w, uint64_t seq, unsigned long lineno)
{
	const sr_audit_checkpoint *c;

	for (; w->ci < w->ncps && w->cps[w->ci].size <= seq; w->ci++) {
		c = &w->cps[w->ci];
		if ((memcmp(c->hash, w->last_hash, SR_AUDIT_HASH_BYTES) != 0 ||
		    (w->log_known && memcmp(c->log, w->log, 16) != 0)) &&
		    forged(w, c))
			return bad(w, seq, lineno, "forged checkpoint: the one "
			    "for record %llu beside the log is not signed by "
			    "its key", (unsigned long long)seq);
		if (w->log_known && memcmp(c->log, w->log, 16) != 0)
			return bad(w, seq, lineno, "rewritten or replaced: a "
			    "checkpoint for record %llu names another log",
			    (unsigned long long)seq);
		if (memcmp(c->hash, w->last_hash, SR_AUDIT_HASH_BYTES) != 0)
			return bad(w, seq, lineno, "rewritten: a checkpoint "
			    "signed record %llu with another hash: the log "
			    "was rewritten up to here", (unsigned long long)seq);
		w->v->checkpoints++;
		w->v->checkpoint_last = c->size;
	}
	return 0;
}

/* One record; 0 good, 1 bad. */
static int
check_line(struct walk *w, const struct audit_rec *r, uint64_t next)
{
	const struct audit_line *l = &r->l;
	unsigned char mac[SR_AUDIT_HASH_BYTES];

	w->at = r->file;
	if (r->torn)
		return bad(w, 0, r->lineno, "torn: the last record is "
		    "incomplete (a crash while appending?)");
	if (!r->parsed)
		return bad(w, 0, r->lineno, "changed: not a sealed record");
	if (memcmp(r->hash, l->hash, sizeof(mac)) != 0)
		return bad(w, 0, r->lineno, "changed: its hash does not match "
		    "its contents");
	if (l->seq != w->last + 1)
		return bad_order(w, l->seq, next, r->lineno);
	if (memcmp(l->prev, w->last_hash, sizeof(mac)) != 0)
		return bad(w, l->seq, r->lineno, "inserted or replaced: it does "
		    "not chain to record %llu", (unsigned long long)w->last);
	if (w->key != NULL) {
		audit_mac(mac, w->key, l->seq, r->hash);
		if (crypto_verify_32(mac, l->mac) != 0)
			return bad(w, l->seq, r->lineno, "bad MAC: it was not "
			    "sealed by this log's key (forged or resealed)");
		audit_evolve(w->key);
	}
	if (r->file != w->file) {	/* the first record of a file */
		/* a head at the old file's last record, after a rotation,
		 * says size 0: it is at the start of this one */
		if (w->marked && w->mark_file == w->file &&
		    w->mark_end == w->end) {
			w->mark_file = r->file;
			w->mark_end = 0;
		}
		w->file = r->file;
		w->end = 0;
	}
	w->last = l->seq;
	memcpy(w->before_last, w->last_hash, sizeof(mac));
	memcpy(w->last_hash, r->hash, sizeof(mac));
	w->before_end = w->end;
	w->end += r->len + 1;
	w->v->records++;
	if (w->head_seq != 0 && l->seq == w->head_seq) {
		w->marked = 1;
		memcpy(w->mark_hash, r->hash, sizeof(mac));
		if (w->key != NULL)	/* evolved past l->seq: K_seq+1 */
			memcpy(w->mark_key, w->key, SR_AUDIT_HASH_BYTES);
		w->mark_end = w->end;
		w->mark_file = w->file;
	}
	return w->ncps > w->ci ? check_cps(w, l->seq, r->lineno) : 0;
}

/* The head and the log disagree on how much there is (seq: where). */
static int
truncated(struct walk *w, uint64_t seq, const struct audit_head *h)
{
	return bad(w, seq, 0, "truncated or head altered: the head says %llu "
	    "records in %llu bytes, the file has %llu in %llu",
	    (unsigned long long)h->seq, (unsigned long long)h->size,
	    (unsigned long long)w->last, (unsigned long long)w->end);
}

/*
 * The head behind the last records: appenders killed between their
 * append and their head update (or an older head back after a power
 * loss). Accepted only as the next append would take them in: the head
 * names a record of the current file where it ends, with that record's
 * key, and no more than AUDIT_BEHIND_MAX bytes follow it. A head made up
 * for a log cut short has no way to the key (checked with the initial
 * key), and one far behind is no crash's.
 */
static int
check_behind(struct walk *w, const struct audit_head *h)
{
	if (w->mark_file != w->nfiles - 1 || h->size != w->mark_end ||
	    memcmp(h->hash, w->mark_hash, sizeof(h->hash)) != 0)
		return truncated(w, h->seq + 1, h);
	if (w->key != NULL && sodium_memcmp(h->key, w->mark_key,
	    sizeof(h->key)) != 0)
		return bad(w, h->seq + 1, 0, "head altered: it says %llu "
		    "records, but its key is not that of record %llu's "
		    "successor from the initial key (a head made up for a log "
		    "cut short?)", (unsigned long long)h->seq,
		    (unsigned long long)h->seq + 1);
	if (w->end - h->size > AUDIT_BEHIND_MAX)
		return bad(w, h->seq + 1, 0, "head altered: it is %llu bytes "
		    "behind the log's end, more than an append takes in "
		    "after a crash (%llu)", (unsigned long long)(w->end -
		    h->size), (unsigned long long)AUDIT_BEHIND_MAX);
	w->v->head_behind = (int)(w->last - h->seq);
	return 0;
}

/* The head must describe the last record: a shorter log was truncated. */
static int
check_head(struct walk *w, const struct audit_head *h)
{
	/* the head's size is that of the current file; when it holds no
	 * record yet, that is 0, or, after a rotation whose head update was
	 * lost (audit_rotate_resume), still the size of the file before */
	if (w->file != w->nfiles - 1 && !(w->nfiles > 1 &&
	    w->file == w->nfiles - 2 && h->size == w->end && h->size != 0))
		w->end = w->before_end = 0;
	w->v->head_checked = 1;
	if (w->log_known && memcmp(h->log, w->log, sizeof(h->log)) != 0)
		return bad(w, w->last + 1, 0, "the head is of another log "
		    "than the initial key's");
	if (h->seq < w->last && w->marked)
		return check_behind(w, h);
	if (h->seq != w->last || memcmp(h->hash, w->last_hash,
	    sizeof(h->hash)) != 0 || h->size != w->end)
		return truncated(w, w->last + 1, h);
	if (w->key != NULL && sodium_memcmp(h->key, w->key,
	    sizeof(h->key)) != 0)
		return bad(w, w->last + 1, 0, "the head's key does not follow "
		    "from the initial key");
	return 0;
}

/* A checkpoint beyond the log's end: records were cut off. */
static int
check_end(struct walk *w)
{
	const sr_audit_checkpoint *c;

	if (w->ci >= w->ncps)
		return 0;
	c = &w->cps[w->ncps - 1];
	if (forged(w, c))
		return bad(w, w->last + 1, 0, "forged checkpoint: the one for "
		    "record %llu beside the log is not signed by its key",
		    (unsigned long long)c->size);
	if (w->log_known && memcmp(c->log, w->log, 16) != 0)
		return bad(w, w->last + 1, 0, "a checkpoint is of another log "
		    "(or of this log before its head was lost)");
	return bad(w, w->last + 1, 0, "truncated: a checkpoint says the log "
	    "had %llu records, it has %llu", (unsigned long long)c->size,
	    (unsigned long long)w->last);
}

/* ---- the snapshot ------------------------------------------------- */

static void
snap_free(struct snap *s)
{
	size_t i;

	for (i = 0; s->fd != NULL && i < s->n; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	free(s->fd);
	free(s->size);
	if (s->head_fd >= 0)
		close(s->head_fd);
	sr_audit_files_free(s->paths, s->n);
	if (s->head != NULL)
		sr_secalloc_free(s->head);
	free(s->cp_text);
}

/* Open every file; the current one may be missing after a rotation. */
static int
snap_open(struct snap *s, sr_err *err)
{
	struct stat st;
	size_t i;

	for (i = 0; i < s->n; i++) {
		s->fd[i] = open(s->paths[i], O_RDONLY | O_CLOEXEC);
		if (s->fd[i] < 0 && errno == ENOENT && i == s->n - 1 && i > 0)
			continue;
		if (s->fd[i] < 0)
			return sr_err_set(err, errno == ENOENT ?
			    SR_ERR_NOTFOUND : SR_ERR_SYSTEM, s->paths[i], 0,
			    "cannot open %s: %s", s->paths[i], strerror(errno));
		if (fstat(s->fd[i], &st) != 0 || !S_ISREG(st.st_mode))
			return sr_err_set(err, SR_ERR_SYSTEM, s->paths[i], 0,
			    "%s is not a regular file", s->paths[i]);
		s->size[i] = (uint64_t)st.st_size;
	}
	return 0;
}

/* path.checkpoints as it is with the files: a checkpoint appended after
 * them would name records the walk does not see. Absent: none. */
static int
snap_checkpoints(struct snap *s, const char *path, sr_err *err)
{
	char cp[SR_ERR_PATH_MAX];

	if (audit_side_path(cp, sizeof(cp), path, ".checkpoints") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (sr_file_read_strict(&s->cp_text, &s->cp_len, cp, 1u << 30, 0,
	    err) == 0)
		return 0;
	s->cp_text = NULL;
	if (err->kind != SR_ERR_NOTFOUND)
		return -1;
	sr_err_clear(err);
	return 0;
}

static int
snap_take(struct snap *s, const char *path, int checkpoints, sr_err *err)
{
	char lp[SR_ERR_PATH_MAX];
	int lock = -1, rc = -1;

	memset(s, 0, sizeof(*s));
	s->head_fd = -1;
	/* an existing lock only: verifying a copy creates nothing */
	if (audit_side_path(lp, sizeof(lp), path, ".lock") == 0 &&
	    (lock = open(lp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0)
		while (flock(lock, LOCK_SH) != 0 && errno == EINTR)
			;
	if (sr_audit_files(&s->paths, &s->n, path, err) != 0)
		goto done;
	if ((s->fd = calloc(s->n, sizeof(*s->fd))) == NULL ||
	    (s->size = calloc(s->n, sizeof(*s->size))) == NULL) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
		goto done;
	}
	memset(s->fd, -1, s->n * sizeof(*s->fd));
	if (snap_open(s, err) != 0 || audit_side_path(s->head_path,
	    sizeof(s->head_path), path, ".head") != 0)
		goto done;
	s->head_fd = open(s->head_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (s->head_fd < 0 && errno != ENOENT) {
		sr_err_set(err, SR_ERR_SYSTEM, s->head_path, 0, "cannot open "
		    "%s: %s", s->head_path, strerror(errno));
		goto done;
	}
	if (checkpoints && snap_checkpoints(s, path, err) != 0)
		goto done;
	rc = 0;
done:
	if (lock >= 0)
		close(lock);
	return rc;
}

/* The head from the snapshot's descriptor: private, small, well formed. */
static int
snap_head(struct snap *s, sr_err *err)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n = -1;
	int rc = -1;

	if (fstat(s->head_fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    sr_file_check_mode(s->head_path, st.st_mode, st.st_uid, 077,
	    "audit head", err) != 0 || st.st_size > 4096) {
		if (err->msg[0] == '\0')
			sr_err_set(err, SR_ERR_CONFIG, s->head_path, 0, "the "
			    "audit head %s is not a small regular file",
			    s->head_path);
		return -1;
	}
	if ((s->head = sr_secalloc_alloc(sizeof(*s->head))) == NULL ||
	    (buf = sr_secalloc_alloc((size_t)st.st_size + 1)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, s->head_path, 0,
		    "out of memory");
	do {
		n = pread(s->head_fd, buf, (size_t)st.st_size, 0);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)st.st_size) {
		buf[n] = '\0';
		rc = audit_head_parse(s->head, buf);
	}
	sr_secalloc_free(buf);
	if (rc != 0) {
		sr_secalloc_free(s->head);
		s->head = NULL;
		return sr_err_set(err, SR_ERR_CONFIG, s->head_path, 0, "the "
		    "audit head file %s is damaged", s->head_path);
	}
	return 0;
}

/* ---- the walk ----------------------------------------------------- */

static int
walk_all(struct walk *w, const struct snap *s, sr_err *err)
{
	struct audit_walk *aw;
	const struct audit_rec *r;
	uint64_t next;
	int rc;

	if (audit_walk_open(&aw, s->fd, s->size, s->n, err) != 0) {
		audit_walk_close(aw);
		return -1;
	}
	while ((rc = audit_walk_next(aw, &r, &next, err)) == 1)
		if ((rc = check_line(w, r, next)) != 0)
			break;
	audit_walk_close(aw);
	return rc;
}

/*
 * The checkpoints beside the log, with the key given or the one beside
 * it (which must be this log's). Whatever keeps them from being used is
 * a finding, said in why: they were made with the log, so a missing key
 * or a damaged file is a change to it. 0, or -1 on an error.
 */
static int
local_cps(sr_audit_checkpoint **cps, size_t *n, struct walk *w,
    const struct snap *s, const char *path, const char *pubkey, char *why,
    size_t size, sr_err *err)
{
	unsigned char slog[16];
	int have_log;

	*cps = NULL;
	*n = 0;
	if (s->cp_text == NULL || s->cp_len == 0)
		return 0;
	if (audit_checkpoint_key(w->cpk, slog, &have_log, path, pubkey,
	    err) != 0) {
		if (err->kind == SR_ERR_USAGE || err->kind == SR_ERR_SYSTEM)
			return -1;
		snprintf(why, size, "the checkpoints beside the log cannot be "
		    "checked: %.200s (give --pubkey)", err->msg);
		sr_err_clear(err);
		return 0;
	}
	if (have_log && w->log_known && memcmp(slog, w->log, 16) != 0) {
		snprintf(why, size, "the signing key beside the log (.sign) is "
		    "of another log");
		return 0;
	}
	if (audit_checkpoints_parse_lazy(cps, n, s->cp_text, s->cp_len, w->cpk,
	    err) != 0) {
		if (err->kind == SR_ERR_SYSTEM)
			return -1;
		snprintf(why, size, "the checkpoints beside the log: %.200s",
		    err->msg);
		sr_err_clear(err);
	}
	return 0;
}

/* The log's id, to hold the head and the checkpoints to: from K_1 when
 * given (the head's could be anyone's), else the head's. */
static void
known_log(struct walk *w, const struct snap *s, const unsigned char *key0)
{
	if (key0 != NULL) {
		audit_log_id(w->log, key0);
		w->log_known = 1;
	} else if (s->head != NULL) {
		memcpy(w->log, s->head->log, sizeof(w->log));
		w->log_known = 1;
	}
}

/* After the walk: the head, or its absence; checkpoints past the end. */
static int
check_tail(struct walk *w, const struct snap *s, const sr_audit_verify_opts *o)
{
	int rc = 0;

	if (s->head != NULL)
		rc = check_head(w, s->head);
	if (rc == 0)
		rc = check_end(w);
	if (rc == 0 && s->head == NULL && !o->no_head)
		rc = bad(w, w->last + 1, 0, "no head: %s is missing, so records "
		    "cut off the end would not show (give --no-head for a "
		    "log kept without one)", s->head_path);
	if (rc == 0 && s->head == NULL)
		w->v->head_missing = 1;
	return rc;
}

static int
key_copy(unsigned char **out, const unsigned char *key0, sr_err *err)
{
	*out = NULL;
	if (key0 == NULL)
		return 0;
	if ((*out = sr_secalloc_alloc(SR_AUDIT_HASH_BYTES)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	memcpy(*out, key0, SR_AUDIT_HASH_BYTES);
	return 0;
}

int
sr_audit_verify_with(sr_audit_verdict *v, const char *path,
    const sr_audit_verify_opts *o, sr_err *err)
{
	struct walk w;
	struct snap s;
	sr_audit_checkpoint *lcps = NULL;
	char why[SR_ERR_MSG_MAX] = "";
	size_t i;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	memset(&w, 0, sizeof(w));
	w.v = v;
	w.cps = o->cps;
	w.ncps = o->ncps;
	if (sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "libsodium");
	if (snap_take(&s, path, o->local_checkpoints && o->cps == NULL,
	    err) != 0)
		goto done;
	w.paths = s.paths;
	w.nfiles = s.n;
	for (i = 0; i < s.n; i++)
		v->files += s.fd[i] >= 0;
	if (key_copy(&w.key, o->key0, err) != 0 ||
	    key_copy(&w.mark_key, o->key0, err) != 0)
		goto done;
	v->macs_checked = o->key0 != NULL;
	if (s.head_fd >= 0 && snap_head(&s, err) != 0)
		goto done;
	if (s.head != NULL)
		w.head_seq = s.head->seq;
	known_log(&w, &s, o->key0);
	if (o->cps == NULL && local_cps(&lcps, &w.ncps, &w, &s, path,
	    o->pubkey, why, sizeof(why), err) != 0)
		goto done;
	if (lcps != NULL) {
		w.cps = lcps;
		v->checkpoints_local = 1;
	}
	rc = walk_all(&w, &s, err);
	if (rc == 0)
		rc = check_tail(&w, &s, o);
	if (rc == 0 && why[0] != '\0')
		rc = bad(&w, w.last + 1, 0, "%s", why);
done:
	if (w.key)
		sr_secalloc_free(w.key);
	if (w.mark_key)
		sr_secalloc_free(w.mark_key);
	free(lcps);
	snap_free(&s);
	return rc;
}

int
sr_audit_verify(sr_audit_verdict *v, const char *path,
    const unsigned char *key0, sr_err *err)
{
	sr_audit_verify_opts o = SR_AUDIT_VERIFY_OPTS_INIT;

	o.key0 = key0;
	return sr_audit_verify_with(v, path, &o, err);
}
