/*
 * toml_api.c - read-only access to a parsed document.
 *
 * Every accessor accepts NULL and values of the wrong type, so a policy
 * loader can chain lookups and check once.
 */
#include "toml_impl.h"

#include <stdio.h>
#include <string.h>

#include "timeutil.h"

const sr_toml_value *
sr_toml_root(const sr_toml_doc *doc)
{
	return doc ? doc->root : NULL;
}

sr_toml_type
sr_toml_type_of(const sr_toml_value *v)
{
	return v->type;
}

const char *
sr_toml_type_name(sr_toml_type t)
{
	static const char *const names[] = {
		"table", "array", "string", "integer", "float", "boolean",
		"offset date-time", "local date-time", "local date",
		"local time"
	};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ?
	    names[t] : "?";
}

unsigned
sr_toml_line(const sr_toml_value *v)
{
	return v ? v->line : 0;
}

unsigned
sr_toml_col(const sr_toml_value *v)
{
	return v ? v->col : 0;
}

size_t
sr_toml_count(const sr_toml_value *v)
{
	if (v == NULL)
		return 0;
	if (v->type == SR_TOML_TABLE)
		return v->u.tab.n;
	if (v->type == SR_TOML_ARRAY)
		return v->u.arr.n;
	return 0;
}

const sr_toml_value *
sr_toml_table_at(const sr_toml_value *t, size_t i, const char **key,
    size_t *keylen)
{
	if (t == NULL || t->type != SR_TOML_TABLE || i >= t->u.tab.n)
		return NULL;
	if (key)
		*key = t->u.tab.ents[i].key;
	if (keylen)
		*keylen = t->u.tab.ents[i].keylen;
	return t->u.tab.ents[i].val;
}

const sr_toml_value *
sr_toml_table_get(const sr_toml_value *t, const char *key)
{
	size_t i, len = strlen(key);

	if (t == NULL || t->type != SR_TOML_TABLE)
		return NULL;
	/* Callers look up a handful of schema keys; the index built while
	 * parsing guards the parser, a scan is enough here. */
	for (i = 0; i < t->u.tab.n; i++) {
		const struct toml_entry *en = &t->u.tab.ents[i];
		if (en->keylen == len && memcmp(en->key, key, len) == 0)
			return en->val;
	}
	return NULL;
}

const sr_toml_value *
sr_toml_array_at(const sr_toml_value *a, size_t i)
{
	if (a == NULL || a->type != SR_TOML_ARRAY || i >= a->u.arr.n)
		return NULL;
	return a->u.arr.items[i];
}

int
sr_toml_string(const char **out, size_t *len, const sr_toml_value *v)
{
	if (v == NULL || v->type != SR_TOML_STRING)
		return -1;
	*out = v->u.str.s;
	if (len)
		*len = v->u.str.len;
	return 0;
}

int
sr_toml_int(int64_t *out, const sr_toml_value *v)
{
	if (v == NULL || v->type != SR_TOML_INTEGER)
		return -1;
	*out = v->u.i;
	return 0;
}

int
sr_toml_float(double *out, const sr_toml_value *v)
{
	if (v == NULL || v->type != SR_TOML_FLOAT)
		return -1;
	*out = v->u.f;
	return 0;
}

int
sr_toml_bool(int *out, const sr_toml_value *v)
{
	if (v == NULL || v->type != SR_TOML_BOOL)
		return -1;
	*out = v->u.b;
	return 0;
}

int
sr_toml_datetime_get(sr_toml_datetime *out, const sr_toml_value *v)
{
	if (v == NULL || v->type < SR_TOML_DATETIME)
		return -1;
	*out = v->u.dt;
	return 0;
}

static int
get_typed(const sr_toml_value **v, const sr_toml_value *t, const char *key,
    sr_toml_type want)
{
	*v = sr_toml_table_get(t, key);
	if (*v == NULL)
		return 1;
	if (want == SR_TOML_DATETIME ? (*v)->type < SR_TOML_DATETIME :
	    (*v)->type != want)
		return -1;
	return 0;
}

int
sr_toml_get_string(const char **out, const sr_toml_value *t, const char *key)
{
	const sr_toml_value *v;
	int rc = get_typed(&v, t, key, SR_TOML_STRING);

	if (rc == 0)
		*out = v->u.str.s;
	return rc;
}

int
sr_toml_get_int(int64_t *out, const sr_toml_value *t, const char *key)
{
	const sr_toml_value *v;
	int rc = get_typed(&v, t, key, SR_TOML_INTEGER);

	if (rc == 0)
		*out = v->u.i;
	return rc;
}

int
sr_toml_get_bool(int *out, const sr_toml_value *t, const char *key)
{
	const sr_toml_value *v;
	int rc = get_typed(&v, t, key, SR_TOML_BOOL);

	if (rc == 0)
		*out = v->u.b;
	return rc;
}

int
sr_toml_get_datetime(sr_toml_datetime *out, const sr_toml_value *t,
    const char *key)
{
	const sr_toml_value *v;
	int rc = get_typed(&v, t, key, SR_TOML_DATETIME);

	if (rc == 0)
		*out = v->u.dt;
	return rc;
}

int
sr_toml_get_table(const sr_toml_value **out, const sr_toml_value *t,
    const char *key)
{
	return get_typed(out, t, key, SR_TOML_TABLE);
}

int
sr_toml_get_array(const sr_toml_value **out, const sr_toml_value *t,
    const char *key)
{
	return get_typed(out, t, key, SR_TOML_ARRAY);
}

int
sr_toml_datetime_unix(int64_t *out, const sr_toml_datetime *dt,
    sr_toml_type type)
{
	if (type != SR_TOML_DATETIME)
		return -1;
	*out = sr_time_days(dt->year, (unsigned)dt->month,
	    (unsigned)dt->day) * 86400 +
	    dt->hour * 3600 + dt->minute * 60 + dt->second -
	    (int64_t)dt->offset_minutes * 60;
	return 0;
}

int
sr_toml_datetime_format(char *buf, size_t size, const sr_toml_datetime *dt,
    sr_toml_type type)
{
	char date[24] = "", time[40] = "", frac[16] = "", off[16] = "";
	int n;

	if (type != SR_TOML_TIME_LOCAL)
		snprintf(date, sizeof(date), "%04d-%02d-%02d", dt->year,
		    dt->month, dt->day);
	if (dt->frac_digits > 0) {
		int ns = dt->nanosecond, k;
		for (k = dt->frac_digits; k < 9; k++)
			ns /= 10;
		snprintf(frac, sizeof(frac), ".%0*d", dt->frac_digits, ns);
	}
	if (type != SR_TOML_DATE_LOCAL)
		snprintf(time, sizeof(time), "%s%02d:%02d:%02d%s",
		    type == SR_TOML_TIME_LOCAL ? "" : "T", dt->hour,
		    dt->minute, dt->second, frac);
	if (type == SR_TOML_DATETIME && dt->offset_z)
		snprintf(off, sizeof(off), "Z");
	else if (type == SR_TOML_DATETIME)
		snprintf(off, sizeof(off), "%c%02d:%02d",
		    dt->offset_minutes < 0 ? '-' : '+',
		    (dt->offset_minutes < 0 ? -dt->offset_minutes :
		    dt->offset_minutes) / 60,
		    (dt->offset_minutes < 0 ? -dt->offset_minutes :
		    dt->offset_minutes) % 60);
	n = snprintf(buf, size, "%s%s%s", date, time, off);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
