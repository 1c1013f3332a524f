/*
 * audit_walk.c - the records of a log's files, in order, in batches.
 *
 * Verify's cost is BLAKE2b: per record one hash over its bytes (about
 * five compressions) and, with the key, a MAC and a key evolution (four,
 * sequential by construction). The first needs nothing from the records
 * before, so a second thread computes it for the next batch while the
 * caller checks the chain and the seals of this one: records are read
 * with large reads into a batch buffer and split in place (no copy per
 * line), the worker parses each line's seal fields and hashes it, the
 * caller gets them in order.
 *
 * The worker only reads the batch's bytes and writes its records' parse
 * results; the caller only touches a batch the worker is done with.
 * Small logs are walked in one thread: a thread costs more than it saves.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_impl.h"

#define CHUNK (1u << 20)		/* a read, when threaded */
#define SMALL_CHUNK (16u << 10)	/* ... when not: a walk may stop early */
#define MAX_RECS 8192
#define THREAD_MIN (4u << 20)

enum { B_EMPTY, B_QUEUED, B_DONE };

struct batch {
	char *buf;
	size_t cap, len;
	struct audit_rec *recs;
	size_t n, nrecs;		/* used, allocated */
	int state;
};

struct audit_walk {
	int *fd;
	uint64_t *left;			/* bytes still to read per file */
	size_t nfiles, cur;
	unsigned long lineno;
	char *carry;			/* a line begun in the last read */
	size_t ncarry, carrycap;
	struct batch b[2];
	int bi;				/* the batch handed out */
	size_t ri;			/* its next record */
	int threaded, quit, sync;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

uint64_t
audit_peek_seq(const char *line, size_t len)
{
	uint64_t seq = 0;
	size_t i;

	if (len < 8 || memcmp(line, "{\"seq\":", 7) != 0)
		return 0;
	for (i = 7; i < len && i < 7 + AUDIT_SEQ_DIGITS && line[i] >= '0' &&
	    line[i] <= '9'; i++)
		seq = seq * 10 + (uint64_t)(line[i] - '0');
	return seq;
}

static void
hash_one(struct audit_rec *r)
{
	r->parsed = !r->torn && audit_line_parse(&r->l, r->line, r->len) == 0;
	if (r->parsed)
		audit_hash(r->hash, r->l.prefix, r->l.prefix_len);
}

static void
hash_batch(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		hash_one(&b->recs[i]);
}

static void *
worker(void *arg)
{
	struct audit_walk *w = arg;
	int wi = 0;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->quit && w->b[wi].state != B_QUEUED)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->quit)
			break;
		pthread_mutex_unlock(&w->mu);
		hash_batch(&w->b[wi]);
		pthread_mutex_lock(&w->mu);
		w->b[wi].state = B_DONE;
		pthread_cond_broadcast(&w->cv);
		wi = !wi;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void
submit(struct audit_walk *w, struct batch *b)
{
	if (!w->threaded) {
		b->state = B_QUEUED;
		return;
	}
	pthread_mutex_lock(&w->mu);
	b->state = B_QUEUED;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void
await(struct audit_walk *w, struct batch *b)
{
	if (!w->threaded) {	/* hashed one by one as handed out */
		b->state = B_DONE;
		return;
	}
	pthread_mutex_lock(&w->mu);
	while (b->state != B_DONE)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static int
grow(char **p, size_t *cap, size_t want)
{
	char *q;

	if (*cap >= want)
		return 0;
	if ((q = realloc(*p, want)) == NULL)
		return -1;
	*p = q;
	*cap = want;
	return 0;
}

static int
add_rec(struct audit_walk *w, struct batch *b, const char *line, size_t len,
    int torn)
{
	struct audit_rec *r;
	size_t cap;

	if (b->n == b->nrecs) {
		cap = b->nrecs ? 2 * b->nrecs : 64;
		if ((r = realloc(b->recs, cap * sizeof(*r))) == NULL)
			return -1;
		b->recs = r;
		b->nrecs = cap;
	}
	r = &b->recs[b->n++];

	r->line = line;
	r->len = len;
	r->torn = torn;
	r->parsed = 0;
	r->lineno = ++w->lineno;
	r->file = w->cur;
	return 0;
}

/* Read what is left of the current file into b after the carry. */
static int
read_some(struct audit_walk *w, struct batch *b, sr_err *err)
{
	size_t want;
	ssize_t r;

	while (w->left[w->cur] > 0 && b->len < b->cap) {
		want = b->cap - b->len;
		if (want > w->left[w->cur])
			want = (size_t)w->left[w->cur];
		r = read(w->fd[w->cur], b->buf + b->len, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot "
			    "read the audit log: %s", strerror(errno));
		if (r == 0) {
			w->left[w->cur] = 0;	/* shorter than it was */
			break;
		}
		b->len += (size_t)r;
		w->left[w->cur] -= (uint64_t)r;
	}
	return 0;
}

/* Split b into records; what follows the last newline is carried over,
 * or is a torn record at the end of a file. */
static int
split(struct audit_walk *w, struct batch *b)
{
	const char *p = b->buf, *end = b->buf + b->len, *nl;
	size_t rest;

	while (b->n < MAX_RECS && p < end &&
	    (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (add_rec(w, b, p, (size_t)(nl - p), 0) != 0)
			return -1;
		p = nl + 1;
	}
	rest = (size_t)(end - p);
	if (rest > 0 && w->left[w->cur] == 0 && b->n < MAX_RECS &&
	    memchr(p, '\n', rest) == NULL) {
		if (add_rec(w, b, p, rest, 1) != 0)
			return -1;
		rest = 0;
	}
	if (grow(&w->carry, &w->carrycap, rest + 1) != 0)
		return -1;
	if (rest > 0)
		memcpy(w->carry, p, rest);
	w->ncarry = rest;
	if (rest == 0 && w->left[w->cur] == 0) {
		w->cur++;		/* this file is done */
		w->lineno = 0;
	}
	return 0;
}

/* The next batch into b; b->n == 0 at the end of the last file. */
static int
fill(struct audit_walk *w, struct batch *b, sr_err *err)
{
	size_t want, chunk = w->threaded ? CHUNK : SMALL_CHUNK;

	b->n = 0;
	b->len = 0;
	while (b->n == 0 && w->cur < w->nfiles) {
		/* a line longer than the buffer doubles it; a small file
		 * gets a small one */
		want = w->ncarry * 2 > chunk ? w->ncarry * 2 : chunk;
		if (w->ncarry + w->left[w->cur] + 1 < want)
			want = (size_t)(w->ncarry + w->left[w->cur] + 1);
		if (grow(&b->buf, &b->cap, want) != 0)
			goto oom;
		if (w->ncarry > 0)
			memcpy(b->buf, w->carry, w->ncarry);
		b->len = w->ncarry;
		w->ncarry = 0;
		if (read_some(w, b, err) != 0)
			return -1;
		if (split(w, b) != 0)
			goto oom;
	}
	return 0;
oom:
	return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
}

static int
fill_submit(struct audit_walk *w, struct batch *b, sr_err *err)
{
	if (fill(w, b, err) != 0)
		return -1;
	if (b->n > 0)
		submit(w, b);
	return 0;
}

int
audit_walk_open(struct audit_walk **out, const int *fds,
    const uint64_t *sizes, size_t n, sr_err *err)
{
	struct audit_walk *w = calloc(1, sizeof(*w));
	uint64_t total = 0;
	size_t i;

	*out = NULL;
	if (w == NULL || (w->fd = calloc(n, sizeof(*w->fd))) == NULL ||
	    (w->left = calloc(n, sizeof(*w->left))) == NULL) {
		audit_walk_close(w);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	}
	w->nfiles = n;
	for (i = 0; i < n; i++) {
		w->fd[i] = fds[i];
		w->left[i] = fds[i] < 0 ? 0 : sizes[i];
		total += w->left[i];
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->sync = 1;
	/* no thread, no harm: the batches are then hashed in line */
	w->threaded = total >= THREAD_MIN &&
	    pthread_create(&w->th, NULL, worker, w) == 0;
	*out = w;
	if (fill_submit(w, &w->b[0], err) != 0 ||
	    (w->b[0].n > 0 && fill_submit(w, &w->b[1], err) != 0))
		return -1;
	return 0;
}

int
audit_walk_next(struct audit_walk *w, const struct audit_rec **rec,
    uint64_t *next, sr_err *err)
{
	struct batch *b = &w->b[w->bi], *other = &w->b[!w->bi];
	const struct audit_rec *r;

	if (w->ri == b->n) {
		if (b->n == 0 || other->n == 0)
			return 0;
		/* b is used up: read on into it while other is checked */
		if (fill_submit(w, b, err) != 0)
			return -1;
		w->bi = !w->bi;
		w->ri = 0;
		b = other;
		other = &w->b[!w->bi];
	}
	await(w, b);
	if (!w->threaded)	/* a walk that stops early hashes no more */
		hash_one(&b->recs[w->ri]);
	*rec = &b->recs[w->ri++];
	/* the line after it, from its raw bytes: the worker may be parsing
	 * the other batch still */
	r = w->ri < b->n ? &b->recs[w->ri] : other->n > 0 ? &other->recs[0] :
	    NULL;
	*next = r != NULL ? audit_peek_seq(r->line, r->len) : 0;
	return 1;
}

void
audit_walk_close(struct audit_walk *w)
{
	if (w == NULL)
		return;
	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		w->quit = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
	}
	if (w->sync) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	free(w->b[0].buf);
	free(w->b[1].buf);
	free(w->b[0].recs);
	free(w->b[1].recs);
	free(w->carry);
	free(w->fd);
	free(w->left);
	free(w);
}
