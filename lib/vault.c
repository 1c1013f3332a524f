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

#define MAGIC "scoperun-vault"
#define AD_TAG "scoperun-vault-v1"
#define ID_BYTES 16
#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define PK_BYTES crypto_box_PUBLICKEYBYTES
#define KEYRING_MAX (ID_BYTES + 1 + SR_VAULT_MAX_EPOCHS * KEY_BYTES)
#define ENTRY_FIELDS 10
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
	unsigned char id[ID_BYTES];
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

/* The metadata of an entry line; fails on anything but canonical text. */
static int
entry_meta(sr_secret_meta *m, struct fields *fl, const struct ventry *e)
{
	int64_t epoch;

	memset(m, 0, sizeof(*m));
	if (split(e->line, e->len, fl->f, fl->n, ENTRY_FIELDS) !=
	    ENTRY_FIELDS || !field_is(fl->f[0], fl->n[0], "secret") ||
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

static int
entry_ad(unsigned char *ad, size_t size, size_t *adlen, const sr_vault *v,
    const char *prefix, size_t plen)
{
	size_t tag = sizeof(AD_TAG) - 1;

	if (tag + ID_BYTES + plen > size)
		return -1;
	memcpy(ad, AD_TAG, tag);
	memcpy(ad + tag, v->id, ID_BYTES);
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

	if (i >= v->nent || entry_meta(out, &fl, &v->ent[i]) != 0) {
		snprintf(msg, sizeof(msg), "malformed entry for secret '%.*s'",
		    i < v->nent ? (int)v->ent[i].namelen : 1,
		    i < v->nent ? v->ent[i].name : "?");
		return fail(v, err, 0, msg);
	}
	return 0;
}

/* Decrypt an entry into out (cap bytes, sodium memory), NUL-terminated. */
static int
decrypt_into(unsigned char *out, size_t cap, size_t *len, const sr_vault *v,
    const struct ventry *e, const sr_secret_meta *m, struct fields *fl)
{
	unsigned char nonce[NONCE_BYTES], ad[512];
	unsigned char *ct = NULL;
	size_t ctmax = fl->n[9], ctlen, adlen;
	unsigned long long plen;
	int rc = -1;

	if (m->epoch >= v->nkeys || b64_decode(nonce, sizeof(nonce), NULL,
	    fl->f[8], fl->n[8], NONCE_BYTES) != 0 ||
	    entry_ad(ad, sizeof(ad), &adlen, v, e->line,
	    (size_t)(fl->f[8] - 1 - e->line)) != 0)
		return -1;
	if ((ct = malloc(ctmax + 1)) == NULL ||
	    b64_decode(ct, ctmax, &ctlen, fl->f[9], fl->n[9], 0) != 0 ||
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
value_room(unsigned char **buf, size_t *cap, const struct fields *fl)
{
	/* base64 of n bytes: ceil(4n/3) characters, so n <= 3/4 of them */
	size_t need = fl->n[9] / 4 * 3 + 3;
	unsigned char *n;

	if (*buf != NULL && *cap >= need)
		return 0;
	if (need < VALUE_ROOM_MIN)
		need = VALUE_ROOM_MIN;
	if ((n = sr_secure_alloc(need)) == NULL)
		return -1;
	sr_secure_free(*buf);
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
	if (entry_meta(meta, &fl, &v->ent[i]) != 0)
		goto damaged;
	if (value_room(buf, cap, &fl) != 0)
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
	sr_secure_free(*value);
	*value = NULL;
	return -1;
}

/* ---- changing entries -------------------------------------------- */

static int
make_line(char **out, size_t *outlen, const sr_vault *v,
    const sr_secret_meta *m, const unsigned char *value, size_t len)
{
	char prefix[512];
	unsigned char nonce[NONCE_BYTES], ad[600], *ct;
	size_t adlen, ctlen = len + TAG_BYTES, cap;
	size_t ctb64 = sodium_base64_ENCODED_LEN(ctlen,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	int plen = entry_prefix(prefix, sizeof(prefix), m);
	char *line;

	if (plen < 0 || entry_ad(ad, sizeof(ad), &adlen, v, prefix,
	    (size_t)plen) != 0 || (ct = malloc(ctlen)) == NULL)
		return -1;
	randombytes_buf(nonce, sizeof(nonce));
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, value, len, ad,
	    adlen, NULL, nonce, v->keys + m->epoch * KEY_BYTES);
	cap = (size_t)plen + 2 + 40 + ctb64;
	if ((line = malloc(cap)) == NULL) {
		free(ct);
		return -1;
	}
	memcpy(line, prefix, (size_t)plen);
	line[plen] = ' ';
	b64_encode(line + plen + 1, 40, nonce, sizeof(nonce));
	*outlen = strlen(line);
	line[(*outlen)++] = ' ';
	b64_encode(line + *outlen, cap - *outlen, ct, ctlen);
	*outlen += strlen(line + *outlen);
	free(ct);
	*out = line;
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

int
sr_vault_set(sr_vault *v, const char *name, const unsigned char *value,
    size_t len, const sr_secret_meta *meta, int64_t now, sr_err *err)
{
	sr_secret_meta m = *meta, old;
	long i = sr_vault_find(v, name);
	struct ventry *e;
	size_t at;

	if (check_value(v, name, value, len, meta, err) != 0)
		return -1;
	if (v->keys == NULL)
		return fail(v, err, 0, "the vault is locked");
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
	if (make_line(&e->owned, &e->len, v, &m, value, len) != 0)
		return fail(v, err, 0, "out of memory");
	e->line = e->owned;
	e->name = e->line + 7;	/* "secret " */
	e->namelen = strlen(name);
	return 0;
}

int
sr_vault_remove(sr_vault *v, const char *name, sr_err *err)
{
	long i = sr_vault_find(v, name);

	if (i < 0)
		return sr_err_set(err, SR_ERR_NOTFOUND, v->where, 0, "no "
		    "secret '%.128s' in the vault", name);
	free(v->ent[i].owned);
	memmove(&v->ent[i], &v->ent[i + 1], (v->nent - (size_t)i - 1) *
	    sizeof(*v->ent));
	v->nent--;
	return 0;
}

/* ---- the keyring and recipients ---------------------------------- */

/* id || epoch count || the epoch keys, in sodium memory. */
static unsigned char *
keyring_plain(const sr_vault *v, size_t *len)
{
	unsigned char *p;

	*len = ID_BYTES + 1 + (size_t)v->nkeys * KEY_BYTES;
	if ((p = sr_secure_alloc(*len)) == NULL)
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
	sr_secure_free(plain);
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
	if ((plain = sr_secure_alloc(len)) == NULL)
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
	if ((v->keys = sr_secure_alloc((size_t)n * KEY_BYTES)) == NULL) {
		fail(v, err, 0, "out of memory");
		goto done;
	}
	memcpy(v->keys, plain + ID_BYTES + 1, (size_t)n * KEY_BYTES);
	v->nkeys = n;
	rc = 0;
done:
	sr_secure_free(plain);
	return rc;
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
	return open_keyring(v, &v->rcp[i], id, err);
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

	if (v->keys == NULL)
		return fail(v, err, 0, "the vault is locked");
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
	sr_secure_free(plain);
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
	if ((keys = sr_secure_alloc((size_t)(v->nkeys + 1) * KEY_BYTES)) == NULL)
		return -1;
	if (v->nkeys)
		memcpy(keys, v->keys, (size_t)v->nkeys * KEY_BYTES);
	crypto_aead_xchacha20poly1305_ietf_keygen(keys +
	    (size_t)v->nkeys * KEY_BYTES);
	if (v->keys)
		sr_secure_free(v->keys);
	v->keys = keys;
	v->nkeys++;
	return 0;
}

int
sr_vault_recipient_remove(sr_vault *v, const unsigned char *pk, sr_err *err)
{
	long i = recipient_index(v, pk);

	if (v->keys == NULL)
		return fail(v, err, 0, "the vault is locked");
	if (i < 0)
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

static int
parse_header(sr_vault *v, struct reader *r, sr_err *err)
{
	const char *line, *f[3];
	size_t len, fl[3];
	char msg[128];

	if (!next_line(r, &line, &len) || split(line, len, f, fl, 3) != 2 ||
	    !field_is(f[0], fl[0], MAGIC))
		return fail(v, err, 1, "not a scoperun vault");
	if (!field_is(f[1], fl[1], "1")) {
		snprintf(msg, sizeof(msg), "unsupported vault format version "
		    "'%.*s' (this scoperun reads version %d)",
		    (int)(fl[1] > 16 ? 16 : fl[1]), f[1],
		    SR_VAULT_FORMAT_VERSION);
		return fail(v, err, 1, msg);
	}
	if (!next_line(r, &line, &len) || split(line, len, f, fl, 3) != 2 ||
	    !field_is(f[0], fl[0], "id") || b64_decode(v->id, sizeof(v->id),
	    NULL, f[1], fl[1], ID_BYTES) != 0)
		return fail(v, err, 2, "malformed vault id line");
	return 0;
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

static int
parse_end(sr_vault *v, const char **f, const size_t *fl, unsigned lineno,
    sr_err *err)
{
	int64_t nr, ns;

	if (parse_uint(&nr, f[1], fl[1]) != 0 ||
	    parse_uint(&ns, f[2], fl[2]) != 0)
		return fail(v, err, lineno, "malformed end line");
	if ((size_t)nr != v->nrcp || (size_t)ns != v->nent)
		return fail(v, err, lineno, "the end line does not match the "
		    "entries: the vault was truncated or lines were removed");
	return 0;
}

/* Recipients, then secrets, then the end line, then nothing. */
static int
parse_body(sr_vault *v, struct reader *r, sr_err *err)
{
	const char *line, *f[3];
	size_t len, fl[3], n;

	while (next_line(r, &line, &len)) {
		/* secret lines are most of a vault: split them only when one
		 * is read (entry_meta checks all ten fields then) */
		if (len > 7 && memcmp(line, "secret ", 7) == 0) {
			if (parse_secret(v, line, len, r->lineno, err) != 0)
				return -1;
			continue;
		}
		n = split(line, len, f, fl, 3);
		if (n == 3 && field_is(f[0], fl[0], "recipient") &&
		    v->nent == 0) {
			if (parse_recipient(v, f, fl, r->lineno, err) != 0)
				return -1;
		} else if (n == 3 && field_is(f[0], fl[0], "end")) {
			if (parse_end(v, f, fl, r->lineno, err) != 0)
				return -1;
			if (r->p != r->end)
				return fail(v, err, r->lineno + 1, "text after "
				    "the end line");
			return v->nrcp ? 0 : fail(v, err, r->lineno,
			    "the vault has no recipient");
		} else {
			return fail(v, err, r->lineno, "malformed line");
		}
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
	randombytes_buf(v->id, sizeof(v->id));
	snprintf(v->where, sizeof(v->where), "new vault");
	if (new_epoch(v) != 0 || sr_vault_recipient_add(v, id->pk, err) != 0) {
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
		sr_secure_free(v->keys);
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

int
sr_vault_serialize(char **out, size_t *len, const sr_vault *v, sr_err *err)
{
	sr_buf b = SR_BUF_INIT;
	char text[SR_RECIPIENT_TEXT_MAX], tail[64];
	size_t i;

	sr_buf_put(&b, MAGIC " 1\nid ", strlen(MAGIC) + 6);
	sb_b64(&b, v->id, ID_BYTES);
	for (i = 0; i < v->nrcp; i++) {
		sr_recipient_format(text, v->rcp[i].pk);
		sr_buf_put(&b, "\nrecipient ", 11);
		sr_buf_put(&b, text, strlen(text));
		sr_buf_put(&b, " ", 1);
		sb_b64(&b, v->rcp[i].sealed, v->rcp[i].sealed_len);
	}
	for (i = 0; i < v->nent; i++) {
		sr_buf_put(&b, "\n", 1);
		sr_buf_put(&b, v->ent[i].line, v->ent[i].len);
	}
	snprintf(tail, sizeof(tail), "\nend %zu %zu\n", v->nrcp, v->nent);
	sr_buf_put(&b, tail, strlen(tail));
	if (b.failed) {
		free(b.p);
		return sr_err_set(err, SR_ERR_SYSTEM, v->where, 0,
		    "out of memory");
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
	if (entry_meta(meta, &fl, &v->ent[i]) != 0 ||
	    decrypt_into(buf, cap, len, v, &v->ent[i], meta, &fl) != 0) {
		snprintf(msg, sizeof(msg), "secret '%.*s' failed "
		    "authentication: the vault was modified or damaged",
		    (int)v->ent[i].namelen, v->ent[i].name);
		return fail(v, err, 0, msg);
	}
	return 0;
}
