/*
 * test_keymat.c - finding identity material (keymat.h): a real key line
 * from sr_identity_text, anywhere in bytes, at each place it can be; the
 * format's descriptions, a recipient and a cut-short key are not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "keymat.h"
#include "secalloc.h"

/* A fresh identity's text: comments, then the key line. */
static void
test_key_line(void **state)
{
	sr_identity *id = NULL;
	sr_err err = SR_ERR_INIT;
	size_t len = 0, at;
	char *text = NULL;
	const char *p;
	char buf[512], line[SR_KEYMAT_LEN + 1];

	(void)state;
	assert_int_equal(sr_identity_generate(&id, &err), 0);
	assert_int_equal(sr_identity_text(&text, &len, id, &err), 0);
	sr_identity_free(id);
	assert_non_null(p = strstr(text, SR_IDENTITY_PREFIX));
	at = (size_t)(p - text);
	memcpy(line, p, SR_KEYMAT_LEN);
	line[SR_KEYMAT_LEN] = '\0';
	assert_int_equal(sr_keymat_find(text, len, 0), at);
	assert_int_equal(sr_keymat_find(text, len, at + 1), len);
	/* the line alone, with no newline, ends the buffer */
	assert_int_equal(sr_keymat_find(line, SR_KEYMAT_LEN, 0), 0);
	/* one character short: not key material */
	assert_int_equal(sr_keymat_find(line, SR_KEYMAT_LEN - 1, 0),
	    SR_KEYMAT_LEN - 1);
	/* pasted into YAML, after a NUL, twice */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "k: \"", 4);
	memcpy(buf + 4, line, SR_KEYMAT_LEN);
	memcpy(buf + 4 + SR_KEYMAT_LEN, "\"\n", 2);
	buf[100] = '\0';
	memcpy(buf + 101, line, SR_KEYMAT_LEN);
	assert_int_equal(sr_keymat_find(buf, sizeof(buf), 0), 4);
	assert_int_equal(sr_keymat_find(buf, sizeof(buf), 5), 101);
	assert_int_equal(sr_keymat_find(buf, sizeof(buf), 102), sizeof(buf));
	sodium_memzero(line, sizeof(line));
	sodium_memzero(buf, sizeof(buf));
	sr_secalloc_free(text);
}

static void
test_not_key_material(void **state)
{
	static const char *const texts[] = {
		"identity    SCOPERUN-SECRET-1<base64url(sk || check)>\n",
		"an identity (SCOPERUN-SECRET-1...) holds one line\n",
		"SCOPERUN-SECRET-1 followed by words, not a key at all.....\n",
		"SCOPERUN-SECRET-1abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
		    "\n",	/* 47 characters */
		"scoperun1SXNiyuEjkENB2xNllaWt94J4RJnci56Z4CD6v-J5DmVBRzpW\n",
		"scoperun-secret-1abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
		    "\n",	/* the prefix is upper case */
	};
	char k[80];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		n = strlen(texts[i]);
		assert_int_equal(sr_keymat_find(texts[i], n, 0), n);
	}
	/* 48 characters: key material (made here, so that this file holds
	 * none for `scoperun check` to find) */
	snprintf(k, sizeof(k), "%s%s%s", SR_IDENTITY_PREFIX,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU", "V");
	assert_int_equal(sr_keymat_find(k, strlen(k), 0), 0);
	assert_int_equal(sr_keymat_find("", 0, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_line),
		cmocka_unit_test(test_not_key_material),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
