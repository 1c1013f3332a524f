/*
 * identity.c - X25519 identities and recipients, and their text forms.
 *
 * Everything that ever holds a secret key byte - the identity, the file's
 * bytes, the decode scratch, the text written to disk - is
 * sr_secalloc_alloc'd and sr_secalloc_free'd (which wipes) on every path. Refusals are recorded as a
 * reason and a line, and the message is built from those only after the
 * secret-holding buffers are gone; no message quotes a single byte of a key
 * line, since a mangled secret line is still mostly the secret.
 */
#include "identity.h"

#include <string.h>

#include "b64.h"
#include "file.h"
#include "timeutil.h"
#include "secalloc.h"

#define KEY_BYTES 32
#define CHECK_BYTES 4
#define CHECK_DOMAIN "scoperun-key-v1"
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
/* base64 characters after the prefix, without the NUL */
#define B64_LEN \
	(sodium_base64_ENCODED_LEN(KEY_BYTES + CHECK_BYTES, B64_VARIANT) - 1)
#define TEXT_MAX 256	/* an identity's text form, with the NUL */

_Static_assert(crypto_box_PUBLICKEYBYTES == KEY_BYTES &&
    crypto_box_SECRETKEYBYTES == KEY_BYTES &&
    crypto_scalarmult_BYTES == KEY_BYTES, "keys are 32 bytes");
_Static_assert(sizeof(SR_RECIPIENT_PREFIX) - 1 + B64_LEN + 1 <=
    SR_RECIPIENT_TEXT_MAX, "SR_RECIPIENT_TEXT_MAX too small");
_Static_assert(crypto_generichash_BYTES >= CHECK_BYTES, "hash too short");

/*
 * Scratch for one key's text form. A secret key passes through every
 * field (the hash state buffers its input), so for secrets it lives in
 * sodium memory (secalloc.h); for public keys it may sit on the stack.
 */
struct keybuf {
	crypto_generichash_state st;
	unsigned char hash[crypto_generichash_BYTES];
	unsigned char raw[KEY_BYTES + CHECK_BYTES];	/* key || check */
};

/* Why a key text or identity file was refused. */
enum why {
	WHY_OK = 0,
	WHY_PREFIX,
	WHY_LENGTH,
	WHY_BASE64,
	WHY_CHECK,
	WHY_GARBAGE,
	WHY_SECOND,
	WHY_NOSECRET,
	WHY_NOMEM,
	WHY_SODIUM
};

/* The two kinds of key text, as messages name them. */
struct keykind {
	const char *what;
	const char *prefix;
};

static const struct keykind recipient_kind = {
	"recipient", SR_RECIPIENT_PREFIX
};
static const struct keykind secret_kind = {
	"secret key", SR_IDENTITY_PREFIX
};

static int
sodium_ready(sr_err *err)
{
	if (sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
		    "cannot initialise libsodium");
	return 0;
}

/* kb->hash = BLAKE2b-256(CHECK_DOMAIN || prefix || key); its first bytes
 * are the check. The domain keeps this hash from meaning anything
 * elsewhere, and the prefix keeps a secret key's text from passing for a
 * recipient's (or the reverse) with only its prefix changed. */
static int
key_check(struct keybuf *kb, const char *prefix,
    const unsigned char key[KEY_BYTES])
{
	if (crypto_generichash_init(&kb->st, NULL, 0, sizeof(kb->hash)) != 0 ||
	    crypto_generichash_update(&kb->st,
	    (const unsigned char *)CHECK_DOMAIN, sizeof(CHECK_DOMAIN) - 1) != 0 ||
	    crypto_generichash_update(&kb->st, (const unsigned char *)prefix,
	    strlen(prefix)) != 0 ||
	    crypto_generichash_update(&kb->st, key, KEY_BYTES) != 0 ||
	    crypto_generichash_final(&kb->st, kb->hash, sizeof(kb->hash)) != 0)
		return -1;
	return 0;
}

/* out = prefix || base64url(key || check), NUL-terminated. */
static int
key_encode(char *out, size_t size, struct keybuf *kb, const char *prefix,
    const unsigned char key[KEY_BYTES])
{
	size_t plen = strlen(prefix);

	if (size < plen + B64_LEN + 1 || key_check(kb, prefix, key) != 0)
		return -1;
	memcpy(kb->raw, key, KEY_BYTES);
	memcpy(kb->raw + KEY_BYTES, kb->hash, CHECK_BYTES);
	memcpy(out, prefix, plen);
	if (sodium_bin2base64(out + plen, B64_LEN + 1, kb->raw,
	    sizeof(kb->raw), B64_VARIANT) == NULL)
		return -1;
	return 0;
}

/*
 * The len bytes at b64 (after the prefix, not NUL-terminated) into key.
 * Exactly B64_LEN characters of the alphabet, no padding, no whitespace:
 * anything else is a damaged copy. key is written only on success.
 */
static enum why
key_decode(unsigned char key[KEY_BYTES], struct keybuf *kb,
    const char *prefix, const char *b64, size_t len)
{
	size_t got = 0;

	if (len != B64_LEN)
		return WHY_LENGTH;
	if (sr_b64_decode(kb->raw, sizeof(kb->raw), &got, b64, len) != 0 ||
	    got != sizeof(kb->raw))
		return WHY_BASE64;
	if (key_check(kb, prefix, kb->raw) != 0)
		return WHY_SODIUM;
	if (sodium_memcmp(kb->hash, kb->raw + KEY_BYTES, CHECK_BYTES) != 0)
		return WHY_CHECK;
	memcpy(key, kb->raw, KEY_BYTES);
	return WHY_OK;
}

/*
 * Record a refusal. Called only once no secret is left in memory; nothing
 * here quotes the input. file and line place key and line faults; whole-
 * file faults (line 0) name the file in the message instead.
 */
static int
refuse(sr_err *err, enum why why, const struct keykind *kind,
    const char *file, unsigned line)
{
	const char *f = file ? file : "";

	switch (why) {
	case WHY_PREFIX:
		return sr_err_set(err, SR_ERR_CONFIG, file, line, "not a "
		    "scoperun %s: it should start with %s", kind->what,
		    kind->prefix);
	case WHY_LENGTH:
		return sr_err_set(err, SR_ERR_CONFIG, file, line, "bad %s "
		    "length: a %s is %s and %zu base64url characters",
		    kind->what, kind->what, kind->prefix, (size_t)B64_LEN);
	case WHY_BASE64:
		return sr_err_set(err, SR_ERR_CONFIG, file, line, "bad %s: "
		    "not base64url text", kind->what);
	case WHY_CHECK:
		return sr_err_set(err, SR_ERR_CONFIG, file, line, "checksum "
		    "mismatch: the key was mistyped or truncated");
	case WHY_GARBAGE:
		return sr_err_set(err, SR_ERR_CONFIG, file, line, "unexpected "
		    "line: an identity file holds # comments and one %s line",
		    SR_IDENTITY_PREFIX);
	case WHY_SECOND:
		return sr_err_set(err, SR_ERR_CONFIG, file, line, "a second "
		    "%s line: an identity file holds one", SR_IDENTITY_PREFIX);
	case WHY_NOSECRET:
		return sr_err_set(err, SR_ERR_CONFIG, file, line, "identity "
		    "file %s holds no %s line", f, SR_IDENTITY_PREFIX);
	case WHY_NOMEM:
		return sr_err_set(err, SR_ERR_SYSTEM, file, line, "out of "
		    "memory reading %s %s", kind->what, f);
	default:
		return sr_err_set(err, SR_ERR_SYSTEM, file, line, "libsodium "
		    "failed on %s %s", kind->what, f);
	}
}

int
sr_identity_generate(sr_identity **out, sr_err *err)
{
	sr_identity *id;

	*out = NULL;
	if (sodium_ready(err) != 0)
		return -1;
	if ((id = sr_secalloc_alloc(sizeof(*id))) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (crypto_box_keypair(id->pk, id->sk) != 0) {
		sr_secalloc_free(id);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot "
		    "generate a key pair");
	}
	*out = id;
	return 0;
}

void
sr_identity_free(sr_identity *id)
{
	sr_secalloc_free(id);	/* wipes; NULL is fine */
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Parse the file's lines into id->sk. Blank lines and # comments are
 * skipped (surrounding blanks and a CR are allowed: editors add them);
 * every other line must be the one secret line. *lineno is where the
 * fault is, 0 for a whole-file fault.
 */
static enum why
parse_lines(sr_identity *id, struct keybuf *kb, const char *buf, size_t len,
    unsigned *lineno)
{
	const size_t plen = sizeof(SR_IDENTITY_PREFIX) - 1;
	const char *p = buf, *end = buf + len, *nl, *s, *e;
	enum why why;
	int seen = 0;

	for (*lineno = 1; p < end; p = nl < end ? nl + 1 : end, (*lineno)++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		for (s = p, e = nl; s < e && is_blank(*s); s++)
			;
		while (e > s && is_blank(e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		if ((size_t)(e - s) < plen ||
		    memcmp(s, SR_IDENTITY_PREFIX, plen) != 0)
			return WHY_GARBAGE;
		if (seen++)
			return WHY_SECOND;
		why = key_decode(id->sk, kb, SR_IDENTITY_PREFIX, s + plen,
		    (size_t)(e - s) - plen);
		if (why != WHY_OK)
			return why;
	}
	*lineno = 0;
	return seen ? WHY_OK : WHY_NOSECRET;
}

int
sr_identity_load(sr_identity **out, const char *path, sr_err *err)
{
	struct keybuf *kb = NULL;
	sr_identity *id = NULL;
	char *buf = NULL;
	size_t len = 0;
	unsigned line = 0;
	enum why why = WHY_NOMEM;

	*out = NULL;
	if (sodium_ready(err) != 0)
		return -1;
	if (sr_file_read_strict(&buf, &len, path, SR_IDENTITY_MAX_BYTES,
	    SR_FILE_PRIVATE | SR_FILE_SODIUM, err) != 0)
		return -1;
	id = sr_secalloc_alloc(sizeof(*id));
	kb = sr_secalloc_alloc(sizeof(*kb));
	if (id != NULL && kb != NULL)
		why = parse_lines(id, kb, buf, len, &line);
	/* the public key is derived, never read, so it always matches */
	if (why == WHY_OK && crypto_scalarmult_base(id->pk, id->sk) != 0)
		why = WHY_SODIUM;
	sr_secalloc_free(kb);
	sr_secalloc_free(buf);
	if (why != WHY_OK) {
		sr_identity_free(id);
		return refuse(err, why, &secret_kind, path, line);
	}
	*out = id;
	return 0;
}

int
sr_identity_parse(sr_identity **out, const char *text, size_t len,
    const char *label, sr_err *err)
{
	struct keybuf *kb = NULL;
	sr_identity *id = NULL;
	unsigned line = 0;
	enum why why = WHY_NOMEM;

	*out = NULL;
	if (sodium_ready(err) != 0)
		return -1;
	if (len > SR_IDENTITY_MAX_BYTES)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the identity "
		    "in %s is over %d bytes", label, SR_IDENTITY_MAX_BYTES);
	id = sr_secalloc_alloc(sizeof(*id));
	kb = sr_secalloc_alloc(sizeof(*kb));
	if (id != NULL && kb != NULL)
		why = parse_lines(id, kb, text, len, &line);
	if (why == WHY_OK && crypto_scalarmult_base(id->pk, id->sk) != 0)
		why = WHY_SODIUM;
	sr_secalloc_free(kb);
	if (why != WHY_OK) {
		sr_identity_free(id);
		return refuse(err, why, &secret_kind, label, line);
	}
	*out = id;
	return 0;
}

int
sr_identity_text(char **out, size_t *len, const sr_identity *id,
    sr_err *err)
{
	char rcpt[SR_RECIPIENT_TEXT_MAX], when[SR_TIME_RFC3339_LEN];
	struct keybuf *kb;
	char *text;
	size_t n = 0;
	int head, rc = -1;

	*out = NULL;
	*len = 0;
	if (sodium_ready(err) != 0)
		return -1;
	text = sr_secalloc_alloc(TEXT_MAX);
	kb = sr_secalloc_alloc(sizeof(*kb));
	if (text == NULL || kb == NULL)
		goto done;
	sr_recipient_format(rcpt, id->pk);
	head = snprintf(text, TEXT_MAX, "# scoperun identity, created %s\n"
	    "# recipient: %s\n", sr_time_format(when, sizeof(when),
	    sr_time_now()), rcpt);
	if (rcpt[0] == '\0' || head < 0 || head >= TEXT_MAX ||
	    key_encode(text + head, TEXT_MAX - (size_t)head, kb,
	    SR_IDENTITY_PREFIX, id->sk) != 0)
		goto done;
	n = strlen(text);
	if (n + 2 > TEXT_MAX)
		goto done;
	text[n++] = '\n';
	text[n] = '\0';
	rc = 0;
done:
	sr_secalloc_free(kb);
	if (rc != 0) {
		sr_secalloc_free(text);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot encode "
		    "the identity");
	}
	*out = text;
	*len = n;
	return 0;
}

/* Create path's missing parent directories, 0700. */
static int
make_parent(const char *path, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return 0;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir))
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long: "
		    "%s", path);
	memcpy(dir, path, n);
	dir[n] = '\0';
	return sr_file_mkdirs(dir, err);
}

int
sr_identity_save(const sr_identity *id, const char *path, sr_err *err)
{
	char *text = NULL;
	size_t len;
	int rc;

	if (make_parent(path, err) != 0 ||
	    sr_identity_text(&text, &len, id, err) != 0)
		return -1;
	/* a failure message here holds only the path and errno */
	rc = sr_file_write_new(path, text, len, 0600, err);
	sr_secalloc_free(text);
	return rc;
}

void
sr_recipient_format(char out[SR_RECIPIENT_TEXT_MAX],
    const unsigned char pk[crypto_box_PUBLICKEYBYTES])
{
	struct keybuf kb;	/* public data only */

	if (sodium_init() < 0 || key_encode(out, SR_RECIPIENT_TEXT_MAX, &kb,
	    SR_RECIPIENT_PREFIX, pk) != 0)
		out[0] = '\0';
}

int
sr_recipient_parse(unsigned char pk[crypto_box_PUBLICKEYBYTES],
    const char *text, sr_err *err)
{
	const size_t plen = sizeof(SR_RECIPIENT_PREFIX) - 1;
	struct keybuf kb;	/* public data only */
	enum why why;

	if (sodium_ready(err) != 0)
		return -1;
	/* strncmp stops at text's NUL, so a short text is never overread */
	if (strncmp(text, SR_RECIPIENT_PREFIX, plen) != 0)
		why = WHY_PREFIX;
	else
		why = key_decode(pk, &kb, SR_RECIPIENT_PREFIX, text + plen,
		    strlen(text + plen));
	if (why != WHY_OK)
		return refuse(err, why, &recipient_kind, NULL, 0);
	return 0;
}
