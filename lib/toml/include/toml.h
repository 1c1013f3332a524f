/*
 * toml.h - a complete TOML 1.0.0 parser for scoperun's policies.
 *
 * A misread policy is a security hole, so the parser accepts exactly
 * TOML 1.0.0 and nothing else, and stays harmless on hostile input: the
 * caller caps the input size, nesting is capped, nothing recurses without a
 * bound, tables index their keys with a keyed hash (no quadratic time on
 * many keys), and every error path frees everything.
 *
 * The parsed document owns all values; they live until sr_toml_free().
 * Every value remembers the line and column where it was defined, so that
 * callers can report `file:line:col`.
 */
#ifndef SR_TOML_H
#define SR_TOML_H

#include <stddef.h>
#include <stdint.h>

#define SR_TOML_MAX_DEPTH_DEFAULT 64
#define SR_TOML_ERRMSG_MAX 160

typedef enum sr_toml_type {
	SR_TOML_TABLE,
	SR_TOML_ARRAY,
	SR_TOML_STRING,
	SR_TOML_INTEGER,
	SR_TOML_FLOAT,
	SR_TOML_BOOL,
	SR_TOML_DATETIME,	/* offset date-time */
	SR_TOML_DATETIME_LOCAL,
	SR_TOML_DATE_LOCAL,
	SR_TOML_TIME_LOCAL
} sr_toml_type;

typedef struct sr_toml_datetime {
	int year, month, day;		/* 0 for a local time */
	int hour, minute, second;	/* 0 for a local date */
	int nanosecond;
	int frac_digits;		/* digits of fraction written, max 9 */
	int offset_minutes;		/* offset date-time only; Z is 0 */
	int offset_z;			/* 1 when written as Z */
} sr_toml_datetime;

typedef struct sr_toml_error {
	unsigned line;			/* 1-based; 0 when not about a place */
	unsigned col;			/* 1-based, in characters */
	char msg[SR_TOML_ERRMSG_MAX];
} sr_toml_error;

typedef struct sr_toml_doc sr_toml_doc;
typedef struct sr_toml_value sr_toml_value;

/*
 * Parse len bytes of buf. max_depth caps the nesting of tables and arrays
 * (0 picks SR_TOML_MAX_DEPTH_DEFAULT). The caller caps len before reading
 * the file. Returns 0 and a document in *out, or -1 with *err filled in.
 */
int sr_toml_parse(sr_toml_doc **out, const char *buf, size_t len,
    unsigned max_depth, sr_toml_error *err);
void sr_toml_free(sr_toml_doc *doc);

const sr_toml_value *sr_toml_root(const sr_toml_doc *doc);
sr_toml_type sr_toml_type_of(const sr_toml_value *v);
const char *sr_toml_type_name(sr_toml_type t);
unsigned sr_toml_line(const sr_toml_value *v);
unsigned sr_toml_col(const sr_toml_value *v);

/* Tables and arrays: number of entries; 0 for scalars. */
size_t sr_toml_count(const sr_toml_value *v);
/* Table entry i in document order; the key is NUL-terminated and its
 * length stored in *keylen (a quoted key may hold an escaped NUL). */
const sr_toml_value *sr_toml_table_at(const sr_toml_value *t, size_t i,
    const char **key, size_t *keylen);
/* Lookup by key; NULL when absent or when t is not a table. */
const sr_toml_value *sr_toml_table_get(const sr_toml_value *t,
    const char *key);
const sr_toml_value *sr_toml_array_at(const sr_toml_value *a, size_t i);

/* Typed access: 0 on success, -1 when v has another type. Strings are
 * NUL-terminated; *len (if not NULL) gets the length, which is smaller
 * than strlen only when the string holds an escaped NUL. */
int sr_toml_string(const char **out, size_t *len, const sr_toml_value *v);
int sr_toml_int(int64_t *out, const sr_toml_value *v);
int sr_toml_float(double *out, const sr_toml_value *v);
int sr_toml_bool(int *out, const sr_toml_value *v);
/* Any of the four date/time types. */
int sr_toml_datetime_get(sr_toml_datetime *out, const sr_toml_value *v);

/* Lookup by key and type in one step: 0 found, 1 absent, -1 wrong type. */
int sr_toml_get_string(const char **out, const sr_toml_value *t,
    const char *key);
int sr_toml_get_int(int64_t *out, const sr_toml_value *t, const char *key);
int sr_toml_get_bool(int *out, const sr_toml_value *t, const char *key);
int sr_toml_get_datetime(sr_toml_datetime *out, const sr_toml_value *t,
    const char *key);
int sr_toml_get_table(const sr_toml_value **out, const sr_toml_value *t,
    const char *key);
int sr_toml_get_array(const sr_toml_value **out, const sr_toml_value *t,
    const char *key);

/* Seconds since the epoch of an offset date-time (-1 for other types). */
int sr_toml_datetime_unix(int64_t *out, const sr_toml_datetime *dt,
    sr_toml_type type);
/* Write dt as RFC 3339 (T separator, Z or +hh:mm) into buf; returns the
 * length, or -1 when buf is too small (40 bytes always suffice). */
int sr_toml_datetime_format(char *buf, size_t size,
    const sr_toml_datetime *dt, sr_toml_type type);

#endif
