#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t
sr_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

const char *
sr_time_format(char *buf, size_t size, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "@%lld", (long long)t);
	return buf;
}

int
sr_time_parse(int64_t *out, const char *s, size_t len)
{
	char buf[SR_TIME_RFC3339_LEN];
	struct tm tm;
	time_t t;
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
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	t = timegm(&tm);
	/* only the canonical spelling of a real instant is accepted */
	sr_time_format(buf, sizeof(buf), (int64_t)t);
	if (memcmp(buf, s, 20) != 0)
		return -1;
	*out = (int64_t)t;
	return 0;
}
