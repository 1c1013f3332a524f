/*
 * fuzz_provider.c - libFuzzer target for what reads a credential
 * provider's output (lib/run/provider_json.c, lib/core/timeutil.c's RFC 3339).
 *
 * The first byte picks text or JSON; the rest is the output. What must
 * stay true, and traps when it does not:
 * - every value handed over is non-empty, holds no NUL, and lies inside
 *   the output's size (text) or is a string the object holds (json);
 * - on success every field asked for was handed over exactly once;
 * - the answer is 0 or -1, and -1 always comes with a message;
 * - an RFC 3339 time parsed back from its canonical form is the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "provider.h"
#include "timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fields[] = { "AccessKeyId", "SecretAccessKey",
    "token", "" };

static int
take(void *ctx, size_t i, const unsigned char *v, size_t len, sr_err *err)
{
	unsigned *seen = ctx;

	(void)err;
	if (len == 0 || memchr(v, '\0', len) != NULL || i >= 4 || seen[i]++)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned seen[4] = { 0 };
	sr_err err = SR_ERR_INIT;
	int64_t exp, t;
	char buf[SR_TIME_RFC3339_LEN];
	size_t i, n;
	int rc;

	if (size < 1 || sodium_init() < 0)
		return 0;
	n = data[0] & 1 ? 3 : 0;
	rc = sr_provider_values(data + 1, size - 1, data[0] & 1, fields, n,
	    take, seen, &exp, &err);
	if (rc != 0 && (rc != -1 || err.msg[0] == '\0'))
		abort();
	for (i = 0; rc == 0 && i < (n ? n : 1); i++)
		if (seen[i] != 1)
			abort();
	if (sr_time_parse_rfc3339(&t, (const char *)data + 1, size - 1) == 0 &&
	    t >= 0 && t < 253402300800LL) {
		sr_time_format(buf, sizeof(buf), t);
		if (sr_time_parse_rfc3339(&exp, buf, strlen(buf)) != 0 ||
		    exp != t)
			abort();
	}
	return 0;
}
