/*
 * urlenc.c - URL encodings of a value (urlenc.h).
 */
#include "urlenc.h"

#include <string.h>

static size_t
put_byte(unsigned char *out, unsigned char c, const char *digits)
{
	out[0] = '%';
	out[1] = (unsigned char)digits[c >> 4];
	out[2] = (unsigned char)digits[c & 15];
	return 3;
}

size_t
sr_urlenc_all(unsigned char *out, const unsigned char *v, size_t n,
    const char *digits)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++)
		o += put_byte(out + o, v[i], digits);
	return o;
}

static int
alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

size_t
sr_urlenc_some(unsigned char *out, const unsigned char *v, size_t n,
    const char *digits, const char *keep)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (alnum(v[i]) || (v[i] != '\0' && strchr(keep, v[i])))
			out[o++] = v[i];
		else
			o += put_byte(out + o, v[i], digits);
	}
	return o;
}

size_t
sr_urlenc_form(unsigned char *out, const unsigned char *v, size_t n,
    const char *digits, const char *keep)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (alnum(v[i]) || (v[i] != '\0' && strchr(keep, v[i])))
			out[o++] = v[i];
		else if (v[i] == ' ')
			out[o++] = '+';
		else
			o += put_byte(out + o, v[i], digits);
	}
	return o;
}
