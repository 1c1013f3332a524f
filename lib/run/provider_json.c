/*
 * provider_json.c - the values in a provider's output (provider.h).
 *
 * JSON is parsed by jansson, with its allocator switched to sodium memory
 * for the parse (secalloc.h): every copy jansson makes of the credential
 * (its token buffer, the strings, the object's table) is locked, kept
 * out of core dumps, and wiped when freed. The allocator is put back
 * before returning; scoperun is single-threaded when it mints.
 */
#include "provider.h"

#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "secalloc.h"
#include "timeutil.h"

static const char *const expiry_keys[] = { "expires", "expires_at",
    "expiration", "Expiration", NULL };

static int
text_value(const unsigned char *out, size_t len, sr_provider_value_fn fn,
    void *ctx, sr_err *err)
{
	if (len > 0 && out[len - 1] == '\n')
		len--;
	if (len == 0)
		return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "printed nothing");
	if (memchr(out, '\0', len) != NULL)
		return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "printed a NUL "
		    "byte");
	return fn(ctx, 0, out, len, err);
}

/* The stated expiry: one of the expiry keys, an RFC 3339 string. */
static int
json_expiry(json_t *root, int64_t *expires, sr_err *err)
{
	json_t *v;
	size_t i;

	*expires = 0;
	for (i = 0; expiry_keys[i] != NULL; i++) {
		if ((v = json_object_get(root, expiry_keys[i])) == NULL)
			continue;
		if (!json_is_string(v) || sr_time_parse_rfc3339(expires,
		    json_string_value(v), json_string_length(v)) != 0)
			return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "its %s "
			    "is not an RFC 3339 time", expiry_keys[i]);
		return 0;
	}
	return 0;
}

static int
json_values(json_t *root, const char *const *fields, size_t nfields,
    sr_provider_value_fn fn, void *ctx, sr_err *err)
{
	char q[4 * SR_ERR_QUOTE_MAX + 8];
	json_t *v;
	size_t i;

	for (i = 0; i < nfields; i++) {
		sr_err_quote(q, sizeof(q), fields[i], strlen(fields[i]));
		v = json_object_get(root, fields[i]);
		if (v == NULL)
			return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "its "
			    "output has no field '%s'", q);
		if (!json_is_string(v) || json_string_length(v) == 0)
			return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "its "
			    "field '%s' is not a non-empty string", q);
		if (fn(ctx, i, (const unsigned char *)json_string_value(v),
		    json_string_length(v), err) != 0)
			return -1;
	}
	return 0;
}

int
sr_provider_values(const unsigned char *out, size_t len, int json,
    const char *const *fields, size_t nfields, sr_provider_value_fn fn,
    void *ctx, int64_t *expires, sr_err *err)
{
	json_malloc_t old_malloc;
	json_free_t old_free;
	json_error_t jerr;
	json_t *root;
	int rc = -1;

	*expires = 0;
	if (!json)
		return text_value(out, len, fn, ctx, err);
	json_get_alloc_funcs(&old_malloc, &old_free);
	json_set_alloc_funcs(sr_secalloc_alloc, sr_secalloc_free);
	root = json_loadb((const char *)out, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root))
		sr_err_set(err, SR_ERR_DENIED, NULL, 0, "its output is not a "
		    "JSON object%s", root == NULL ? " (malformed)" : "");
	else if (json_expiry(root, expires, err) == 0 &&
	    json_values(root, fields, nfields, fn, ctx, err) == 0)
		rc = 0;
	json_decref(root);
	json_set_alloc_funcs(old_malloc, old_free);
	/* jerr.text may quote the input: wipe it */
	sodium_memzero(&jerr, sizeof(jerr));
	return rc;
}
