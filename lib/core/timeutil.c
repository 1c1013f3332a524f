/*
 * timeutil.c - UTC seconds to and from RFC 3339, by arithmetic.
 *
 * gmtime_r and timegm would do, but glibc's first call to either loads
 * the local time zone (/etc/localtime: five syscalls a run) that UTC
 * never needs. The day count is Howard Hinnant's days_from_civil and
 * civil_from_days, for the proleptic Gregorian calendar.
 */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY 86400

int64_t
sr_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31). */
int64_t
sr_time_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

const char *
sr_time_format(char *buf, size_t size, int64_t t)
{
	int64_t days, secs, y;
	unsigned m, d;

	days = t / DAY - (t % DAY < 0);
	secs = t - days * DAY;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		snprintf(buf, size, "@%lld", (long long)t);
	else
		snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y,
		    m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
		    (int)(secs % 60));
	return buf;
}

int
sr_time_parse(int64_t *out, const char *s, size_t len)
{
	char buf[SR_TIME_RFC3339_LEN];
	int64_t t;
	int v[6], i, k = 0;
	static const int at[6] = { 0, 5, 8, 11, 14, 17 };
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };

	if (len != 20)
		return -1;
	for (i = 0; i < 6; i++) {
		v[i] = 0;
		for (k = 0; k < width[i]; k++) {
			char c = s[at[i] + k];
			if (c < '0' || c > '9')
				return -1;
			v[i] = v[i] * 10 + (c - '0');
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
		return -1;
	t = sr_time_days(v[0], (unsigned)v[1], (unsigned)v[2]) * DAY +
	    v[3] * 3600 + v[4] * 60 + v[5];
	/* only the canonical spelling of a real instant is accepted: a
	 * 31st of April or a 24:00 comes back as another text */
	sr_time_format(buf, sizeof(buf), t);
	if (memcmp(buf, s, 20) != 0)
		return -1;
	*out = t;
	return 0;
}

/* n digits of s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Any RFC 3339 date-time (what providers print: AWS's
 * "2026-12-06T04:23:49+00:00", GitHub's "...Z", Vault's with
 * nanoseconds). Fractions of a second are dropped; a leap second counts
 * as the second before.
 */
int
sr_time_parse_rfc3339(int64_t *out, const char *s, size_t len)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	size_t i = 19;

	if (len < 20 || s[4] != '-' || s[7] != '-' || s[13] != ':' ||
	    s[16] != ':' || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return -1;
	if ((y = digits(s, 4)) < 0 || (mo = digits(s + 5, 2)) < 1 ||
	    mo > 12 || (d = digits(s + 8, 2)) < 1 || d > 31 ||
	    (h = digits(s + 11, 2)) < 0 || h > 23 ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59 ||
	    (sec = digits(s + 17, 2)) < 0 || sec > 60)
		return -1;
	if (s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == 20)
			return -1;
	}
	if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z')) {
		sign = 0;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-') &&
	    s[i + 3] == ':') {
		sign = s[i] == '+' ? 1 : -1;
		if ((oh = digits(s + i + 1, 2)) < 0 || oh > 23 ||
		    (om = digits(s + i + 4, 2)) < 0 || om > 59)
			return -1;
	} else {
		return -1;
	}
	*out = sr_time_days(y, (unsigned)mo, (unsigned)d) * DAY +
	    h * 3600 + mi * 60 + (sec == 60 ? 59 : sec) -
	    sign * (oh * 3600 + om * 60);
	return 0;
}
