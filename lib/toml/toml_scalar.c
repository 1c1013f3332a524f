/*
 * toml_scalar.c - numbers, dates and times, and string escapes.
 *
 * Each lexer sees the whole token, already cut out by the grammar, and
 * must consume all of it: a scalar with trailing garbage is an error.
 */
#include "toml_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(off, ...) do { *at = (off); \
	snprintf(msg, SR_TOML_ERRMSG_MAX, __VA_ARGS__); return -1; } while (0)

static int
is_digit_of(int c, int base)
{
	if (base == 16)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F');
	return c >= '0' && c < '0' + base;
}

static int
digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/*
 * Check a run of digits where each underscore sits between two digits;
 * returns the length of the run (0 when s does not start with a digit).
 */
static size_t
digit_run(const char *s, size_t n, int base, size_t *bad)
{
	size_t i = 0;

	*bad = (size_t)-1;
	if (n == 0 || !is_digit_of(s[0], base))
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] == '_') {
			if (i + 1 >= n || !is_digit_of(s[i + 1], base)) {
				*bad = i;
				return i;
			}
			continue;
		}
		if (!is_digit_of(s[i], base))
			break;
	}
	return i;
}

static int
lex_prefixed(sr_toml_value *v, const char *s, size_t n, char *msg,
    size_t *at)
{
	int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
	uint64_t acc = 0;
	size_t bad, run = digit_run(s + 2, n - 2, base, &bad), i;

	if (run == 0)
		FAIL(2, "expected digits after '%.2s'", s);
	if (bad != (size_t)-1 || run != n - 2)
		FAIL(2 + run, "invalid character in base-%d integer", base);
	for (i = 2; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (acc > ((uint64_t)INT64_MAX - (uint64_t)digit_value(s[i])) /
		    (uint64_t)base)
			FAIL(0, "integer does not fit in 64 bits");
		acc = acc * (uint64_t)base + (uint64_t)digit_value(s[i]);
	}
	v->type = SR_TOML_INTEGER;
	v->u.i = (int64_t)acc;
	return 0;
}

static int
lex_decimal_int(sr_toml_value *v, const char *s, size_t n, char *msg,
    size_t *at)
{
	int neg = s[0] == '-';
	size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
	uint64_t acc = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;

	for (; i < n; i++) {
		unsigned d;
		if (s[i] == '_')
			continue;
		d = (unsigned)(s[i] - '0');
		if (acc > (lim - d) / 10)
			FAIL(0, "integer does not fit in 64 bits");
		acc = acc * 10 + d;
	}
	v->type = SR_TOML_INTEGER;
	if (neg)
		v->u.i = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)acc;
	else
		v->u.i = (int64_t)acc;
	return 0;
}

static int
lex_float(sr_toml_value *v, const char *s, size_t n, char *msg, size_t *at)
{
	char tmp[128];
	size_t i, k = 0;
	char *end;
	double d;

	if (n >= sizeof(tmp))
		FAIL(0, "float literal too long");
	for (i = 0; i < n; i++)
		if (s[i] != '_')
			tmp[k++] = s[i];
	tmp[k] = '\0';
	errno = 0;
	d = strtod(tmp, &end);
	if (*end != '\0')
		FAIL(0, "invalid float");
	if (errno == ERANGE && isinf(d))
		FAIL(0, "float out of range");
	v->type = SR_TOML_FLOAT;
	v->u.f = d;
	return 0;
}

int
toml_lex_number(sr_toml_value *v, const char *s, size_t n, char *msg,
    size_t *at)
{
	size_t i = 0, run, bad;
	int is_float = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' ||
	    s[1] == 'b'))
		return lex_prefixed(v, s, n, msg, at);
	if (s[0] == '+' || s[0] == '-')
		i = 1;
	if (n - i == 3 && (memcmp(s + i, "inf", 3) == 0 ||
	    memcmp(s + i, "nan", 3) == 0)) {
		v->type = SR_TOML_FLOAT;
		v->u.f = s[i] == 'i' ? INFINITY : NAN;
		if (s[0] == '-')
			v->u.f = -v->u.f;
		return 0;
	}
	run = digit_run(s + i, n - i, 10, &bad);
	if (run == 0)
		FAIL(i, "invalid value");
	if (bad != (size_t)-1)
		FAIL(i + bad, "'_' must sit between two digits");
	if (s[i] == '0' && run > 1)
		FAIL(i, "leading zeros are not allowed");
	i += run;
	if (i < n && s[i] == '.') {
		is_float = 1;
		run = digit_run(s + i + 1, n - i - 1, 10, &bad);
		if (run == 0 || bad != (size_t)-1)
			FAIL(i, "expected digits after '.'");
		i += 1 + run;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = i++;
		is_float = 1;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		run = digit_run(s + i, n - i, 10, &bad);
		if (run == 0 || bad != (size_t)-1)
			FAIL(e, "invalid exponent");
		i += run;
	}
	if (i != n)
		FAIL(i, "invalid character in number");
	if (is_float)
		return lex_float(v, s, n, msg, at);
	return lex_decimal_int(v, s, n, msg, at);
}

/* Exactly k digits at s, as a number; -1 when any is not a digit. */
static int
fixed_digits(const char *s, size_t k)
{
	int acc = 0;
	size_t i;

	for (i = 0; i < k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		acc = acc * 10 + (s[i] - '0');
	}
	return acc;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

static int
lex_date(sr_toml_datetime *dt, const char *s, size_t n, char *msg,
    size_t *at)
{
	if (n < 10 || s[4] != '-' || s[7] != '-')
		FAIL(0, "invalid date, want YYYY-MM-DD");
	dt->year = fixed_digits(s, 4);
	dt->month = fixed_digits(s + 5, 2);
	dt->day = fixed_digits(s + 8, 2);
	if (dt->year < 0 || dt->month < 0 || dt->day < 0)
		FAIL(0, "invalid date, want YYYY-MM-DD");
	if (dt->month < 1 || dt->month > 12)
		FAIL(5, "month must be 01 to 12");
	if (dt->day < 1 || dt->day > days_in_month(dt->year, dt->month))
		FAIL(8, "day out of range for the month");
	return 0;
}

/* HH:MM:SS[.frac]; returns the bytes used, or 0 with msg set. */
static size_t
lex_time(sr_toml_datetime *dt, const char *s, size_t n, char *msg,
    size_t *at)
{
	size_t i = 8;

	*at = 0;
	if (n < 8 || s[2] != ':' || s[5] != ':' ||
	    (dt->hour = fixed_digits(s, 2)) < 0 ||
	    (dt->minute = fixed_digits(s + 3, 2)) < 0 ||
	    (dt->second = fixed_digits(s + 6, 2)) < 0) {
		snprintf(msg, SR_TOML_ERRMSG_MAX,
		    "invalid time, want HH:MM:SS");
		return 0;
	}
	if (dt->hour > 23 || dt->minute > 59 || dt->second > 59) {
		snprintf(msg, SR_TOML_ERRMSG_MAX, "time out of range");
		return 0;
	}
	if (i < n && s[i] == '.') {
		if (++i >= n || s[i] < '0' || s[i] > '9') {
			*at = i;
			snprintf(msg, SR_TOML_ERRMSG_MAX,
			    "expected digits after '.'");
			return 0;
		}
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (dt->frac_digits < 9) {
				dt->nanosecond = dt->nanosecond * 10 +
				    (s[i] - '0');
				dt->frac_digits++;
			}
		}
		for (int k = dt->frac_digits; k < 9; k++)
			dt->nanosecond *= 10;
	}
	return i;
}

static int
lex_offset(sr_toml_datetime *dt, const char *s, size_t n, char *msg,
    size_t *at)
{
	int h, m;

	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		dt->offset_z = 1;
		return 0;
	}
	if (n != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
	    (h = fixed_digits(s + 1, 2)) < 0 ||
	    (m = fixed_digits(s + 4, 2)) < 0)
		FAIL(0, "invalid time offset, want Z or +HH:MM");
	if (h > 23 || m > 59)
		FAIL(0, "time offset out of range");
	dt->offset_minutes = (h * 60 + m) * (s[0] == '-' ? -1 : 1);
	return 0;
}

int
toml_lex_datetime(sr_toml_value *v, const char *s, size_t n, char *msg,
    size_t *at)
{
	sr_toml_datetime *dt = &v->u.dt;
	size_t used;

	memset(dt, 0, sizeof(*dt));
	if (n >= 3 && s[2] == ':') {
		used = lex_time(dt, s, n, msg, at);
		if (used == 0)
			return -1;
		if (used != n)
			FAIL(used, "unexpected text after time");
		v->type = SR_TOML_TIME_LOCAL;
		return 0;
	}
	if (lex_date(dt, s, n, msg, at) != 0)
		return -1;
	if (n == 10) {
		v->type = SR_TOML_DATE_LOCAL;
		return 0;
	}
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		FAIL(10, "expected 'T' between date and time");
	used = lex_time(dt, s + 11, n - 11, msg, at);
	if (used == 0) {
		*at += 11;
		return -1;
	}
	v->type = SR_TOML_DATETIME_LOCAL;
	if (11 + used == n)
		return 0;
	if (lex_offset(dt, s + 11 + used, n - 11 - used, msg, at) != 0) {
		*at = 11 + used;
		return -1;
	}
	v->type = SR_TOML_DATETIME;
	return 0;
}

static int
put_utf8(sr_buf *b, uint32_t c)
{
	unsigned char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (unsigned char)(0xc0 | (c >> 6));
		u[1] = (unsigned char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (c >> 12));
		u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (c >> 18));
		u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (c & 0x3f));
		n = 4;
	}
	return sr_buf_put(b, u, n);
}

static int
lex_unicode(sr_buf *b, const char *s, size_t n, size_t k,
    char *msg)
{
	uint32_t c = 0;
	size_t i;

	for (i = 1; i <= k; i++) {
		if (i >= n || !is_digit_of(s[i], 16)) {
			snprintf(msg, SR_TOML_ERRMSG_MAX,
			    "\\%c needs %zu hex digits", s[0], k);
			return -1;
		}
		c = c * 16 + (uint32_t)digit_value(s[i]);
	}
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		snprintf(msg, SR_TOML_ERRMSG_MAX,
		    "\\%c%.*s is not a Unicode scalar value", s[0], (int)k,
		    s + 1);
		return -1;
	}
	return put_utf8(b, c);
}

int
toml_lex_escape(sr_buf *b, const char *s, size_t n, size_t *used,
    char *msg)
{
	static const char from[] = "btnfr\"\\";
	static const char to[] = "\b\t\n\f\r\"\\";
	const char *hit;

	if (n == 0) {
		snprintf(msg, SR_TOML_ERRMSG_MAX, "unterminated escape");
		return -1;
	}
	if (s[0] == 'u' || s[0] == 'U') {
		size_t k = s[0] == 'u' ? 4 : 8;
		*used = 1 + k;
		return lex_unicode(b, s, n, k, msg);
	}
	hit = s[0] != '\0' ? strchr(from, s[0]) : NULL;
	if (hit == NULL) {
		if ((unsigned char)s[0] >= 0x20 && (unsigned char)s[0] < 0x7f)
			snprintf(msg, SR_TOML_ERRMSG_MAX,
			    "invalid escape '\\%c'", s[0]);
		else
			snprintf(msg, SR_TOML_ERRMSG_MAX, "invalid escape");
		return -1;
	}
	*used = 1;
	return sr_buf_put(b, &to[hit - from], 1);
}
