/*
 * audit_checkpoint.c - signed checkpoints of the audit log (FORMAT.md).
 *
 * A checkpoint is a signed note in the form Certificate Transparency and
 * sigsum use (golang.org/x/mod/sumdb/note): three lines of text, a blank
 * line, and a signature line `— scoperun BASE64(keyid || Ed25519 sig)`.
 * The text names the log (its id), its size in records and the hash of
 * its last record. Kept elsewhere, a checkpoint shows a truncated or
 * rewritten log even when the head file was rewritten along with it.
 *
 * The signing key sits beside the log (path.sign, 0600), since every
 * append may sign. Whoever takes the machine can sign checkpoints of
 * whatever log they like from then on; that is inherent to a key the
 * machine must use. What they cannot do is change a checkpoint already
 * copied elsewhere, and that copy is the one a verifier holds up to the
 * log. The signature ties a checkpoint to this log's key so that a
 * checkpoint file of unknown provenance cannot pass as this log's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_impl.h"
#include "file.h"
#include "secalloc.h"

#define SIGN_MAGIC "scoperun-audit-sign 1"
#define NOTE_ORIGIN "scoperun-audit/"
#define NOTE_KEY_NAME "scoperun"
#define NOTE_DASH "\xe2\x80\x94 "	/* U+2014 and a space */
#define B64 sodium_base64_VARIANT_ORIGINAL

/* The signing key, in sodium memory. */
struct sign_key {
	unsigned char log[16];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	uint32_t id;
};

/* The note key id: SHA-256(name "\n" 0x01 pk), its first 4 bytes. */
static uint32_t
key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	unsigned char in[sizeof(NOTE_KEY_NAME) + 1 + 32], h[32];

	memcpy(in, NOTE_KEY_NAME "\n", sizeof(NOTE_KEY_NAME));
	in[sizeof(NOTE_KEY_NAME)] = 0x01;	/* Ed25519 */
	memcpy(in + sizeof(NOTE_KEY_NAME) + 1, pk, 32);
	crypto_hash_sha256(h, in, sizeof(in));
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3];
}

int
audit_sign_create(const char *path, const unsigned char log[16],
    int replace, sr_err *err)
{
	char sp[SR_ERR_PATH_MAX], text[160], lhex[33], shex[65];
	unsigned char seed[crypto_sign_SEEDBYTES];
	int rc;

	if (audit_side_path(sp, sizeof(sp), path, ".sign") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	randombytes_buf(seed, sizeof(seed));
	sodium_bin2hex(lhex, sizeof(lhex), log, 16);
	sodium_bin2hex(shex, sizeof(shex), seed, sizeof(seed));
	snprintf(text, sizeof(text), SIGN_MAGIC "\nlog %s\nseed %s\n", lhex,
	    shex);
	rc = replace ? sr_file_write_atomic(sp, text, strlen(text), 0600, err) :
	    sr_file_write_new(sp, text, strlen(text), 0600, err);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(shex, sizeof(shex));
	sodium_memzero(text, sizeof(text));
	return rc;
}

static int
sign_parse(struct sign_key *k, const char *buf, size_t len)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	const size_t mlen = sizeof(SIGN_MAGIC) - 1;
	int rc = -1;

	/* SIGN_MAGIC "\nlog " 32 "\nseed " 64 "\n" */
	if (len != mlen + 5 + 32 + 6 + 64 + 1 ||
	    memcmp(buf, SIGN_MAGIC "\nlog ", mlen + 5) != 0 ||
	    memcmp(buf + mlen + 37, "\nseed ", 6) != 0 || buf[len - 1] != '\n')
		return -1;
	if (sr_hex_decode(k->log, 16, buf + mlen + 5) == 0 &&
	    sr_hex_decode(seed, sizeof(seed), buf + mlen + 43) == 0 &&
	    crypto_sign_seed_keypair(k->pk, k->sk, seed) == 0) {
		k->id = key_id(k->pk);
		rc = 0;
	}
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* 0, or -1 with err (SR_ERR_NOTFOUND when there is no key). */
static int
sign_load(struct sign_key *k, const char *path, sr_err *err)
{
	char sp[SR_ERR_PATH_MAX], *buf;
	size_t len;
	int rc;

	if (audit_side_path(sp, sizeof(sp), path, ".sign") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (sr_file_read_strict(&buf, &len, sp, 512, SR_FILE_PRIVATE |
	    SR_FILE_SODIUM, err) != 0)
		return -1;
	rc = sign_parse(k, buf, len);
	sr_secalloc_free(buf);
	if (rc != 0)
		return sr_err_set(err, SR_ERR_CONFIG, sp, 0, "the audit signing "
		    "key %s is damaged", sp);
	return 0;
}

/* The note's text: what the signature covers. */
static void
note_text(char *buf, size_t size, const unsigned char log[16], uint64_t seq,
    const unsigned char hash[SR_AUDIT_HASH_BYTES])
{
	char lhex[33], hhex[65];

	sodium_bin2hex(lhex, sizeof(lhex), log, 16);
	sodium_bin2hex(hhex, sizeof(hhex), hash, SR_AUDIT_HASH_BYTES);
	snprintf(buf, size, NOTE_ORIGIN "%s\n%llu\n%s\n", lhex,
	    (unsigned long long)seq, hhex);
}

/* The whole note, text and signature line, into buf (512 bytes). */
static void
note_sign(char *buf, size_t size, const struct sign_key *k,
    const struct audit_head *h)
{
	unsigned char blob[4 + crypto_sign_BYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof(blob), B64)];
	size_t len;

	note_text(buf, size, h->log, h->seq, h->hash);
	len = strlen(buf);
	blob[0] = (unsigned char)(k->id >> 24);
	blob[1] = (unsigned char)(k->id >> 16);
	blob[2] = (unsigned char)(k->id >> 8);
	blob[3] = (unsigned char)k->id;
	crypto_sign_detached(blob + 4, NULL, (const unsigned char *)buf, len,
	    k->sk);
	sodium_bin2base64(b64, sizeof(b64), blob, sizeof(blob), B64);
	snprintf(buf + len, size - len, "\n" NOTE_DASH NOTE_KEY_NAME " %s\n",
	    b64);
}

static int
append_file(const char *path, const char *text, size_t len, sr_err *err)
{
	char cp[SR_ERR_PATH_MAX];
	ssize_t n;
	int fd;

	if (audit_side_path(cp, sizeof(cp), path, ".checkpoints") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	fd = open(cp, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, cp, 0, "cannot open %s: "
		    "%s", cp, strerror(errno));
	/* one write, so a reader never sees half a note; not synced: a
	 * checkpoint lost in a crash can be signed again from the log */
	do {
		n = write(fd, text, len);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n != (ssize_t)len)
		return sr_err_set(err, SR_ERR_SYSTEM, cp, 0, "cannot write %s: "
		    "%s", cp, n < 0 ? strerror(errno) : "short write");
	return 0;
}

int
audit_checkpoint_append(char **text, const struct audit_head *h,
    const char *path, sr_err *err)
{
	struct sign_key *k = sr_secalloc_alloc(sizeof(*k));
	char note[512];
	size_t len;
	int rc = -1;

	if (text != NULL)
		*text = NULL;
	if (k == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	if (sign_load(k, path, err) != 0) {
		/* a log made before checkpoints: it gets its key now */
		if (err->kind != SR_ERR_NOTFOUND)
			goto done;
		sr_err_clear(err);
		if (audit_sign_create(path, h->log, 0, err) != 0 ||
		    sign_load(k, path, err) != 0)
			goto done;
	}
	if (memcmp(k->log, h->log, sizeof(k->log)) != 0) {
		/* a checkpoint of this log signed with another log's key
		 * would pass as that log's: the key beside it was swapped */
		char sp[SR_ERR_PATH_MAX];

		audit_side_path(sp, sizeof(sp), path, ".sign");
		sr_err_set(err, SR_ERR_CONFIG, sp, 0, "the audit signing key %s "
		    "is of another log (see scoperun audit verify)", sp);
		goto done;
	}
	note_sign(note, sizeof(note) - 1, k, h);
	len = strlen(note);
	note[len] = '\n';	/* a blank line between notes */
	if (append_file(path, note, len + 1, err) != 0)
		goto done;
	note[len] = '\0';
	if (text != NULL && (*text = strdup(note)) == NULL) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
		goto done;
	}
	rc = 0;
done:
	sr_secalloc_free(k);
	return rc;
}

int
sr_audit_checkpoint_now(char **text, const char *path, sr_err *err)
{
	struct audit_head *h = sr_secalloc_alloc(sizeof(*h));
	char lock[SR_ERR_PATH_MAX];
	int fd = -1, rc = -1;

	*text = NULL;
	if (h == NULL || sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	if (audit_side_path(lock, sizeof(lock), path, ".lock") != 0) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
		goto done;
	}
	/* under the lock: the head is the log's end, not half an append */
	if (sr_file_lock(&fd, lock, err) != 0)
		goto done;
	rc = audit_head_read(h, path, err);
	if (rc == 1)
		rc = sr_err_set(err, SR_ERR_NOTFOUND, path, 0, "the audit log "
		    "%s has no head: nothing recorded yet", path);
	if (rc == 0 && h->seq == 0)
		rc = sr_err_set(err, SR_ERR_CONFIG, path, 0, "the audit log "
		    "%s is empty", path);
	if (rc == 0)
		rc = audit_checkpoint_append(text, h, path, err);
done:
	sr_file_unlock(fd);
	sr_secalloc_free(h);
	return rc;
}

int
sr_audit_vkey(char *buf, size_t size, const char *path, sr_err *err)
{
	struct sign_key *k = sr_secalloc_alloc(sizeof(*k));
	unsigned char typed[1 + crypto_sign_PUBLICKEYBYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof(typed), B64)];
	int rc = -1;

	if (k == NULL || sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	if (sign_load(k, path, err) == 0) {
		typed[0] = 0x01;
		memcpy(typed + 1, k->pk, sizeof(k->pk));
		sodium_bin2base64(b64, sizeof(b64), typed, sizeof(typed), B64);
		if ((size_t)snprintf(buf, size, NOTE_KEY_NAME "+%08x+%s",
		    (unsigned)k->id, b64) < size)
			rc = 0;
		else
			sr_err_set(err, SR_ERR_SYSTEM, path, 0, "buffer");
	}
	sr_secalloc_free(k);
	return rc;
}

/* ---- reading checkpoints ----------------------------------------- */

/* Strict base64 (the one spelling libsodium writes); 0 or -1. */
static int
b64_exact(unsigned char *out, size_t want, const char *s, size_t n)
{
	char again[256];
	size_t len;
	const char *end;

	if (n >= sizeof(again) || sodium_base642bin(out, want, s, n, NULL,
	    &len, &end, B64) != 0 || end != s + n || len != want)
		return -1;
	sodium_bin2base64(again, sizeof(again), out, len, B64);
	return strlen(again) == n && memcmp(again, s, n) == 0 ? 0 : -1;
}

/* "scoperun+HEX8+BASE64(0x01 || pk)" */
static int
vkey_parse(unsigned char pk[32], uint32_t *id, const char *vkey)
{
	const size_t nlen = sizeof(NOTE_KEY_NAME) - 1;
	unsigned char typed[33];
	char *end;
	unsigned long v;

	if (strncmp(vkey, NOTE_KEY_NAME "+", nlen + 1) != 0 ||
	    strlen(vkey) < nlen + 10 || vkey[nlen + 9] != '+')
		return -1;
	errno = 0;
	v = strtoul(vkey + nlen + 1, &end, 16);
	if (errno != 0 || end != vkey + nlen + 9 || v > 0xffffffffUL ||
	    b64_exact(typed, sizeof(typed), vkey + nlen + 10,
	    strlen(vkey + nlen + 10)) != 0 || typed[0] != 0x01)
		return -1;
	memcpy(pk, typed + 1, 32);
	*id = (uint32_t)v;
	return key_id(pk) == *id ? 0 : -1;
}

/* The next line of text at *p (without its newline); -1 at the end or
 * for a line without one. */
static int
next_line(const char **line, size_t *len, const char **p, const char *end)
{
	const char *nl;

	if (*p >= end || (nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		return -1;
	*line = *p;
	*len = (size_t)(nl - *p);
	*p = nl + 1;
	return 0;
}

/* The three lines of a note's text into cp; 0 or -1. */
static int
text_parse(sr_audit_checkpoint *cp, const char *t, const char *end)
{
	const char *line;
	size_t len, i;
	const char *p = t;

	cp->size = 0;
	if (next_line(&line, &len, &p, end) != 0 ||
	    len != sizeof(NOTE_ORIGIN) - 1 + 32 ||
	    memcmp(line, NOTE_ORIGIN, sizeof(NOTE_ORIGIN) - 1) != 0 ||
	    sr_hex_decode(cp->log, 16, line + sizeof(NOTE_ORIGIN) - 1) != 0)
		return -1;
	if (next_line(&line, &len, &p, end) != 0 || len == 0 || len > 19 ||
	    line[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (line[i] < '0' || line[i] > '9')
			return -1;
		cp->size = cp->size * 10 + (uint64_t)(line[i] - '0');
	}
	if (next_line(&line, &len, &p, end) != 0 || len != 64 ||
	    sr_hex_decode(cp->hash, 32, line) != 0 || p != end)
		return -1;
	return 0;
}

/*
 * One note at *p: its text up to the blank line, then signature lines up
 * to a blank line or the end. Signatures by other keys are ignored, as in
 * signed notes; one by vkey must be there, and be good unless lazy (then
 * it is kept in cp->sig for audit_checkpoint_sig_ok).
 */
static int
note_parse(sr_audit_checkpoint *cp, const char **p, const char *end,
    const unsigned char pk[32], uint32_t id, unsigned n, int lazy,
    sr_err *err)
{
	const char *text = *p, *line;
	unsigned char blob[4 + crypto_sign_BYTES];
	const size_t plen = sizeof(NOTE_DASH NOTE_KEY_NAME " ") - 1;
	size_t len, tlen;
	int found = 0, blank = 0, i;

	for (i = 0; i < 3; i++)
		if (next_line(&line, &len, p, end) != 0)
			return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
			    "checkpoint %u is cut short", n);
	tlen = (size_t)(*p - text);
	if (next_line(&line, &len, p, end) != 0 || len != 0 ||
	    text_parse(cp, text, text + tlen) != 0)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "checkpoint %u "
		    "is not a scoperun audit checkpoint", n);
	while (!blank && next_line(&line, &len, p, end) == 0) {
		if (len == 0) {
			blank = 1;
		} else if (len > plen && memcmp(line, NOTE_DASH NOTE_KEY_NAME
		    " ", plen) == 0 && b64_exact(blob, sizeof(blob), line +
		    plen, len - plen) == 0 && ((uint32_t)blob[0] << 24 |
		    (uint32_t)blob[1] << 16 | (uint32_t)blob[2] << 8 |
		    blob[3]) == id) {
			found = 1;
			memcpy(cp->sig, blob + 4, sizeof(cp->sig));
			cp->unchecked = lazy;
			if (!lazy && crypto_sign_verify_detached(blob + 4,
			    (const unsigned char *)text, tlen, pk) != 0)
				return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
				    "checkpoint %u: bad signature (altered "
				    "or forged)", n);
		} else if (len < 4 || memcmp(line, NOTE_DASH, 4) != 0) {
			return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
			    "checkpoint %u: not a signature line", n);
		}
	}
	if (!found)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "checkpoint %u "
		    "is not signed by this log's key (%08x)", n, (unsigned)id);
	return 0;
}

/* The text is rebuilt from the fields: text_parse takes one spelling
 * only, the one note_text writes. */
int
audit_checkpoint_sig_ok(const sr_audit_checkpoint *c,
    const unsigned char pk[32])
{
	char text[256];

	note_text(text, sizeof(text), c->log, c->size, c->hash);
	return crypto_sign_verify_detached(c->sig, (const unsigned char *)text,
	    strlen(text), pk) == 0;
}

static int
cp_cmp(const void *a, const void *b)
{
	const sr_audit_checkpoint *x = a, *y = b;

	return x->size < y->size ? -1 : x->size > y->size;
}

static int
parse_all(sr_audit_checkpoint **cps, size_t *n, const char *text, size_t len,
    const unsigned char pk[32], uint32_t id, int lazy, sr_err *err)
{
	const char *p = text, *end = text + len;
	size_t cap = 0;
	sr_audit_checkpoint *v = NULL, *grown;

	*cps = NULL;
	*n = 0;
	while (p < end) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((grown = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
				    "out of memory");
			}
			v = grown;
		}
		if (note_parse(&v[*n], &p, end, pk, id, (unsigned)*n + 1, lazy,
		    err) != 0) {
			free(v);
			*n = 0;
			return -1;
		}
		(*n)++;
	}
	if (*n == 0) {
		free(v);
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "no checkpoint "
		    "in the file");
	}
	qsort(v, *n, sizeof(*v), cp_cmp);
	*cps = v;
	return 0;
}

int
sr_audit_checkpoints_parse(sr_audit_checkpoint **cps, size_t *n,
    const char *text, size_t len, const char *vkey, sr_err *err)
{
	unsigned char pk[32];
	uint32_t id;

	*cps = NULL;
	*n = 0;
	if (sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "libsodium");
	if (vkey_parse(pk, &id, vkey) != 0)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "not a verifier "
		    "key (scoperun+HEX8+BASE64, from `scoperun audit key "
		    "--public`)");
	return parse_all(cps, n, text, len, pk, id, 0, err);
}

int
audit_checkpoints_parse_lazy(sr_audit_checkpoint **cps, size_t *n,
    const char *text, size_t len, const unsigned char pk[32], sr_err *err)
{
	return parse_all(cps, n, text, len, pk, key_id(pk), 1, err);
}

int
audit_checkpoint_key(unsigned char pk[32], unsigned char log[16],
    int *have_log, const char *path, const char *vkey, sr_err *err)
{
	struct sign_key *k;
	uint32_t id;

	*have_log = 0;
	if (vkey != NULL) {
		if (vkey_parse(pk, &id, vkey) != 0)
			return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "not a "
			    "verifier key (scoperun+HEX8+BASE64, from "
			    "`scoperun audit key --public`)");
		return 0;
	}
	if ((k = sr_secalloc_alloc(sizeof(*k))) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	if (sign_load(k, path, err) == 0) {
		memcpy(pk, k->pk, sizeof(k->pk));
		memcpy(log, k->log, sizeof(k->log));
		*have_log = 1;
	}
	sr_secalloc_free(k);
	return *have_log ? 0 : -1;
}
