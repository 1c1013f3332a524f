/*
 * forms.c - the encoded forms of a value (forms.h), one step at a time.
 *
 * A table lists every form in order; each step writes one into the
 * caller's buffer. The encoders are pure byte functions: nothing is
 * allocated or kept here, so no copy of a value is left behind.
 */
#include "forms.h"

#include <string.h>

#include "urlenc.h"

enum enc { ENC_RAW, ENC_CRLF, ENC_HEX, ENC_B64, ENC_JSON, ENC_PCT,
    ENC_PCT_ALL, ENC_URLFORM };

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";
static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* One form: its kind, its encoder, and the encoder's variant (a hex
 * case, an alphabet, an alignment, a keep set, JSON's \/). */
static const struct step {
	sr_form kind;
	enum enc enc;
	const char *table;	/* hex digits or base64 alphabet */
	const char *keep;	/* percent, form: what stays as it is */
	unsigned arg;		/* base64: the alignment; json: \/ */
} steps[] = {
	{ SR_FORM_RAW, ENC_RAW, NULL, NULL, 0 },
	{ SR_FORM_CRLF, ENC_CRLF, NULL, NULL, 0 },
	{ SR_FORM_HEX, ENC_HEX, hex_lower, NULL, 0 },
	{ SR_FORM_HEX, ENC_HEX, hex_upper, NULL, 0 },
	{ SR_FORM_BASE64, ENC_B64, b64_std, NULL, 0 },
	{ SR_FORM_BASE64, ENC_B64, b64_std, NULL, 1 },
	{ SR_FORM_BASE64, ENC_B64, b64_std, NULL, 2 },
	{ SR_FORM_BASE64URL, ENC_B64, b64_url, NULL, 0 },
	{ SR_FORM_BASE64URL, ENC_B64, b64_url, NULL, 1 },
	{ SR_FORM_BASE64URL, ENC_B64, b64_url, NULL, 2 },
	{ SR_FORM_JSON, ENC_JSON, NULL, NULL, 0 },
	{ SR_FORM_JSON, ENC_JSON, NULL, NULL, 1 },
	{ SR_FORM_PERCENT, ENC_PCT, hex_upper, SR_URLENC_KEEP_RFC3986, 0 },
	{ SR_FORM_PERCENT, ENC_PCT, hex_lower, SR_URLENC_KEEP_RFC3986, 0 },
	{ SR_FORM_PERCENT, ENC_PCT, hex_upper, SR_URLENC_KEEP_PATH, 0 },
	{ SR_FORM_PERCENT, ENC_PCT, hex_lower, SR_URLENC_KEEP_PATH, 0 },
	{ SR_FORM_PERCENT, ENC_PCT_ALL, hex_upper, NULL, 0 },
	{ SR_FORM_PERCENT, ENC_PCT_ALL, hex_lower, NULL, 0 },
	{ SR_FORM_URLFORM, ENC_URLFORM, hex_upper, SR_URLENC_KEEP_RFC3986, 0 },
	{ SR_FORM_URLFORM, ENC_URLFORM, hex_lower, SR_URLENC_KEEP_RFC3986, 0 },
	{ SR_FORM_URLFORM, ENC_URLFORM, hex_upper, SR_URLENC_KEEP_WHATWG, 0 },
	{ SR_FORM_URLFORM, ENC_URLFORM, hex_lower, SR_URLENC_KEEP_WHATWG, 0 },
	{ SR_FORM_URLFORM, ENC_URLFORM, hex_upper, SR_URLENC_KEEP_PHP, 0 },
	{ SR_FORM_URLFORM, ENC_URLFORM, hex_lower, SR_URLENC_KEEP_PHP, 0 },
};

static size_t
put_hex(unsigned char *out, const unsigned char *v, size_t n,
    const char *digits)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = (unsigned char)digits[v[i] >> 4];
		out[2 * i + 1] = (unsigned char)digits[v[i] & 15];
	}
	return 2 * n;
}

/* The 6-bit group k of the bit string: align zero bytes, then v. The
 * caller asks only for groups inside v's bits. */
static unsigned
sextet(const unsigned char *v, size_t n, size_t align, size_t k)
{
	size_t bit = 6 * k - 8 * align, byte = bit / 8, shift = bit % 8;
	unsigned w = (unsigned)v[byte] << 8 |
	    (byte + 1 < n ? v[byte + 1] : 0u);

	return (w >> (10 - shift)) & 63;
}

/*
 * Base64 of v when it starts align bytes into a 3-byte group of a longer
 * string: the characters whose six bits all come from v. The first and
 * last characters also hold bits of the neighbours, and are left out.
 */
static size_t
put_b64(unsigned char *out, const unsigned char *v, size_t n, size_t align,
    const char *alphabet)
{
	size_t k = (8 * align + 5) / 6, end = 8 * (align + n) / 6, o = 0;

	for (; k < end; k++)
		out[o++] = (unsigned char)alphabet[sextet(v, n, align, k)];
	return o;
}

/* JSON string escaping as encoders write it; slash: also `\/`. */
static size_t
put_json(unsigned char *out, const unsigned char *v, size_t n, int slash)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		const char *esc = v[i] == '"' ? "\\\"" : v[i] == '\\' ? "\\\\" :
		    v[i] == '\b' ? "\\b" : v[i] == '\f' ? "\\f" : v[i] == '\n' ?
		    "\\n" : v[i] == '\r' ? "\\r" : v[i] == '\t' ? "\\t" :
		    v[i] == '/' && slash ? "\\/" : NULL;
		if (esc != NULL) {
			memcpy(out + len, esc, 2);
			len += 2;
		} else if (v[i] < 0x20) {
			memcpy(out + len, "\\u00", 4);
			out[len + 4] = (unsigned char)hex_lower[v[i] >> 4];
			out[len + 5] = (unsigned char)hex_lower[v[i] & 15];
			len += 6;
		} else {
			out[len++] = v[i];
		}
	}
	return len;
}

/* Every `\n` as `\r\n`. */
static size_t
put_crlf(unsigned char *out, const unsigned char *v, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == '\n')
			out[len++] = '\r';
		out[len++] = v[i];
	}
	return len;
}

static size_t
put(unsigned char *out, const struct step *s, const unsigned char *v,
    size_t n)
{
	switch (s->enc) {
	case ENC_RAW:
		memcpy(out, v, n);
		return n;
	case ENC_CRLF:
		return put_crlf(out, v, n);
	case ENC_HEX:
		return put_hex(out, v, n, s->table);
	case ENC_B64:
		return put_b64(out, v, n, s->arg, s->table);
	case ENC_JSON:
		return put_json(out, v, n, (int)s->arg);
	case ENC_PCT:
		return sr_urlenc_some(out, v, n, s->table, s->keep);
	case ENC_PCT_ALL:
		return sr_urlenc_all(out, v, n, s->table);
	default:
		return sr_urlenc_form(out, v, n, s->table, s->keep);
	}
}

void
sr_forms_start(sr_forms *it, const unsigned char *v, size_t n)
{
	it->v = v;
	it->n = n;
	it->step = 0;
}

int
sr_forms_next(sr_forms *it, unsigned char *out, size_t *len, sr_form *kind)
{
	const struct step *s;

	for (; it->step < sizeof(steps) / sizeof(steps[0]); it->step++) {
		s = &steps[it->step];
		/* a value without a newline: its crlf form is the raw one */
		if (s->enc == ENC_CRLF && memchr(it->v, '\n', it->n) == NULL)
			continue;
		*len = put(out, s, it->v, it->n);
		*kind = s->kind;
		it->step++;
		return 1;
	}
	return 0;
}

const char *
sr_form_name(sr_form f)
{
	static const char *const names[SR_FORM_KINDS] = {
		[SR_FORM_RAW] = "raw",
		[SR_FORM_HEX] = "hex",
		[SR_FORM_BASE64] = "base64",
		[SR_FORM_BASE64URL] = "base64url",
		[SR_FORM_PERCENT] = "percent",
		[SR_FORM_URLFORM] = "form",
		[SR_FORM_JSON] = "json",
		[SR_FORM_CRLF] = "crlf",
	};

	return (unsigned)f < SR_FORM_KINDS ? names[f] : "?";
}
