/*
 * timeutil.h - the clock scoperun judges expiry by, and how it prints it.
 *
 * Times are unix seconds in UTC everywhere; they are printed as RFC 3339
 * with a Z so messages, policies and audit records read alike.
 */
#ifndef SR_TIMEUTIL_H
#define SR_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define SR_TIME_RFC3339_LEN 32

int64_t sr_time_now(void);
/* "2026-11-20T00:00:00Z" into buf (SR_TIME_RFC3339_LEN bytes). */
const char *sr_time_format(char *buf, size_t size, int64_t t);

/* Days from 1970-01-01 to y-m-d (m 1..12, d 1..31), proleptic
 * Gregorian: negative before 1970. The one copy of the calendar; the
 * TOML reader's date-times use it too. */
int64_t sr_time_days(int64_t y, unsigned m, unsigned d);

/* Parse exactly the form sr_time_format writes; -1 for anything else. */
int sr_time_parse(int64_t *out, const char *s, size_t len);

/* Any RFC 3339 date-time, with a fraction and a Z or an offset (what
 * credential providers print); -1 for anything else. */
int sr_time_parse_rfc3339(int64_t *out, const char *s, size_t len);

#endif
