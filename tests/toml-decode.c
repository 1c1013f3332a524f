/*
 * toml-decode - TOML on stdin, toml-test "tagged JSON" on stdout.
 *
 * The decoder interface of the public conformance suite: exit 0 with JSON
 * for a valid document; exit 1 with one `line:col: message` on stderr for
 * an invalid one.
 */
#include "toml.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_MAX (64u << 20)

static void emit(const sr_toml_value *v);

static void
emit_string(const char *s, size_t len)
{
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
emit_tagged(const char *type, const char *value)
{
	printf("{\"type\":\"%s\",\"value\":", type);
	emit_string(value, strlen(value));
	putchar('}');
}

static void
emit_scalar(const sr_toml_value *v)
{
	static const char *const dt_tags[] = { "datetime", "datetime-local",
	    "date-local", "time-local" };
	char buf[64];
	int64_t i;
	double f;
	int b;
	sr_toml_datetime dt;
	sr_toml_type t = sr_toml_type_of(v);

	if (sr_toml_int(&i, v) == 0) {
		snprintf(buf, sizeof(buf), "%" PRId64, i);
		emit_tagged("integer", buf);
	} else if (sr_toml_float(&f, v) == 0) {
		if (isnan(f))
			snprintf(buf, sizeof(buf), "nan");
		else if (isinf(f))
			snprintf(buf, sizeof(buf), f < 0 ? "-inf" : "inf");
		else
			snprintf(buf, sizeof(buf), "%.17g", f);
		emit_tagged("float", buf);
	} else if (sr_toml_bool(&b, v) == 0) {
		emit_tagged("bool", b ? "true" : "false");
	} else if (sr_toml_datetime_get(&dt, v) == 0) {
		sr_toml_datetime_format(buf, sizeof(buf), &dt, t);
		emit_tagged(dt_tags[t - SR_TOML_DATETIME], buf);
	}
}

static void
emit(const sr_toml_value *v)
{
	size_t i, n = sr_toml_count(v), len;
	const char *s;

	if (sr_toml_type_of(v) == SR_TOML_TABLE) {
		putchar('{');
		for (i = 0; i < n; i++) {
			const sr_toml_value *e = sr_toml_table_at(v, i, &s,
			    &len);
			if (i)
				putchar(',');
			emit_string(s, len);
			putchar(':');
			emit(e);
		}
		putchar('}');
	} else if (sr_toml_type_of(v) == SR_TOML_ARRAY) {
		putchar('[');
		for (i = 0; i < n; i++) {
			if (i)
				putchar(',');
			emit(sr_toml_array_at(v, i));
		}
		putchar(']');
	} else if (sr_toml_string(&s, &len, v) == 0) {
		printf("{\"type\":\"string\",\"value\":");
		emit_string(s, len);
		putchar('}');
	} else {
		emit_scalar(v);
	}
}

int
main(void)
{
	char *buf = malloc(INPUT_MAX);
	size_t len;
	sr_toml_doc *doc;
	sr_toml_error err;

	if (buf == NULL)
		return 2;
	len = fread(buf, 1, INPUT_MAX, stdin);
	if (ferror(stdin) || len == INPUT_MAX) {
		fprintf(stderr, "toml-decode: cannot read input\n");
		free(buf);
		return 2;
	}
	if (sr_toml_parse(&doc, buf, len, 0, &err) != 0) {
		fprintf(stderr, "%u:%u: %s\n", err.line, err.col, err.msg);
		free(buf);
		return 1;
	}
	emit(sr_toml_root(doc));
	putchar('\n');
	sr_toml_free(doc);
	free(buf);
	return 0;
}
