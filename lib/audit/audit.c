/*
 * audit.c - appending sealed records to the audit log (lib/FORMAT.md).
 *
 * Under the lock: read the head, take in or move aside what a crash left
 * after it, write the record in one write(2), fdatasync, then replace the
 * head with the next key. The old key is gone with the old head file (as
 * far as the file system lets a file's blocks go).
 */
#define _GNU_SOURCE	/* memmem */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_impl.h"
#include "bytes.h"
#include "timeutil.h"
#include "user.h"
#include "file.h"
#include "jsonw.h"
#include "secalloc.h"

/* ---- the seal ---------------------------------------------------- */

void
audit_hash(unsigned char out[SR_AUDIT_HASH_BYTES], const char *prefix,
    size_t len)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, SR_AUDIT_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)AUDIT_HASH_TAG,
	    sizeof(AUDIT_HASH_TAG) - 1);
	crypto_generichash_update(&st, (const unsigned char *)prefix, len);
	crypto_generichash_final(&st, out, SR_AUDIT_HASH_BYTES);
}

void
audit_mac(unsigned char out[SR_AUDIT_HASH_BYTES],
    const unsigned char key[SR_AUDIT_HASH_BYTES], uint64_t seq,
    const unsigned char hash[SR_AUDIT_HASH_BYTES])
{
	crypto_generichash_state st;
	unsigned char be[8];

	sr_bytes_put64(be, seq);
	crypto_generichash_init(&st, key, SR_AUDIT_HASH_BYTES,
	    SR_AUDIT_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)AUDIT_MAC_TAG,
	    sizeof(AUDIT_MAC_TAG) - 1);
	crypto_generichash_update(&st, be, sizeof(be));
	crypto_generichash_update(&st, hash, SR_AUDIT_HASH_BYTES);
	crypto_generichash_final(&st, out, SR_AUDIT_HASH_BYTES);
	sodium_memzero(&st, sizeof(st));
}

/* key = K_n+1 from K_n, in place: K_n is gone. */
void
audit_evolve(unsigned char key[SR_AUDIT_HASH_BYTES])
{
	unsigned char next[SR_AUDIT_HASH_BYTES];

	crypto_generichash(next, sizeof(next),
	    (const unsigned char *)AUDIT_EVOLVE_TAG,
	    sizeof(AUDIT_EVOLVE_TAG) - 1, key, SR_AUDIT_HASH_BYTES);
	memcpy(key, next, sizeof(next));
	sodium_memzero(next, sizeof(next));
}

int
audit_side_path(char *buf, size_t size, const char *path, const char *suffix)
{
	return (size_t)snprintf(buf, size, "%s%s", path, suffix) < size ?
	    0 : -1;
}

/* ---- the record -------------------------------------------------- */

static void
put_time(sr_jsonw *w)
{
	struct timespec ts;
	char buf[SR_TIME_RFC3339_LEN];

	clock_gettime(CLOCK_REALTIME, &ts);
	sr_time_format(buf, sizeof(buf), (int64_t)ts.tv_sec);
	if (strlen(buf) == 20)	/* ...SSZ: milliseconds before the Z */
		snprintf(buf + 19, sizeof(buf) - 19, ".%03dZ",
		    (int)(ts.tv_nsec / 1000000 % 1000));
	sr_jsonw_kstr(w, "ts", buf);
}

/* 1 when arg holds a value granted in env: its marker into red. */
static int
redacted(char *red, size_t size, const char *arg, const sr_env *env)
{
	size_t i, n = env ? sr_env_slots(env) : 0, nlen, vlen;
	const char *name, *value;

	for (i = 0; i < n; i++) {
		if (!sr_env_secret_at(env, i, &name, &nlen, &value, &vlen) ||
		    vlen == 0 || memmem(arg, strlen(arg), value, vlen) == NULL)
			continue;
		snprintf(red, size, "[REDACTED:%.*s]", (int)nlen, name);
		return 1;
	}
	return 0;
}

int
sr_audit_redact_arg(char *red, size_t size, const char *arg,
    const sr_env *env)
{
	return redacted(red, size, arg, env);
}

/* An argv entry holding a granted value is written [REDACTED:NAME]. */
static void
put_arg(sr_jsonw *w, const char *arg, const sr_env *env)
{
	char red[300];

	if (redacted(red, sizeof(red), arg, env))
		arg = red;
	sr_jsonw_str(w, arg, strlen(arg));
}

char **
sr_audit_argv_redact(char *const *argv, const sr_env *env)
{
	char **out, red[300];
	size_t n = 0, i;

	while (argv[n] != NULL)
		n++;
	if ((out = calloc(n + 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((out[i] = strdup(redacted(red, sizeof(red), argv[i], env) ?
		    red : argv[i])) == NULL) {
			sr_audit_argv_free(out);
			return NULL;
		}
	}
	return out;
}

void
sr_audit_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* How a supervised child ended (an "exit" event). */
static void
put_exit(sr_jsonw *w, const sr_audit_exit *x)
{
	sr_jsonw_kint(w, "status", x->status);
	sr_jsonw_kint(w, "signal", x->signal);
	sr_jsonw_kint(w, "duration_ms", x->duration_ms);
	sr_jsonw_key(w, "timed_out");
	sr_jsonw_raw(w, x->timed_out ? "true" : "false", x->timed_out ? 4 : 5);
}

/* "providers":[{"name":"gh","ms":12,"expires":"...","cache":false}] */
static void
put_providers(sr_jsonw *w, const sr_audit_event *ev)
{
	char when[SR_TIME_RFC3339_LEN];
	size_t i;

	sr_jsonw_key(w, "providers");
	sr_jsonw_begin(w, '[');
	for (i = 0; i < ev->nproviders; i++) {
		const sr_audit_provider *p = &ev->providers[i];
		sr_jsonw_elem(w);
		sr_jsonw_begin(w, '{');
		sr_jsonw_kstr(w, "name", p->name);
		sr_jsonw_kint(w, "ms", p->duration_ms);
		if (p->expires != 0)
			sr_jsonw_kstr(w, "expires", sr_time_format(when,
			    sizeof(when), p->expires));
		sr_jsonw_key(w, "cache");
		sr_jsonw_raw(w, p->cached ? "true" : "false", p->cached ? 4 :
		    5);
		sr_jsonw_end(w, '}');
	}
	sr_jsonw_end(w, ']');
}

static void
put_lists(sr_jsonw *w, const sr_audit_event *ev)
{
	size_t i;

	if (ev->secrets != NULL) {
		sr_jsonw_key(w, "secrets");
		sr_jsonw_begin(w, '[');
		for (i = 0; i < ev->nsecrets; i++) {
			sr_jsonw_elem(w);
			sr_jsonw_str(w, ev->secrets[i], strlen(ev->secrets[i]));
		}
		sr_jsonw_end(w, ']');
	}
	if (ev->nproviders > 0)
		put_providers(w, ev);
	sr_jsonw_kstr(w, "secret", ev->secret);
	sr_jsonw_kstr(w, "recipient", ev->recipient);
	sr_jsonw_kstr(w, "old_log", ev->old_log);
	sr_jsonw_kstr(w, "command", ev->command);
	if (ev->argv_withheld != NULL) {
		for (i = 0; ev->argv != NULL && ev->argv[i] != NULL; i++)
			;
		sr_jsonw_kstr(w, "argv_withheld", ev->argv_withheld);
		sr_jsonw_kint(w, "argc", (int64_t)i);
	} else if (ev->argv != NULL) {
		sr_jsonw_key(w, "argv");
		sr_jsonw_begin(w, '[');
		for (i = 0; ev->argv[i] != NULL; i++) {
			sr_jsonw_elem(w);
			put_arg(w, ev->argv[i], ev->env);
		}
		sr_jsonw_end(w, ']');
	}
}

static void
put_process(sr_jsonw *w)
{
	char cwd[4096], host[256], user[256];

	if (getcwd(cwd, sizeof(cwd)) != NULL)
		sr_jsonw_kstr(w, "cwd", cwd);
	sr_jsonw_kint(w, "uid", (int64_t)getuid());
	if (sr_user_name(getuid(), user, sizeof(user)) == 0)
		sr_jsonw_kstr(w, "user", user);
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		sr_jsonw_kstr(w, "host", host);
	}
	sr_jsonw_kint(w, "pid", (int64_t)getpid());
}

/* The record up to and including "prev"; the seal is added after. */
void
audit_record_prefix(sr_jsonw *w, const sr_audit_event *ev, uint64_t seq,
    const unsigned char prev[SR_AUDIT_HASH_BYTES])
{
	sr_jsonw_begin(w, '{');
	sr_jsonw_kint(w, "seq", (int64_t)seq);
	put_time(w);
	sr_jsonw_kstr(w, "event", ev->event);
	sr_jsonw_kstr(w, "agent", ev->agent);
	if (ev->policy_path != NULL) {
		sr_jsonw_key(w, "policy");
		sr_jsonw_begin(w, '{');
		sr_jsonw_kstr(w, "path", ev->policy_path);
		if (ev->policy_hash != NULL)
			sr_jsonw_khex(w, "hash", ev->policy_hash, 32);
		sr_jsonw_end(w, '}');
	}
	sr_jsonw_kstr(w, "decision", ev->decision);
	sr_jsonw_kstr(w, "reason", ev->reason);
	sr_jsonw_kstr(w, "message", ev->message);
	put_lists(w, ev);
	if (ev->exit != NULL)
		put_exit(w, ev->exit);
	if (ev->sandbox != NULL) {
		/* sr_sandbox_json's own bytes: one object, written by jsonw */
		sr_jsonw_key(w, "sandbox");
		sr_jsonw_raw(w, ev->sandbox, strlen(ev->sandbox));
	}
	put_process(w);
	if (ev->repo_root != NULL) {
		sr_jsonw_key(w, "repo");
		sr_jsonw_begin(w, '{');
		sr_jsonw_kstr(w, "root", ev->repo_root);
		sr_jsonw_kstr(w, "head", ev->repo_head);
		sr_jsonw_end(w, '}');
	}
	sr_jsonw_kstr(w, "task", ev->task);
	sr_jsonw_khex(w, "prev", prev, SR_AUDIT_HASH_BYTES);
}

/* Seal the prefix in w with the head's key and finish the line. */
static void
seal_record(sr_jsonw *w, const struct audit_head *h, unsigned char
    hash[SR_AUDIT_HASH_BYTES])
{
	unsigned char mac[SR_AUDIT_HASH_BYTES];

	audit_hash(hash, w->b.p, w->b.len);
	audit_mac(mac, h->key, h->seq + 1, hash);
	sr_jsonw_khex(w, "hash", hash, SR_AUDIT_HASH_BYTES);
	sr_jsonw_khex(w, "mac", mac, SR_AUDIT_HASH_BYTES);
	sr_jsonw_end(w, '}');
	sr_jsonw_raw(w, "\n", 1);
}

/* ---- parsing what was written ------------------------------------ */

int
audit_line_parse(struct audit_line *out, const char *line, size_t len)
{
	const char *tail = line + len - AUDIT_TAIL_LEN;
	const char *prev = tail - AUDIT_PREV_LEN;
	size_t i;

	if (len < AUDIT_TAIL_LEN + AUDIT_PREV_LEN + 10 ||
	    memcmp(line, "{\"seq\":", 7) != 0 ||
	    memcmp(tail, ",\"hash\":\"", 9) != 0 ||
	    memcmp(tail + 73, "\",\"mac\":\"", 9) != 0 ||
	    memcmp(tail + 146, "\"}", 2) != 0 ||
	    memcmp(prev, ",\"prev\":\"", 9) != 0 || prev[73] != '"' ||
	    sr_hex_decode(out->prev, 32, prev + 9) != 0 ||
	    sr_hex_decode(out->hash, 32, tail + 9) != 0 ||
	    sr_hex_decode(out->mac, 32, tail + 82) != 0)
		return -1;
	out->seq = 0;
	/* at most 19 digits: a 20th could overflow (and no record reaches
	 * 10^19); the loop stops before it, and the line is refused */
	for (i = 7; line[i] >= '0' && line[i] <= '9' &&
	    i < 7 + AUDIT_SEQ_DIGITS; i++)
		out->seq = out->seq * 10 + (uint64_t)(line[i] - '0');
	if (i == 7 || line[i] != ',' || (line[7] == '0'))
		return -1;
	out->prefix = line;
	out->prefix_len = len - AUDIT_TAIL_LEN;
	return 0;
}

/* ---- the head ---------------------------------------------------- */

/* A decimal field of at most AUDIT_SEQ_DIGITS digits, no leading 0
 * (but "0"), ending with a newline; *p moves past it. 0 or -1. */
static int
head_num(uint64_t *v, const char **p, const char *name)
{
	size_t n = strlen(name), i;
	const char *s = *p;

	*v = 0;
	if (strncmp(s, name, n) != 0 || s[n] != ' ')
		return -1;
	s += n + 1;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == AUDIT_SEQ_DIGITS || (i == 1 && s[0] == '0'))
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0 || s[i] != '\n')
		return -1;
	*p = s + i + 1;
	return 0;
}

/* A hex field of n bytes ending with a newline; *p moves past it. */
static int
head_hex(unsigned char *out, size_t n, const char **p, const char *name)
{
	size_t len = strlen(name);
	const char *s = *p;

	if (strncmp(s, name, len) != 0 || s[len] != ' ' ||
	    strnlen(s + len + 1, 2 * n + 1) < 2 * n + 1 ||
	    s[len + 1 + 2 * n] != '\n' ||
	    sr_hex_decode(out, n, s + len + 1) != 0)
		return -1;
	*p = s + len + 1 + 2 * n + 1;
	return 0;
}

/* Fields of "name value" lines, in order; strict (one spelling only, and
 * no number that would overflow). */
int
audit_head_parse(struct audit_head *h, const char *buf)
{
	const char *p = buf;

	if (strncmp(p, AUDIT_HEAD_MAGIC "\n", sizeof(AUDIT_HEAD_MAGIC)) != 0)
		return -1;
	p += sizeof(AUDIT_HEAD_MAGIC);
	return head_hex(h->log, 16, &p, "log") == 0 &&
	    head_num(&h->seq, &p, "seq") == 0 &&
	    head_hex(h->hash, 32, &p, "hash") == 0 &&
	    head_hex(h->key, 32, &p, "key") == 0 &&
	    head_num(&h->size, &p, "size") == 0 && *p == '\0' ? 0 : -1;
}

int
audit_head_read(struct audit_head *h, const char *path, sr_err *err)
{
	char hp[SR_ERR_PATH_MAX];
	char *buf;
	size_t len;
	int rc;

	if (audit_side_path(hp, sizeof(hp), path, ".head") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (sr_file_read_strict(&buf, &len, hp, 4096, SR_FILE_PRIVATE |
	    SR_FILE_SODIUM, err) != 0)
		return err->kind == SR_ERR_NOTFOUND ? 1 : -1;
	rc = audit_head_parse(h, buf);
	sr_secalloc_free(buf);
	if (rc != 0)
		return sr_err_set(err, SR_ERR_CONFIG, hp, 0, "the audit head "
		    "file %s is damaged", hp);
	return 0;
}

int
audit_head_write(const struct audit_head *h, const char *path, sr_err *err)
{
	char hp[SR_ERR_PATH_MAX], *text;
	char log[33], hash[65], key[65];
	size_t size = 512;
	int rc;

	if (audit_side_path(hp, sizeof(hp), path, ".head") != 0 ||
	    (text = sr_secalloc_alloc(size)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	sodium_bin2hex(log, sizeof(log), h->log, 16);
	sodium_bin2hex(hash, sizeof(hash), h->hash, 32);
	sodium_bin2hex(key, sizeof(key), h->key, 32);
	snprintf(text, size, AUDIT_HEAD_MAGIC "\nlog %s\nseq %llu\nhash %s\n"
	    "key %s\nsize %llu\n", log, (unsigned long long)h->seq, hash, key,
	    (unsigned long long)h->size);
	sodium_memzero(key, sizeof(key));
	/* The log is the durable record (fdatasync'ed); the head only saves
	 * reading it, so it is not synced: one sync per append. After a
	 * crash the old head may come back, and the next append takes in
	 * the records it does not know (recover); a damaged one is rebuilt
	 * from the initial key while that is here. */
	rc = sr_file_rewrite_small(hp, text, strlen(text), 0600, err);
	sr_secalloc_free(text);
	return rc;
}

/*
 * The log's id follows from K_1 (one way), so a head rebuilt from the
 * initial key names the same log, and checkpoints still match it.
 */
void
audit_log_id(unsigned char out[16], const unsigned char k1[SR_AUDIT_HASH_BYTES])
{
	unsigned char id[32];

	crypto_generichash(id, sizeof(id),
	    (const unsigned char *)"scoperun-audit-log-id-v1", 24, k1,
	    SR_AUDIT_HASH_BYTES);
	memcpy(out, id, 16);
}

static void
log_id(struct audit_head *h)
{
	audit_log_id(h->log, h->key);
}

/* A new log: its id and K_1, which is also kept in .key0 for export. */
static int
head_init(struct audit_head *h, const char *path, sr_err *err)
{
	char kp[SR_ERR_PATH_MAX], text[80];
	int rc;

	memset(h, 0, sizeof(*h));
	randombytes_buf(h->key, sizeof(h->key));
	log_id(h);
	if (audit_side_path(kp, sizeof(kp), path, ".key0") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	sodium_bin2hex(text, sizeof(text), h->key, 32);
	text[64] = '\n';
	rc = sr_file_write_new(kp, text, 65, 0600, err);
	sodium_memzero(text, sizeof(text));
	/* the checkpoint key of a new log: none is left by an old one
	 * (load_head), so it is made new, never replaced */
	return rc != 0 ? rc : audit_sign_create(path, h->log, 0, err);
}

int
sr_audit_key0_load(unsigned char key[SR_AUDIT_HASH_BYTES], const char *path,
    sr_err *err)
{
	char kp[SR_ERR_PATH_MAX], *buf;
	size_t len;
	int rc;

	if (audit_side_path(kp, sizeof(kp), path, ".key0") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (sr_file_read_strict(&buf, &len, kp, 128, SR_FILE_PRIVATE |
	    SR_FILE_SODIUM, err) != 0)
		return -1;
	rc = len == 65 && buf[64] == '\n' ? sr_hex_decode(key, 32, buf) : -1;
	sr_secalloc_free(buf);
	if (rc != 0)
		return sr_err_set(err, SR_ERR_CONFIG, kp, 0, "%s is damaged",
		    kp);
	return 0;
}

/* ---- after a crash ----------------------------------------------- */

/*
 * The log holds extra bytes after the head's size: a record appended just
 * before a crash, complete or torn. A complete one sealed with the head's
 * key is taken in; anything else is moved aside, never dropped.
 */
static int
take_one(struct audit_head *h, const char *line, size_t len)
{
	struct audit_line l;
	unsigned char hash[SR_AUDIT_HASH_BYTES], mac[SR_AUDIT_HASH_BYTES];

	if (audit_line_parse(&l, line, len) != 0 || l.seq != h->seq + 1 ||
	    memcmp(l.prev, h->hash, sizeof(hash)) != 0)
		return -1;
	audit_hash(hash, l.prefix, l.prefix_len);
	audit_mac(mac, h->key, l.seq, hash);
	if (memcmp(hash, l.hash, sizeof(hash)) != 0 ||
	    sodium_memcmp(mac, l.mac, sizeof(mac)) != 0)
		return -1;
	h->seq = l.seq;
	memcpy(h->hash, hash, sizeof(hash));
	audit_evolve(h->key);
	h->size += len + 1;
	return 0;
}

/* Take in the complete records sealed with the head's key; the bytes
 * left over (0 when all were good) are a torn record. */
static size_t
take_in(struct audit_head *h, const char *extra, size_t n)
{
	const char *nl;

	while (n > 0 && (nl = memchr(extra, '\n', n)) != NULL &&
	    take_one(h, extra, (size_t)(nl - extra)) == 0) {
		n -= (size_t)(nl - extra) + 1;
		extra = nl + 1;
	}
	return n;
}

static int
set_aside(const char *path, const struct audit_head *h, const char *extra,
    size_t n, char *saved, size_t size, sr_err *err)
{
	if ((size_t)snprintf(saved, size, "%s.torn-%llu", path,
	    (unsigned long long)h->seq + 1) >= size)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	unlink(saved);	/* a leftover of an earlier, identical recovery */
	return sr_file_write_new(saved, extra, n, 0600, err);
}

/* 1 when a torn record was moved aside (to saved), 0 when nothing or a
 * complete record was found, -1 on error. */
static int
recover(int fd, struct audit_head *h, const char *path, uint64_t size,
    char *saved, size_t savedsize, sr_err *err)
{
	char *extra;
	size_t n = (size_t)(size - h->size), left;
	int rc = -1;

	if (size < h->size)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "the audit log "
		    "is shorter than its head says: it was truncated (see "
		    "scoperun audit verify)");
	if (n > AUDIT_BEHIND_MAX)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "the audit log "
		    "has %zu unexpected bytes at its end", n);
	if ((extra = malloc(n + 1)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	if (pread(fd, extra, n, (off_t)h->size) != (ssize_t)n) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot read %s: %s",
		    path, strerror(errno));
	} else if ((left = take_in(h, extra, n)) == 0) {
		rc = 0;
	} else if (set_aside(path, h, extra + (n - left), left, saved,
	    savedsize, err) == 0) {
		if (ftruncate(fd, (off_t)h->size) != 0 || fdatasync(fd) != 0)
			sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot cut "
			    "the torn record off %s: %s", path,
			    strerror(errno));
		else
			rc = 1;
	}
	free(extra);
	return rc;
}

/* ---- appending --------------------------------------------------- */

/*
 * The whole line, in one write(2) when it can: a crash leaves the whole
 * record or a torn tail. A short write is followed by another for the
 * rest, whose errno is the real cause (ENOSPC, EFBIG): a short write sets
 * none, and the one left over from an earlier call (EEXIST from mkdir) is
 * not why this one failed.
 */
static int
write_line(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_record(int fd, struct audit_head *h,
    const sr_audit_event *ev, const char *path, sr_err *err);

/*
 * ev without its argv, which took the record past SR_AUDIT_LINE_MAX (the
 * kernel passes a few MiB of arguments). A run is refused on the record
 * rather than left out of it: SR_AUDIT_REFUSED.
 */
static int
write_cut(int fd, struct audit_head *h, const sr_audit_event *ev,
    const char *path, sr_err *err)
{
	static const char why[] = "denied: the command line is too long for "
	    "an audit record (at most 1 MiB), so it does not run";
	sr_audit_event cut = *ev;
	int run = strcmp(ev->event, "run") == 0;

	cut.argv_withheld = "too_large";
	if (run) {
		cut.event = "deny";
		cut.decision = "deny";
		cut.reason = SR_AUDIT_TOO_LARGE;
		cut.message = why;
	}
	if (write_record(fd, h, &cut, path, err) != 0)
		return -1;
	if (!run)
		return 0;
	sr_err_set(err, SR_ERR_DENIED, NULL, 0, "%s", why);
	return SR_AUDIT_REFUSED;
}

static int
write_record(int fd, struct audit_head *h, const sr_audit_event *ev,
    const char *path, sr_err *err)
{
	sr_jsonw w = SR_JSONW_INIT;
	unsigned char hash[SR_AUDIT_HASH_BYTES];
	int rc = -1;

	audit_record_prefix(&w, ev, h->seq + 1, h->hash);
	seal_record(&w, h, hash);
	if (!w.b.failed && w.b.len > SR_AUDIT_LINE_MAX && ev->argv != NULL &&
	    ev->argv_withheld == NULL) {
		sr_jsonw_free(&w);
		return write_cut(fd, h, ev, path, err);
	}
	if (w.b.failed || w.b.len > SR_AUDIT_LINE_MAX) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "audit record too "
		    "large or out of memory");
		goto done;
	}
	if (write_line(fd, w.b.p, w.b.len) != 0 || fdatasync(fd) != 0) {
		int e = errno;
		/* no torn tail for the next append to set aside (on the full
		 * disk that caused it): the log ends where the head says */
		if (ftruncate(fd, (off_t)h->size) == 0)
			(void)fdatasync(fd);
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot write the "
		    "audit log %s: %s", path, strerror(e));
		goto done;
	}
	h->seq++;
	memcpy(h->hash, hash, sizeof(hash));
	audit_evolve(h->key);
	h->size += w.b.len;
	audit_syslog_forward(ev->forward, ev->event, w.b.p, w.b.len - 1,
	    h->seq, hash);
	rc = 0;
done:
	sr_jsonw_free(&w);
	return rc;
}

static int
open_log(int *fd, uint64_t *size, const char *path, sr_err *err)
{
	struct stat st;

	/* read-write: a record torn by a crash is read back, then cut */
	*fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (*fd < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot open "
		    "the audit log %s: %s", path, strerror(errno));
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    sr_file_check_mode(path, st.st_mode, st.st_uid,
	    SR_FILE_UNSAFE_MODE, "audit log", err) != 0) {
		if (err->msg[0] == '\0')
			sr_err_set(err, SR_ERR_CONFIG, path, 0, "%s is not a "
			    "regular file", path);
		close(*fd);
		*fd = -1;
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

/*
 * The head is gone but the initial key is here: a first append that died
 * before writing the head, or a head removed. Walk the log from K_1 to
 * the state after its last good record; what follows is handled like any
 * crash leftover. O(log) once, in a rare case.
 */
static int
rebuild_head(struct audit_head *h, const char *path, sr_err *err)
{
	char *buf = NULL, **files = NULL;
	size_t len = 0, nfiles = 0, i, left = 0;
	int rc;

	memset(h, 0, sizeof(*h));
	if (sr_audit_key0_load(h->key, path, err) != 0)
		return -1;
	log_id(h);
	/* a rotated log: path.N .. path.1 first; the head's size is that of
	 * the last file, path */
	if (sr_audit_files(&files, &nfiles, path, err) != 0)
		return -1;
	for (i = 0, rc = 0; i < nfiles && rc == 0 && left == 0; i++) {
		buf = NULL;
		h->size = 0;
		rc = sr_file_read_strict(&buf, &len, files[i], SIZE_MAX / 2, 0,
		    err);
		if (rc != 0 && err->kind == SR_ERR_NOTFOUND && i == nfiles - 1) {
			sr_err_clear(err);
			rc = 0;
		}
		if (buf != NULL)
			left = take_in(h, buf, len);
		free(buf);
		if (left != 0 && i < nfiles - 1)
			rc = sr_err_set(err, SR_ERR_CONFIG, files[i], 0, "cannot "
			    "rebuild the audit head: %s is damaged (see "
			    "scoperun audit verify)", files[i]);
	}
	sr_audit_files_free(files, nfiles);
	return rc;
}

/* Read the head, rebuild it, or start a new log where no old one was. */
static int
load_head(struct audit_head *h, const char *path, sr_err *err)
{
	char kp[SR_ERR_PATH_MAX], what[SR_ERR_MSG_MAX];
	struct stat st;
	int rc = audit_head_read(h, path, err);
	int have_key0 = audit_side_path(kp, sizeof(kp), path, ".key0") == 0 &&
	    access(kp, F_OK) == 0;

	if (rc == 0 || (rc < 0 && !have_key0))
		return rc;
	sr_err_clear(err);
	if (have_key0)
		return rebuild_head(h, path, err);
	if (stat(path, &st) == 0 && st.st_size > 0)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "the audit log "
		    "%s has lost its head file (.head) and its initial key is "
		    "not here to rebuild it", path);
	if (audit_old_state(what, sizeof(what), path))
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "the audit log "
		    "%.200s is gone, but %s is still here: a new log is not "
		    "started over an old one (`scoperun audit reset` starts "
		    "one, and records it)", path, what);
	return head_init(h, path, err);
}

int
audit_append_locked(const char *path, const sr_audit_event *ev,
    unsigned char log[16], sr_err *err)
{
	struct audit_head *h = sr_secalloc_alloc(sizeof(*h));
	sr_audit_event note = { 0 };
	char saved[SR_ERR_PATH_MAX + 32], msg[SR_ERR_PATH_MAX + 80];
	uint64_t size = 0, seq0;
	int fd = -1, rc = -1, torn, refused = 0;

	if (h == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	if (load_head(h, path, err) != 0 || open_log(&fd, &size, path, err) != 0)
		goto done;
	seq0 = h->seq;
	if (size != h->size && !audit_rotate_resume(h, path, size)) {
		if ((torn = recover(fd, h, path, size, saved, sizeof(saved),
		    err)) < 0)
			goto done;
		if (torn) {
			snprintf(msg, sizeof(msg), "a torn record was moved "
			    "aside to %s", saved);
			note.event = "recovery";
			note.reason = "audit.recovered";
			note.message = msg;
			note.forward = ev->forward;
			if (write_record(fd, h, &note, path, err) != 0)
				goto done;
		}
	}
	/* past its size, the log goes on in a new file: before this record,
	 * so that a rotation that fails records nothing */
	if (h->size > audit_rotate_limit()) {
		close(fd);
		fd = -1;
		if (audit_rotate(h, path, err) != 0 ||
		    open_log(&fd, &size, path, err) != 0)
			goto done;
	}
	if ((refused = write_record(fd, h, ev, path, err)) < 0 ||
	    audit_head_write(h, path, err) != 0)
		goto done;
	/* a checkpoint every N records: lost with a crash, signed anew by
	 * `scoperun audit checkpoint` */
	if (h->seq / SR_AUDIT_CHECKPOINT_EVERY != seq0 /
	    SR_AUDIT_CHECKPOINT_EVERY &&
	    audit_checkpoint_append(NULL, h, path, err) != 0)
		goto done;
	if (log != NULL)
		memcpy(log, h->log, sizeof(h->log));
	rc = refused;
done:
	if (fd >= 0)
		close(fd);
	sr_secalloc_free(h);
	return rc;
}

int
sr_audit_append(const char *path, const sr_audit_event *ev, sr_err *err)
{
	char lock[SR_ERR_PATH_MAX];
	int lockfd, rc;

	if (sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "libsodium");
	if (sr_file_mkdirs_parent(path, err) != 0)
		return -1;
	if (audit_side_path(lock, sizeof(lock), path, ".lock") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (sr_file_lock(&lockfd, lock, err) != 0)
		return -1;
	rc = audit_append_locked(path, ev, NULL, err);
	sr_file_unlock(lockfd);
	return rc;
}
