/*
 * testvault.c - vault fixtures the unit tests share; see testvault.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "testvault.h"

sr_identity *
tv_identity(void)
{
	sr_err err = SR_ERR_INIT;
	sr_identity *id = NULL;

	assert_int_equal(sr_identity_generate(&id, &err), 0);
	assert_non_null(id);
	return id;
}

sr_vault *
tv_vault(const sr_identity *id)
{
	sr_err err = SR_ERR_INIT;
	sr_vault *v = NULL;

	if (sr_vault_create(&v, id, &err) != 0)
		fail_msg("create: %s", err.msg);
	return v;
}

char *
tv_text(const sr_vault *v, size_t *len)
{
	sr_err err = SR_ERR_INIT;
	char *text = NULL;
	size_t n;

	if (sr_vault_serialize(&text, &n, v, &err) != 0)
		fail_msg("serialize: %s", err.msg);
	assert_int_equal(strlen(text), n);
	if (len != NULL)
		*len = n;
	return text;
}

sr_vault *
tv_open_as(const char *text, size_t len, const char *where,
    const sr_identity *id, sr_err *err)
{
	sr_vault *v = NULL;

	if (sr_vault_parse(&v, text, len, where, err) != 0)
		return NULL;
	if (sr_vault_unlock(v, id, err) != 0) {
		sr_vault_free(v);
		return NULL;
	}
	return v;
}

sr_vault *
tv_open_ok(const char *text, size_t len, const char *where,
    const sr_identity *id)
{
	sr_err err = SR_ERR_INIT;
	sr_vault *v = tv_open_as(text, len, where, id, &err);

	if (v == NULL)
		fail_msg("open: %s (line %u)", err.msg, err.line);
	return v;
}
