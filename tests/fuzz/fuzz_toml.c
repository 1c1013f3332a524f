/*
 * fuzz_toml.c - libFuzzer target for the TOML parser.
 *
 * Parses the input, then walks the whole tree through the public API the
 * way a policy loader would, so both the parser and the accessors see
 * every shape of document. A small depth cap keeps deep inputs cheap.
 */
#include "toml.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
walk(const sr_toml_value *v)
{
	size_t i, n = sr_toml_count(v), sum = sr_toml_line(v);
	const char *s;
	size_t len;
	int64_t iv;
	sr_toml_datetime dt;
	char buf[64];

	if (sr_toml_string(&s, &len, v) == 0)
		sum += len;
	if (sr_toml_int(&iv, v) == 0)
		sum += (size_t)iv;
	if (sr_toml_datetime_get(&dt, v) == 0)
		sum += (size_t)sr_toml_datetime_format(buf, sizeof(buf), &dt,
		    sr_toml_type_of(v));
	for (i = 0; i < n; i++) {
		if (sr_toml_type_of(v) == SR_TOML_TABLE) {
			const sr_toml_value *e = sr_toml_table_at(v, i, &s,
			    &len);
			sum += walk(e);
			if (strlen(s) == len && sr_toml_table_get(v, s) != e)
				__builtin_trap();
		} else {
			sum += walk(sr_toml_array_at(v, i));
		}
	}
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sr_toml_doc *doc;
	sr_toml_error err;
	volatile size_t sink;

	if (sr_toml_parse(&doc, (const char *)data, size, 32, &err) != 0) {
		if (err.msg[0] == '\0')
			__builtin_trap();	/* every error has a message */
		return 0;
	}
	sink = walk(sr_toml_root(doc));
	(void)sink;
	sr_toml_free(doc);
	return 0;
}
