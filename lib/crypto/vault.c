/*
 * vault.c - reading, changing and writing the sealed vault (FORMAT.md).
 *
 * Entries are kept as their text lines and parsed only when asked for:
 * opening a vault to read ten grants does no work per secret beyond
 * finding line ends, and looking a name up is a binary search (names are
 * kept sorted, and a file out of order is refused, which also refuses
 * duplicates).
 */
#include "vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "buf.h"
#include "file.h"
#include "timeutil.h"
#include "secalloc.h"
#include "vault_auth.h"

#define MAGIC "scoperun-vault"
#define AD_TAG_V1 "scoperun-vault-v1"
#define AD_TAG_V2 "scoperun-vault-v2"
#define HEADER_TAG "scoperun-vault-header-v2"
#define BODY_TAG "scoperun-vault-body-v2"
#define LINE_TAG "scoperun-vault-commit-v2"
#define ID_BYTES SR_VAULT_AUTH_ID_BYTES
#define AUTH_BYTES SR_VAULT_AUTH_BYTES
#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define PK_BYTES crypto_box_PUBLICKEYBYTES
#define KEYRING_MAX (ID_BYTES + 1 + SR_VAULT_MAX_EPOCHS * KEY_BYTES)
#define ENTRY_FIELDS 11	/* version 2; version 1 has no commitment */
#define F_NONCE 8
#define F_COMMIT 9		/* version 2 */
/* The first value region: most secrets are tokens well under this. */
#define VALUE_ROOM_MIN 1024

struct vrecip {
	unsigned char pk[PK_BYTES];
	unsigned char *sealed;		/* malloc'd; NULL until sealed */
	size_t sealed_len;
};

struct ventry {
	const char *name;		/* points into line, after "secret " */
	size_t namelen;
	const char *line;		/* without the newline */
	size_t len;
	char *owned;			/* set when line is ours to free */
};

struct sr_vault {
	int version;			/* 1 or 2 (FORMAT.md) */
	unsigned char id[ID_BYTES];
	/* version 2 as read: what unlock and verify check */
	unsigned hdr_epochs;
	unsigned char hdr_keyring[AUTH_BYTES];
	unsigned char hdr_mac[AUTH_BYTES];
	unsigned char end_mac[AUTH_BYTES];
	size_t hdr_len;			/* bytes of buf the header MAC covers */
	size_t body_len;		/* bytes of buf the end MAC covers */
	int dirty;			/* changed since read: MACs are made anew */
	int verified;			/* every line and the end MAC checked */
	struct vrecip *rcp;
	size_t nrcp;
	struct ventry *ent;
	size_t nent, cap;
	unsigned char *keys;		/* sodium memory: nkeys * KEY_BYTES */
	unsigned nkeys;
	char *buf;			/* the file, which lines point into */
	char where[256];
};

/* ---- small helpers ----------------------------------------------- */

static int
b64_encode(char *out, size_t outsize, const unsigned char *in, size_t len)
{
	if (outsize < sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	sodium_bin2base64(out, outsize, in, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

/* Decode exactly want bytes (want 0: any up to max) from s[0..n). */
static int
b64_decode(unsigned char *out, size_t max, size_t *got, const char *s,
    size_t n, size_t want)
{
	size_t len;

	if (sr_b64_decode(out, max, &len, s, n) != 0 ||
	    (want != 0 && len != want))
		return -1;
	if (got)
		*got = len;
	return 0;
}

/* Split line into at most max space-separated fields; the count. */
static size_t
split(const char *line, size_t len, const char **f, size_t *flen, size_t max)
{
	size_t n = 0, i = 0;

	while (i <= len && n < max + 1) {
		size_t start = i;
		while (i < len && line[i] != ' ')
			i++;
		if (n < max) {
			f[n] = line + start;
			flen[n] = i - start;
		}
		n++;
		i++;
	}
	return n;
}

static int
field_is(const char *f, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(f, word, n) == 0;
}

static int
parse_uint(int64_t *out, const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 12 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* [A-Za-z0-9._/-]{1,128}: a table, since a run checks every name. */
static int
name_ok(const char *name, size_t n)
{
	static unsigned char ok[256];
	const char *p;
	size_t i;

	if (!ok['a'])
		for (p = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._/-"; *p; p++)
			ok[(unsigned char)*p] = 1;
	if (n == 0 || n > SR_SECRET_NAME_LEN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!ok[(unsigned char)name[i]])
			return 0;
	return 1;
}

int
sr_vault_name_valid(const char *name)
{
	return name_ok(name, strlen(name));
}

int
sr_vault_labels_valid(const char *labels)
{
	const char *p = labels;

	if (strlen(labels) > SR_LABELS_MAX)
		return 0;
	while (*p != '\0') {
		const char *k = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '.' || *p == '-')
			p++;
		if (p == k || *p++ != '=')
			return 0;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || (*p != '\0' &&
		    strchr("._/:@-", *p) != NULL))
			p++;
		if (*p == ',' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			return 0;
	}
	return 1;
}

static int
fail(const sr_vault *v, sr_err *err, unsigned line, const char *msg)
{
	return sr_err_set(err, SR_ERR_CONFIG, v->where, line, "%s", msg);
}

/* ---- entries ----------------------------------------------------- */

struct fields {
	const char *f[ENTRY_FIELDS];
	size_t n[ENTRY_FIELDS];
};

/* Fields of a secret line: version 2 adds the key commitment. */
static size_t
entry_fields(const sr_vault *v)
{
	return v->version == 1 ? ENTRY_FIELDS - 1 : ENTRY_FIELDS;
}

/* The metadata of an entry line; fails on anything but canonical text. */
static int
entry_meta(sr_secret_meta *m, struct fields *fl, const sr_vault *v,
    const struct ventry *e)
{
	int64_t epoch;

	memset(m, 0, sizeof(*m));
	if (split(e->line, e->len, fl->f, fl->n, entry_fields(v)) !=
	    entry_fields(v) || !field_is(fl->f[0], fl->n[0], "secret") ||
	    fl->n[1] > SR_SECRET_NAME_LEN_MAX)
		return -1;
	memcpy(m->name, fl->f[1], fl->n[1]);
	if (!sr_vault_name_valid(m->name) ||
	    parse_uint(&epoch, fl->f[2], fl->n[2]) != 0 ||
	    epoch >= SR_VAULT_MAX_EPOCHS ||
	    sr_time_parse(&m->created, fl->f[3], fl->n[3]) != 0 ||
	    sr_time_parse(&m->updated, fl->f[4], fl->n[4]) != 0)
		return -1;
	m->epoch = (unsigned)epoch;
	if (!field_is(fl->f[5], fl->n[5], "-") &&
	    sr_time_parse(&m->expires, fl->f[5], fl->n[5]) != 0)
		return -1;
	if (!field_is(fl->f[6], fl->n[6], "-") &&
	    (parse_uint(&m->rotate_after, fl->f[6], fl->n[6]) != 0 ||
	    m->rotate_after == 0))
		return -1;
	if (!field_is(fl->f[7], fl->n[7], "-")) {
		if (fl->n[7] > SR_LABELS_MAX)
			return -1;
		memcpy(m->labels, fl->f[7], fl->n[7]);
		if (m->labels[0] == '\0' || !sr_vault_labels_valid(m->labels))
			return -1;
	}
	return 0;
}

/* The line of an entry up to its nonce: what the AEAD authenticates. */
static int
entry_prefix(char *out, size_t size, const sr_secret_meta *m)
{
	char c[SR_TIME_RFC3339_LEN], u[SR_TIME_RFC3339_LEN];
	char x[SR_TIME_RFC3339_LEN] = "-", r[24] = "-";
	int n;

	if (m->expires)
		sr_time_format(x, sizeof(x), m->expires);
	if (m->rotate_after)
		snprintf(r, sizeof(r), "%lld", (long long)m->rotate_after);
	n = snprintf(out, size, "secret %s %u %s %s %s %s %s", m->name,
	    m->epoch, sr_time_format(c, sizeof(c), m->created),
	    sr_time_format(u, sizeof(u), m->updated), x, r,
	    m->labels[0] ? m->labels : "-");
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* tag || id || prefix; the tag names the format version of the line. */
static int
entry_ad(unsigned char *ad, size_t size, size_t *adlen, int version,
    const unsigned char *id, const char *prefix, size_t plen)
{
	const char *t = version == 1 ? AD_TAG_V1 : AD_TAG_V2;
	size_t tag = strlen(t);

	if (tag + ID_BYTES + plen > size)
		return -1;
	memcpy(ad, t, tag);
	memcpy(ad + tag, id, ID_BYTES);
	memcpy(ad + tag + ID_BYTES, prefix, plen);
	*adlen = tag + ID_BYTES + plen;
	return 0;
}

/* strcmp order between an entry's name and the NUL-terminated name. */
static int
name_cmp(const struct ventry *e, const char *name, size_t len)
{
	int c = memcmp(e->name, name, e->namelen < len ? e->namelen : len);

	if (c != 0)
		return c;
	return e->namelen < len ? -1 : e->namelen > len;
}

long
sr_vault_find(const sr_vault *v, const char *name)
{
	size_t lo = 0, hi = v->nent, len = strlen(name);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(&v->ent[mid], name, len);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

size_t
sr_vault_count(const sr_vault *v)
{
	return v->nent;
}

int
sr_vault_meta_at(sr_secret_meta *out, const sr_vault *v, size_t i,
    sr_err *err)
{
	struct fields fl;
	char msg[300];

	if (i >= v->nent || entry_meta(out, &fl, v, &v->ent[i]) != 0) {
		snprintf(msg, sizeof(msg), "malformed entry for secret '%.*s'",
		    i < v->nent ? (int)v->ent[i].namelen : 1,
		    i < v->nent ? v->ent[i].name : "?");
		return fail(v, err, 0, msg);
	}
	return 0;
}

/* The key commitment of a version 2 line: a MAC of its nonce under a
 * subkey of its epoch key. A ciphertext that some other key also opens
 * (XChaCha20-Poly1305 does not commit to its key) fails this first. */
static int
line_commit(unsigned char out[AUTH_BYTES], const sr_vault *v, unsigned epoch,
    const unsigned char nonce[NONCE_BYTES])
{
	return sr_vault_auth_mac(out, v->keys + (size_t)epoch * KEY_BYTES,
	    SR_VAULT_AUTH_LINE, LINE_TAG, nonce, NONCE_BYTES);
}

static int
commit_ok(const sr_vault *v, unsigned epoch,
    const unsigned char nonce[NONCE_BYTES], const struct fields *fl)
{
	unsigned char want[AUTH_BYTES], got[AUTH_BYTES];

	return b64_decode(got, sizeof(got), NULL, fl->f[F_COMMIT],
	    fl->n[F_COMMIT], AUTH_BYTES) == 0 &&
	    line_commit(want, v, epoch, nonce) == 0 &&
	    sodium_memcmp(want, got, AUTH_BYTES) == 0;
}

/* Decrypt an entry into out (cap bytes, sodium memory), NUL-terminated. */
static int
decrypt_into(unsigned char *out, size_t cap, size_t *len, const sr_vault *v,
    const struct ventry *e, const sr_secret_meta *m, struct fields *fl)
{
	unsigned char nonce[NONCE_BYTES], ad[512];
	unsigned char *ct = NULL;
	size_t fct = entry_fields(v) - 1, ctmax = fl->n[fct], ctlen, adlen;
	unsigned long long plen;
	int rc = -1;

	if (m->epoch >= v->nkeys || b64_decode(nonce, sizeof(nonce), NULL,
	    fl->f[F_NONCE], fl->n[F_NONCE], NONCE_BYTES) != 0 ||
	    entry_ad(ad, sizeof(ad), &adlen, v->version, v->id, e->line,
	    (size_t)(fl->f[F_NONCE] - 1 - e->line)) != 0)
		return -1;
	if (v->version != 1 && !commit_ok(v, m->epoch, nonce, fl))
		return -1;
	if ((ct = malloc(ctmax + 1)) == NULL ||
	    b64_decode(ct, ctmax, &ctlen, fl->f[fct], fl->n[fct], 0) != 0 ||
	    ctlen <= TAG_BYTES || ctlen - TAG_BYTES > SR_SECRET_VALUE_MAX ||
	    ctlen - TAG_BYTES >= cap)
		goto done;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &plen, NULL, ct,
	    ctlen, ad, adlen, nonce, v->keys + m->epoch * KEY_BYTES) != 0)
		goto done;
	out[plen] = '\0';
	*len = (size_t)plen;
	rc = 0;
done:
	free(ct);
	return rc;
}

/*
 * The sodium region for a value: *buf (cap bytes) is kept when the value
 * fits, replaced by a larger one when it does not.
 */
static int
value_room(unsigned char **buf, size_t *cap, const sr_vault *v,
    const struct fields *fl)
{
	/* base64 of n bytes: ceil(4n/3) characters, so n <= 3/4 of them */
	size_t need = fl->n[entry_fields(v) - 1] / 4 * 3 + 3;
	unsigned char *n;

	if (*buf != NULL && *cap >= need)
		return 0;
	if (need < VALUE_ROOM_MIN)
		need = VALUE_ROOM_MIN;
	if ((n = sr_secalloc_alloc(need)) == NULL)
		return -1;
	sr_secalloc_free(*buf);
	*buf = n;
	*cap = need;
	return 0;
}

int
sr_vault_get_reuse(unsigned char **buf, size_t *cap, size_t *len,
    sr_secret_meta *meta, const sr_vault *v, const char *name, sr_err *err)
{
	long i = sr_vault_find(v, name);
	struct fields fl;
	char msg[400];

	if (i < 0)
		return sr_err_set(err, SR_ERR_NOTFOUND, v->where, 0, "no "
		    "secret '%.128s' in the vault", name);
	if (v->keys == NULL)
		return fail(v, err, 0, "the vault is locked");
	if (entry_meta(meta, &fl, v, &v->ent[i]) != 0)
		goto damaged;
	if (value_room(buf, cap, v, &fl) != 0)
		return fail(v, err, 0, "out of memory");
	if (decrypt_into(*buf, *cap, len, v, &v->ent[i], meta, &fl) == 0)
		return 0;
damaged:
	snprintf(msg, sizeof(msg), "secret '%.128s' failed authentication: "
	    "the vault was modified or damaged", name);
	return fail(v, err, 0, msg);
}

int
sr_vault_get(unsigned char **value, size_t *len, sr_secret_meta *meta,
    const sr_vault *v, const char *name, sr_err *err)
{
	size_t cap = 0;

	*value = NULL;
	if (sr_vault_get_reuse(value, &cap, len, meta, v, name, err) == 0)
		return 0;
	sr_secalloc_free(*value);
	*value = NULL;
	return -1;
}

/* ---- changing entries -------------------------------------------- */

/*
 * A version 2 line for value, under m's epoch and the vault id id (the
 * vault's own, except while upgrading, which moves to a new one):
 * prefix, nonce, key commitment, ciphertext.
 */
static int
make_line(char **out, size_t *outlen, const sr_vault *v,
    const unsigned char *id, const sr_secret_meta *m,
    const unsigned char *value, size_t len)
{
	char prefix[512];
	unsigned char nonce[NONCE_BYTES], commit[AUTH_BYTES], ad[600], *ct;
	size_t adlen, ctlen = len + TAG_BYTES, cap, n;
	size_t ctb64 = sodium_base64_ENCODED_LEN(ctlen,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	int plen = entry_prefix(prefix, sizeof(prefix), m);
	char *line;

	if (plen < 0 || entry_ad(ad, sizeof(ad), &adlen, 2, id, prefix,
	    (size_t)plen) != 0 || (ct = malloc(ctlen)) == NULL)
		return -1;
	randombytes_buf(nonce, sizeof(nonce));
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, value, len, ad,
	    adlen, NULL, nonce, v->keys + m->epoch * KEY_BYTES);
	cap = (size_t)plen + 3 + 40 + 48 + ctb64;
	if (line_commit(commit, v, m->epoch, nonce) != 0 ||
	    (line = malloc(cap)) == NULL) {
		free(ct);
		return -1;
	}
	memcpy(line, prefix, (size_t)plen);
	n = (size_t)plen;
	line[n++] = ' ';
	b64_encode(line + n, cap - n, nonce, sizeof(nonce));
	n += strlen(line + n);
	line[n++] = ' ';
	b64_encode(line + n, cap - n, commit, sizeof(commit));
	n += strlen(line + n);
	line[n++] = ' ';
	b64_encode(line + n, cap - n, ct, ctlen);
	n += strlen(line + n);
	free(ct);
	*out = line;
	*outlen = n;
	return 0;
}

static int
insert_at(sr_vault *v, size_t at)
{
	if (v->nent == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct ventry *e = realloc(v->ent, cap * sizeof(*e));
		if (e == NULL)
			return -1;
		v->ent = e;
		v->cap = cap;
	}
	memmove(&v->ent[at + 1], &v->ent[at], (v->nent - at) * sizeof(*v->ent));
	memset(&v->ent[at], 0, sizeof(*v->ent));
	v->nent++;
	return 0;
}

static int
check_value(const sr_vault *v, const char *name, const unsigned char *value,
    size_t len, const sr_secret_meta *meta, sr_err *err)
{
	if (!sr_vault_name_valid(name))
		return sr_err_set(err, SR_ERR_USAGE, v->where, 0, "invalid "
		    "secret name '%.128s' (A-Z a-z 0-9 . _ / -, at most %d)",
		    name, SR_SECRET_NAME_LEN_MAX);
	if (len == 0 || len > SR_SECRET_VALUE_MAX)
		return sr_err_set(err, SR_ERR_USAGE, v->where, 0, "a secret "
		    "value must be 1 to %d bytes, not %zu", SR_SECRET_VALUE_MAX,
		    len);
	if (memchr(value, '\0', len) != NULL)
		return sr_err_set(err, SR_ERR_USAGE, v->where, 0, "a secret "
		    "value cannot hold a NUL byte");
	if (!sr_vault_labels_valid(meta->labels))
		return sr_err_set(err, SR_ERR_USAGE, v->where, 0, "invalid "
		    "labels (k=v,k=v; keys a-z 0-9 _ . -)");
	/* only what the format can spell: years 1970-9999, 100 years */
	if (meta->expires < 0 || meta->expires > SR_VAULT_TIME_MAX ||
	    meta->rotate_after < 0 || meta->rotate_after > SR_VAULT_ROTATE_MAX)
		return sr_err_set(err, SR_ERR_USAGE, v->where, 0, "expiry or "
		    "rotation period out of range");
	return 0;
}

static int prepare_change(sr_vault *v, long skip, sr_err *err);
static int begin_change(sr_vault *v, sr_err *err);

int
sr_vault_set(sr_vault *v, const char *name, const unsigned char *value,
    size_t len, const sr_secret_meta *meta, int64_t now, sr_err *err)
{
	sr_secret_meta m = *meta, old;
	struct ventry *e;
	size_t at;
	long i;

	if (check_value(v, name, value, len, meta, err) != 0 ||
	    begin_change(v, err) != 0)
		return -1;
	i = sr_vault_find(v, name);
	snprintf(m.name, sizeof(m.name), "%s", name);
	m.epoch = v->nkeys - 1;
	m.created = m.updated = now;
	if (i >= 0 && sr_vault_meta_at(&old, v, (size_t)i, NULL) == 0)
		m.created = old.created;
	if (i < 0) {
		for (at = 0; at < v->nent && name_cmp(&v->ent[at], name,
		    strlen(name)) < 0; at++)
			;
		if (insert_at(v, at) != 0)
			return fail(v, err, 0, "out of memory");
		i = (long)at;
	}
	e = &v->ent[i];
	free(e->owned);
	e->owned = NULL;
	if (make_line(&e->owned, &e->len, v, v->id, &m, value, len) != 0)
		return fail(v, err, 0, "out of memory");
	e->line = e->owned;
	e->name = e->line + 7;	/* "secret " */
	e->namelen = strlen(name);
	return 0;
}

int
sr_vault_remove(sr_vault *v, const char *name, sr_err *err)
{
	long i;

	if ((i = sr_vault_find(v, name)) < 0)
		return sr_err_set(err, SR_ERR_NOTFOUND, v->where, 0, "no "
		    "secret '%.128s' in the vault", name);
	/* every line but the one that goes: a damaged line can be removed */
	if (prepare_change(v, i, err) != 0)
		return -1;
	free(v->ent[i].owned);
	memmove(&v->ent[i], &v->ent[i + 1], (v->nent - (size_t)i - 1) *
	    sizeof(*v->ent));
	v->nent--;
	v->verified = 1;
	return begin_change(v, err);
}

/* ---- the keyring and recipients ---------------------------------- */

/* id || epoch count || the epoch keys, in sodium memory. */
static unsigned char *
keyring_plain(const sr_vault *v, size_t *len)
{
	unsigned char *p;

	*len = ID_BYTES + 1 + (size_t)v->nkeys * KEY_BYTES;
	if ((p = sr_secalloc_alloc(*len)) == NULL)
		return NULL;
	memcpy(p, v->id, ID_BYTES);
	p[ID_BYTES] = (unsigned char)v->nkeys;
	memcpy(p + ID_BYTES + 1, v->keys, (size_t)v->nkeys * KEY_BYTES);
	return p;
}

static int
seal_for(struct vrecip *r, const unsigned char *plain, size_t len)
{
	unsigned char *s = malloc(len + crypto_box_SEALBYTES);

	if (s == NULL || crypto_box_seal(s, plain, len, r->pk) != 0) {
		free(s);
		return -1;
	}
	free(r->sealed);
	r->sealed = s;
	r->sealed_len = len + crypto_box_SEALBYTES;
	return 0;
}

/* Seal the keyring again for every recipient, after it changed. */
static int
reseal_all(sr_vault *v)
{
	unsigned char *plain;
	size_t len, i;
	int rc = 0;

	if ((plain = keyring_plain(v, &len)) == NULL)
		return -1;
	for (i = 0; i < v->nrcp && rc == 0; i++)
		rc = seal_for(&v->rcp[i], plain, len);
	sr_secalloc_free(plain);
	return rc;
}

static int
open_keyring(sr_vault *v, const struct vrecip *r, const sr_identity *id,
    sr_err *err)
{
	unsigned char *plain;
	size_t len;
	unsigned n;
	int rc = -1;

	if (r->sealed_len <= crypto_box_SEALBYTES + ID_BYTES + 1 ||
	    r->sealed_len > crypto_box_SEALBYTES + KEYRING_MAX)
		return fail(v, err, 0, "your keyring in the vault is damaged");
	len = r->sealed_len - crypto_box_SEALBYTES;
	if ((plain = sr_secalloc_alloc(len)) == NULL)
		return fail(v, err, 0, "out of memory");
	if (crypto_box_seal_open(plain, r->sealed, r->sealed_len, id->pk,
	    id->sk) != 0) {
		fail(v, err, 0, "your keyring in the vault failed "
		    "authentication: the vault was modified or damaged");
		goto done;
	}
	n = plain[ID_BYTES];
	if (sodium_memcmp(plain, v->id, ID_BYTES) != 0 || n == 0 ||
	    len != ID_BYTES + 1 + (size_t)n * KEY_BYTES) {
		fail(v, err, 0, "your keyring belongs to another vault");
		goto done;
	}
	if ((v->keys = sr_secalloc_alloc((size_t)n * KEY_BYTES)) == NULL) {
		fail(v, err, 0, "out of memory");
		goto done;
	}
	memcpy(v->keys, plain + ID_BYTES + 1, (size_t)n * KEY_BYTES);
	v->nkeys = n;
	rc = 0;
done:
	sr_secalloc_free(plain);
	return rc;
}

/* A MAC under a subkey of the newest epoch key. */
static int
newest_mac(unsigned char out[AUTH_BYTES], const sr_vault *v,
    enum sr_vault_auth_subkey which, const char *tag, const char *text,
    size_t len)
{
	return sr_vault_auth_mac(out,
	    v->keys + (size_t)(v->nkeys - 1) * KEY_BYTES, which, tag, text,
	    len);
}

/*
 * What version 2 adds at unlock, once the caller's keyring is open: the
 * vault id is the hash of key 0 (an outsider, who never had it, cannot
 * seal a keyring of their own under the vault's id), the epoch count and
 * the keyring commitment are the header's (every member holds the same
 * keyring), and the header MAC holds under the newest key (no recipient
 * line was added or changed by anyone without it).
 */
static int
check_keyring_v2(sr_vault *v, sr_err *err)
{
	unsigned char want[AUTH_BYTES], id[ID_BYTES];

	sr_vault_auth_id(id, v->keys);
	if (v->nkeys != v->hdr_epochs ||
	    sodium_memcmp(id, v->id, ID_BYTES) != 0 ||
	    sr_vault_auth_keyring(want, v->id, v->keys, v->nkeys) != 0 ||
	    sodium_memcmp(want, v->hdr_keyring, AUTH_BYTES) != 0)
		return fail(v, err, 0, "your keyring does not match the "
		    "vault's keyring commitment: your recipient line was "
		    "replaced or the header edited; restore the vault from git "
		    "(git log -p -- VAULT)");
	if (newest_mac(want, v, SR_VAULT_AUTH_HEADER, HEADER_TAG, v->buf,
	    v->hdr_len) != 0 || sodium_memcmp(want, v->hdr_mac,
	    AUTH_BYTES) != 0)
		return fail(v, err, 0, "the vault's header failed "
		    "authentication: a recipient line or the epoch count was "
		    "added or changed without the vault's key; restore the "
		    "vault from git (git log -p -- VAULT)");
	return 0;
}

static void
forget_keys(sr_vault *v)
{
	sr_secalloc_free(v->keys);
	v->keys = NULL;
	v->nkeys = 0;
}

static long
recipient_index(const sr_vault *v, const unsigned char *pk)
{
	size_t i;

	for (i = 0; i < v->nrcp; i++)
		if (memcmp(v->rcp[i].pk, pk, PK_BYTES) == 0)
			return (long)i;
	return -1;
}

int
sr_vault_unlock(sr_vault *v, const sr_identity *id, sr_err *err)
{
	long i = recipient_index(v, id->pk);
	char text[SR_RECIPIENT_TEXT_MAX];

	if (v->keys != NULL)
		return 0;
	if (i < 0) {
		sr_recipient_format(text, id->pk);
		return sr_err_set(err, SR_ERR_CONFIG, v->where, 0, "your "
		    "identity (%s) is not a recipient of this vault: ask a "
		    "recipient to run `scoperun recipient add %s`", text, text);
	}
	if (open_keyring(v, &v->rcp[i], id, err) != 0)
		return -1;
	if (v->version != 1 && check_keyring_v2(v, err) != 0) {
		forget_keys(v);
		return -1;
	}
	return 0;
}

size_t
sr_vault_recipient_count(const sr_vault *v)
{
	return v->nrcp;
}

const unsigned char *
sr_vault_recipient_at(const sr_vault *v, size_t i)
{
	return i < v->nrcp ? v->rcp[i].pk : NULL;
}

int
sr_vault_recipient_add(sr_vault *v, const unsigned char *pk, sr_err *err)
{
	struct vrecip *r;
	unsigned char *plain;
	size_t len;
	int rc;

	if (begin_change(v, err) != 0)
		return -1;
	if (recipient_index(v, pk) >= 0)
		return sr_err_set(err, SR_ERR_USAGE, v->where, 0, "already a "
		    "recipient");
	if ((r = realloc(v->rcp, (v->nrcp + 1) * sizeof(*r))) == NULL)
		return fail(v, err, 0, "out of memory");
	v->rcp = r;
	r = &v->rcp[v->nrcp];
	memset(r, 0, sizeof(*r));
	memcpy(r->pk, pk, PK_BYTES);
	if ((plain = keyring_plain(v, &len)) == NULL)
		return fail(v, err, 0, "out of memory");
	rc = seal_for(r, plain, len);
	sr_secalloc_free(plain);
	if (rc != 0)
		return fail(v, err, 0, "cannot seal the keyring");
	v->nrcp++;
	return 0;
}

/* A new epoch key: what is set from now on, a removed recipient cannot
 * read. */
static int
new_epoch(sr_vault *v)
{
	unsigned char *keys;

	if (v->nkeys >= SR_VAULT_MAX_EPOCHS)
		return -1;
	if ((keys = sr_secalloc_alloc((size_t)(v->nkeys + 1) * KEY_BYTES)) == NULL)
		return -1;
	if (v->nkeys)
		memcpy(keys, v->keys, (size_t)v->nkeys * KEY_BYTES);
	crypto_aead_xchacha20poly1305_ietf_keygen(keys +
	    (size_t)v->nkeys * KEY_BYTES);
	if (v->keys)
		sr_secalloc_free(v->keys);
	v->keys = keys;
	v->nkeys++;
	return 0;
}

int
sr_vault_recipient_remove(sr_vault *v, const unsigned char *pk, sr_err *err)
{
	long i;

	if (begin_change(v, err) != 0)
		return -1;
	if ((i = recipient_index(v, pk)) < 0)
		return sr_err_set(err, SR_ERR_NOTFOUND, v->where, 0, "not a "
		    "recipient of this vault");
	if (v->nrcp == 1)
		return sr_err_set(err, SR_ERR_USAGE, v->where, 0, "cannot "
		    "remove the last recipient: nobody could read the vault");
	/* the new epoch first: if it cannot start, nothing has changed */
	if (new_epoch(v) != 0)
		return fail(v, err, 0, "cannot start a new key epoch (at most "
		    "255 recipient removals per vault)");
	free(v->rcp[i].sealed);
	memmove(&v->rcp[i], &v->rcp[i + 1], (v->nrcp - (size_t)i - 1) *
	    sizeof(*v->rcp));
	v->nrcp--;
	if (reseal_all(v) != 0)
		return fail(v, err, 0, "cannot seal the new keyring");
	return 0;
}

/* ---- reading the file -------------------------------------------- */

struct reader {
	const char *p, *end;
	unsigned lineno;
};

/* The next line (without its newline); 0 at the end of the text. */
static int
next_line(struct reader *r, const char **line, size_t *len)
{
	const char *nl;

	if (r->p >= r->end)
		return 0;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	*line = r->p;
	*len = (size_t)(nl - r->p);
	r->p = nl + 1;
	r->lineno++;
	return 1;
}

/* "WORD B64" holding exactly want bytes. */
static int
keyed_b64(unsigned char *out, size_t want, const char *word, const char *line,
    size_t len)
{
	const char *f[3];
	size_t fl[3];

	return split(line, len, f, fl, 3) == 2 && field_is(f[0], fl[0], word) &&
	    b64_decode(out, want, NULL, f[1], fl[1], want) == 0 ? 0 : -1;
}

/* Version 2's epochs and keyring lines, after the id. */
static int
parse_header_v2(sr_vault *v, struct reader *r, sr_err *err)
{
	const char *line, *f[3];
	size_t len, fl[3];
	int64_t n;

	if (!next_line(r, &line, &len) || split(line, len, f, fl, 3) != 2 ||
	    !field_is(f[0], fl[0], "epochs") ||
	    parse_uint(&n, f[1], fl[1]) != 0 || n < 1 ||
	    n > SR_VAULT_MAX_EPOCHS)
		return fail(v, err, r->lineno, "malformed epochs line");
	v->hdr_epochs = (unsigned)n;
	if (!next_line(r, &line, &len) || keyed_b64(v->hdr_keyring,
	    AUTH_BYTES, "keyring", line, len) != 0)
		return fail(v, err, r->lineno, "malformed keyring line");
	return 0;
}

static int
parse_header(sr_vault *v, struct reader *r, sr_err *err)
{
	const char *line, *f[3];
	size_t len, fl[3];
	char msg[128];

	if (!next_line(r, &line, &len) || split(line, len, f, fl, 3) != 2 ||
	    !field_is(f[0], fl[0], MAGIC))
		return fail(v, err, 1, "not a scoperun vault");
	if (field_is(f[1], fl[1], "1") || field_is(f[1], fl[1], "2")) {
		v->version = f[1][0] - '0';
	} else {
		snprintf(msg, sizeof(msg), "unsupported vault format version "
		    "'%.*s' (this scoperun reads versions 1 and %d)",
		    (int)(fl[1] > 16 ? 16 : fl[1]), f[1],
		    SR_VAULT_FORMAT_VERSION);
		return fail(v, err, 1, msg);
	}
	if (!next_line(r, &line, &len) || split(line, len, f, fl, 3) != 2 ||
	    !field_is(f[0], fl[0], "id") || b64_decode(v->id, sizeof(v->id),
	    NULL, f[1], fl[1], ID_BYTES) != 0)
		return fail(v, err, 2, "malformed vault id line");
	return v->version == 1 ? 0 : parse_header_v2(v, r, err);
}

static int
parse_recipient(sr_vault *v, const char **f, const size_t *fl,
    unsigned lineno, sr_err *err)
{
	char text[SR_RECIPIENT_TEXT_MAX];
	struct vrecip *r;

	if (fl[1] >= sizeof(text))
		return fail(v, err, lineno, "malformed recipient");
	memcpy(text, f[1], fl[1]);
	text[fl[1]] = '\0';
	if ((r = realloc(v->rcp, (v->nrcp + 1) * sizeof(*r))) == NULL)
		return fail(v, err, lineno, "out of memory");
	v->rcp = r;
	r = &v->rcp[v->nrcp];
	memset(r, 0, sizeof(*r));
	if (sr_recipient_parse(r->pk, text, NULL) != 0 ||
	    recipient_index(v, r->pk) >= 0 ||
	    (r->sealed = malloc(fl[2])) == NULL ||
	    b64_decode(r->sealed, fl[2], &r->sealed_len, f[2], fl[2], 0) != 0) {
		free(r->sealed);
		return fail(v, err, lineno, "malformed or repeated recipient");
	}
	v->nrcp++;
	return 0;
}

/* A secret line: only its name is read now; the rest when asked for. */
static int
parse_secret(sr_vault *v, const char *line, size_t len, unsigned lineno,
    sr_err *err)
{
	const char *name = line + 7, *sp;
	struct ventry *e;

	sp = memchr(name, ' ', len - 7);
	if (sp == NULL || sp == name || sp - name > SR_SECRET_NAME_LEN_MAX ||
	    !name_ok(name, (size_t)(sp - name)))
		return fail(v, err, lineno, "malformed secret line");
	if (insert_at(v, v->nent) != 0)
		return fail(v, err, lineno, "out of memory");
	e = &v->ent[v->nent - 1];
	e->name = name;
	e->namelen = (size_t)(sp - name);
	e->line = line;
	e->len = len;
	if (v->nent > 1 && name_cmp(&v->ent[v->nent - 2], e->name,
	    e->namelen) >= 0)
		return fail(v, err, lineno, "secrets out of order or repeated: "
		    "the vault was edited by hand or damaged");
	return 0;
}

/* "end NRECIPIENTS NSECRETS", and in version 2 " B64(MAC)". */
static int
parse_end(sr_vault *v, const char *line, size_t len, unsigned lineno,
    sr_err *err)
{
	const char *f[5];
	size_t fl[5], want = v->version == 1 ? 3 : 4;
	int64_t nr, ns;

	if (split(line, len, f, fl, 4) != want ||
	    parse_uint(&nr, f[1], fl[1]) != 0 ||
	    parse_uint(&ns, f[2], fl[2]) != 0 || (want == 4 &&
	    b64_decode(v->end_mac, AUTH_BYTES, NULL, f[3], fl[3],
	    AUTH_BYTES) != 0))
		return fail(v, err, lineno, "malformed end line");
	if ((size_t)nr != v->nrcp || (size_t)ns != v->nent)
		return fail(v, err, lineno, "the end line does not match the "
		    "entries: the vault was truncated or lines were removed");
	/* the end MAC covers everything before it: the file up to the space
	 * before the MAC */
	if (want == 4)
		v->body_len = (size_t)(f[3] - 1 - v->buf);
	return 0;
}

/* Version 2's mac line, once, after the last recipient. */
static int
parse_mac(sr_vault *v, const char *line, size_t len, unsigned lineno,
    sr_err *err)
{
	if (v->version == 1 || v->nrcp == 0 || v->hdr_len != 0 ||
	    keyed_b64(v->hdr_mac, AUTH_BYTES, "mac", line, len) != 0)
		return fail(v, err, lineno, "malformed line");
	v->hdr_len = (size_t)(line - v->buf);
	return 0;
}

/* Where a line may stand: recipients before the mac line (version 2)
 * or the first secret (version 1); secrets after them. */
static int
recipients_open(const sr_vault *v)
{
	return v->nent == 0 && v->hdr_len == 0;
}

static int
secrets_open(const sr_vault *v)
{
	return v->version == 1 || v->hdr_len != 0;
}

static int
parse_line(sr_vault *v, const char *line, size_t len, unsigned lineno,
    sr_err *err)
{
	const char *f[3];
	size_t fl[3];

	/* secret lines are most of a vault: split them only when one is
	 * read (entry_meta checks all their fields then) */
	if (len > 7 && memcmp(line, "secret ", 7) == 0 && secrets_open(v))
		return parse_secret(v, line, len, lineno, err);
	if (len > 4 && memcmp(line, "mac ", 4) == 0)
		return parse_mac(v, line, len, lineno, err);
	if (split(line, len, f, fl, 3) == 3 &&
	    field_is(f[0], fl[0], "recipient") && recipients_open(v))
		return parse_recipient(v, f, fl, lineno, err);
	return fail(v, err, lineno, "malformed line");
}

/* Recipients, then secrets, then the end line, then nothing. */
static int
parse_body(sr_vault *v, struct reader *r, sr_err *err)
{
	const char *line;
	size_t len;

	while (next_line(r, &line, &len)) {
		if (len > 4 && memcmp(line, "end ", 4) == 0) {
			if (v->version != 1 && v->hdr_len == 0)
				return fail(v, err, r->lineno, "the vault has "
				    "no mac line");
			if (parse_end(v, line, len, r->lineno, err) != 0)
				return -1;
			if (r->p != r->end)
				return fail(v, err, r->lineno + 1, "text after "
				    "the end line");
			return v->nrcp ? 0 : fail(v, err, r->lineno,
			    "the vault has no recipient");
		}
		if (parse_line(v, line, len, r->lineno, err) != 0)
			return -1;
	}
	return fail(v, err, r->lineno, "the vault is truncated (no end "
	    "line)");
}

/* Parse buf (len bytes, malloc'd, NUL-terminated), which the vault owns
 * from now on, on success or not: entries point into it. */
static int
parse_owned(sr_vault **out, char *buf, size_t len, const char *where,
    sr_err *err)
{
	sr_vault *v = NULL;
	struct reader r;

	*out = NULL;
	if (sodium_init() < 0 || (v = calloc(1, sizeof(*v))) == NULL) {
		free(buf);
		return sr_err_set(err, SR_ERR_SYSTEM, where, 0,
		    "out of memory");
	}
	v->buf = buf;
	snprintf(v->where, sizeof(v->where), "%s", where);
	r.p = v->buf;
	r.end = v->buf + len;
	r.lineno = 0;
	if (memchr(v->buf, '\0', len) != NULL) {
		fail(v, err, 0, "not a scoperun vault (it holds a NUL byte)");
		sr_vault_free(v);
		return -1;
	}
	if (len == 0 || v->buf[len - 1] != '\n') {
		fail(v, err, 0, len ? "the vault is truncated (no newline at "
		    "the end)" : "the vault is empty");
		sr_vault_free(v);
		return -1;
	}
	if (parse_header(v, &r, err) != 0 || parse_body(v, &r, err) != 0) {
		sr_vault_free(v);
		return -1;
	}
	*out = v;
	return 0;
}

int
sr_vault_parse(sr_vault **out, const char *buf, size_t len,
    const char *where, sr_err *err)
{
	char *copy = malloc(len + 1);

	*out = NULL;
	if (copy == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, where, 0,
		    "out of memory");
	memcpy(copy, buf, len);
	copy[len] = '\0';
	return parse_owned(out, copy, len, where, err);
}

int
sr_vault_open(sr_vault **out, const char *path, sr_err *err)
{
	char *buf;
	size_t len;

	*out = NULL;
	/* sealed, so readable by others is fine (git checks it out 0644);
	 * writable by others is not: they could swap the values */
	if (sr_file_read_strict(&buf, &len, path, SR_VAULT_MAX_BYTES, 0,
	    err) != 0)
		return -1;
	return parse_owned(out, buf, len, path, err);
}

int
sr_vault_create(sr_vault **out, const sr_identity *id, sr_err *err)
{
	sr_vault *v = NULL;

	*out = NULL;
	if (sodium_init() < 0 || (v = calloc(1, sizeof(*v))) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	snprintf(v->where, sizeof(v->where), "new vault");
	v->version = SR_VAULT_FORMAT_VERSION;
	v->verified = v->dirty = 1;	/* nothing in it was read */
	if (new_epoch(v) == 0)
		sr_vault_auth_id(v->id, v->keys);
	if (v->keys == NULL || sr_vault_recipient_add(v, id->pk, err) != 0) {
		sr_vault_free(v);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot create "
		    "the vault keys");
	}
	*out = v;
	return 0;
}

void
sr_vault_free(sr_vault *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nrcp; i++)
		free(v->rcp[i].sealed);
	for (i = 0; i < v->nent; i++)
		free(v->ent[i].owned);
	free(v->rcp);
	free(v->ent);
	free(v->buf);
	if (v->keys)
		sr_secalloc_free(v->keys);
	free(v);
}

/* ---- writing ----------------------------------------------------- */

static void
sb_b64(sr_buf *b, const unsigned char *bin, size_t n)
{
	size_t need = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *tmp = malloc(need);

	if (tmp == NULL) {
		b->failed = 1;
		return;
	}
	b64_encode(tmp, need, bin, n);
	sr_buf_put(b, tmp, strlen(tmp));
	free(tmp);
}

/*
 * A version 2 MAC line's value: made anew (under the newest key) when the
 * vault was changed, else the one read, so that an unchanged vault is
 * written back byte for byte, and nothing read but not verified is ever
 * vouched for by a new MAC.
 */
static void
sb_mac(sr_buf *b, const sr_vault *v, enum sr_vault_auth_subkey which,
    const char *tag, const unsigned char *stored, size_t covered)
{
	unsigned char mac[AUTH_BYTES];

	if (!v->dirty) {
		sb_b64(b, stored, AUTH_BYTES);
		return;
	}
	if (b->failed || v->keys == NULL ||
	    newest_mac(mac, v, which, tag, b->p, covered) != 0) {
		b->failed = 1;
		return;
	}
	sb_b64(b, mac, AUTH_BYTES);
}

/* epochs and keyring lines: the keyring's own when changed. */
static void
sb_keyring(sr_buf *b, const sr_vault *v)
{
	unsigned char c[AUTH_BYTES];
	char line[32];

	snprintf(line, sizeof(line), "\nepochs %u\nkeyring ", v->dirty ?
	    v->nkeys : v->hdr_epochs);
	sr_buf_put(b, line, strlen(line));
	if (!v->dirty) {
		sb_b64(b, v->hdr_keyring, AUTH_BYTES);
	} else if (v->keys == NULL ||
	    sr_vault_auth_keyring(c, v->id, v->keys, v->nkeys) != 0) {
		b->failed = 1;
	} else {
		sb_b64(b, c, AUTH_BYTES);
	}
}

int
sr_vault_serialize(char **out, size_t *len, const sr_vault *v, sr_err *err)
{
	sr_buf b = SR_BUF_INIT;
	char text[SR_RECIPIENT_TEXT_MAX], tail[64];
	size_t i, covered;

	snprintf(tail, sizeof(tail), MAGIC " %d\nid ", v->version);
	sr_buf_put(&b, tail, strlen(tail));
	sb_b64(&b, v->id, ID_BYTES);
	if (v->version != 1)
		sb_keyring(&b, v);
	for (i = 0; i < v->nrcp; i++) {
		sr_recipient_format(text, v->rcp[i].pk);
		sr_buf_put(&b, "\nrecipient ", 11);
		sr_buf_put(&b, text, strlen(text));
		sr_buf_put(&b, " ", 1);
		sb_b64(&b, v->rcp[i].sealed, v->rcp[i].sealed_len);
	}
	sr_buf_put(&b, "\n", 1);
	if (v->version != 1) {
		/* the header MAC covers the text before its line */
		covered = b.len;
		sr_buf_put(&b, "mac ", 4);
		sb_mac(&b, v, SR_VAULT_AUTH_HEADER, HEADER_TAG, v->hdr_mac,
		    covered);
		sr_buf_put(&b, "\n", 1);
	}
	for (i = 0; i < v->nent; i++) {
		sr_buf_put(&b, v->ent[i].line, v->ent[i].len);
		sr_buf_put(&b, "\n", 1);
	}
	snprintf(tail, sizeof(tail), "end %zu %zu", v->nrcp, v->nent);
	sr_buf_put(&b, tail, strlen(tail));
	if (v->version != 1) {
		/* the end MAC covers all the text before it */
		covered = b.len;
		sr_buf_put(&b, " ", 1);
		sb_mac(&b, v, SR_VAULT_AUTH_BODY, BODY_TAG, v->end_mac,
		    covered);
	}
	sr_buf_put(&b, "\n", 1);
	if (b.failed) {
		free(b.p);
		return sr_err_set(err, SR_ERR_SYSTEM, v->where, 0, v->dirty &&
		    v->keys == NULL ? "the vault is locked" : "out of memory");
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

int
sr_vault_save(const sr_vault *v, const char *path, sr_err *err)
{
	char *text;
	size_t len;
	int rc;

	if (sr_vault_serialize(&text, &len, v, err) != 0)
		return -1;
	rc = sr_file_write_atomic(path, text, len, 0600, err);
	free(text);
	return rc;
}

int
sr_vault_get_into(unsigned char *buf, size_t cap, size_t *len,
    sr_secret_meta *meta, const sr_vault *v, size_t i, sr_err *err)
{
	struct fields fl;
	char msg[400];

	if (i >= v->nent)
		return sr_err_set(err, SR_ERR_NOTFOUND, v->where, 0, "no such "
		    "secret");
	if (v->keys == NULL)
		return fail(v, err, 0, "the vault is locked");
	if (entry_meta(meta, &fl, v, &v->ent[i]) != 0 ||
	    decrypt_into(buf, cap, len, v, &v->ent[i], meta, &fl) != 0) {
		snprintf(msg, sizeof(msg), "secret '%.*s' failed "
		    "authentication: the vault was modified or damaged",
		    (int)v->ent[i].namelen, v->ent[i].name);
		return fail(v, err, 0, msg);
	}
	return 0;
}

/* ---- verifying and upgrading ------------------------------------- */

int
sr_vault_version(const sr_vault *v)
{
	return v->version;
}

const unsigned char *
sr_vault_id(const sr_vault *v)
{
	return v->id;
}

unsigned
sr_vault_epochs(const sr_vault *v)
{
	return v->nkeys;
}

int
sr_vault_keyring_commit(unsigned char out[SR_VAULT_COMMIT_BYTES],
    const sr_vault *v, unsigned n)
{
	if (v->keys == NULL || n == 0 || n > v->nkeys)
		return -1;
	return sr_vault_auth_keyring(out, v->id, v->keys, n);
}

int
sr_vault_check_body(const sr_vault *v, sr_err *err)
{
	unsigned char want[AUTH_BYTES];

	if (v->keys == NULL)
		return fail(v, err, 0, "the vault is locked");
	if (v->version == 1 || v->dirty)
		return 0;	/* nothing to check, or our own text */
	if (newest_mac(want, v, SR_VAULT_AUTH_BODY, BODY_TAG, v->buf,
	    v->body_len) != 0 || sodium_memcmp(want, v->end_mac,
	    AUTH_BYTES) != 0)
		return fail(v, err, 0, "the vault's secret lines failed "
		    "authentication as a whole (its end line's MAC): a line "
		    "was removed, added or put back from an older vault without "
		    "the vault's key; restore the vault from git (git log -p -- "
		    "VAULT)");
	return 0;
}

int
sr_vault_check_entry(const sr_vault *v, size_t i, sr_err *err)
{
	unsigned char *buf = sr_secalloc_alloc(SR_SECRET_VALUE_MAX + 1);
	sr_secret_meta m;
	size_t len;
	int rc;

	if (buf == NULL)
		return fail(v, err, 0, "out of memory");
	rc = sr_vault_get_into(buf, SR_SECRET_VALUE_MAX + 1, &len, &m, v, i,
	    err);
	sr_secalloc_free(buf);
	return rc;
}

/* Every line but skip (-1: none) and, in version 2, the end MAC. */
static int
verify_lines(sr_vault *v, long skip, sr_err *err)
{
	unsigned char *buf;
	sr_secret_meta m;
	size_t i, len;
	int rc = 0;

	if (sr_vault_check_body(v, err) != 0)
		return -1;
	if ((buf = sr_secalloc_alloc(SR_SECRET_VALUE_MAX + 1)) == NULL)
		return fail(v, err, 0, "out of memory");
	for (i = 0; i < v->nent && rc == 0; i++)
		if ((long)i != skip)
			rc = sr_vault_get_into(buf, SR_SECRET_VALUE_MAX + 1,
			    &len, &m, v, i, err);
	sr_secalloc_free(buf);
	if (rc != 0 && err != NULL) {
		char why[SR_ERR_MSG_MAX];
		snprintf(why, sizeof(why), "%s", err->msg);
		return sr_err_set(err, err->kind, v->where, 0, "%.300s; nothing "
		    "was changed: restore the vault from git, or remove that "
		    "secret (scoperun secret rm)", why);
	}
	if (rc != 0)
		return -1;
	if (skip < 0)
		v->verified = 1;
	return 0;
}

int
sr_vault_verify(sr_vault *v, sr_err *err)
{
	if (v->keys == NULL)
		return fail(v, err, 0, "the vault is locked");
	return v->verified ? 0 : verify_lines(v, -1, err);
}

/* Before a change: unlocked, and every line that stays verified. */
static int
prepare_change(sr_vault *v, long skip, sr_err *err)
{
	if (v->keys == NULL)
		return fail(v, err, 0, "the vault is locked");
	return v->verified ? 0 : verify_lines(v, skip, err);
}

static int
begin_change(sr_vault *v, sr_err *err)
{
	if (prepare_change(v, -1, err) != 0 ||
	    (v->version == 1 && sr_vault_upgrade(v, err) != 0))
		return -1;
	v->dirty = 1;
	return 0;
}

/* Each version 1 line again as a version 2 line under the new id. */
static int
upgrade_lines(char **lines, size_t *lens, const sr_vault *v,
    const unsigned char *id, sr_err *err)
{
	unsigned char *buf = sr_secalloc_alloc(SR_SECRET_VALUE_MAX + 1);
	sr_secret_meta m;
	size_t i, len;
	int rc = 0;

	if (buf == NULL)
		return fail(v, err, 0, "out of memory");
	for (i = 0; i < v->nent && rc == 0; i++) {
		rc = sr_vault_get_into(buf, SR_SECRET_VALUE_MAX + 1, &len, &m,
		    v, i, err);
		if (rc == 0 && make_line(&lines[i], &lens[i], v, id, &m, buf,
		    len) != 0)
			rc = fail(v, err, 0, "out of memory");
	}
	sr_secalloc_free(buf);
	return rc;
}

int
sr_vault_upgrade(sr_vault *v, sr_err *err)
{
	unsigned char id[ID_BYTES];
	char **lines;
	size_t *lens, i;
	int rc;

	if (v->version != 1)
		return 0;
	if (prepare_change(v, -1, err) != 0)
		return -1;
	/* version 2's id is the hash of key 0: a new id, so every line is
	 * encrypted again (the id is in its associated data) */
	sr_vault_auth_id(id, v->keys);
	lines = calloc(v->nent + 1, sizeof(*lines));
	lens = calloc(v->nent + 1, sizeof(*lens));
	rc = lines && lens ? upgrade_lines(lines, lens, v, id, err) :
	    fail(v, err, 0, "out of memory");
	for (i = 0; i < v->nent && lines; i++) {
		if (rc != 0) {
			free(lines[i]);
			continue;
		}
		free(v->ent[i].owned);
		v->ent[i].owned = lines[i];
		v->ent[i].line = lines[i];
		v->ent[i].len = lens[i];
		v->ent[i].name = lines[i] + 7;	/* "secret " */
	}
	free(lines);
	free(lens);
	if (rc != 0)
		return -1;
	memcpy(v->id, id, ID_BYTES);
	v->version = 2;
	v->dirty = 1;
	if (reseal_all(v) != 0)
		return fail(v, err, 0, "cannot seal the keyring");
	return 0;
}
