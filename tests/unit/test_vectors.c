/*
 * test_vectors.c - the vault format's test vectors (lib/FORMAT.md).
 *
 * A vault written by an earlier scoperun must stay readable: if a change
 * to the format or the crypto breaks these, it breaks every user's vault.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "identity.h"
#include "timeutil.h"
#include "vault.h"
#include "secalloc.h"
#include "testlib.h"

#ifndef SR_VECTORS_DIR
#error "SR_VECTORS_DIR must name tests/vectors"
#endif

/* A vector file, whole. */
static char *
slurp(const char *name, size_t *len)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", SR_VECTORS_DIR, name);
	return tl_slurp(path, len);
}

/* The identity file is copied to a private temp file: git checks files
 * out with the umask's mode, which StrictModes would refuse. */
static sr_identity *
load_identity(void)
{
	char dir[] = "/tmp/sr-vectors.XXXXXX", path[64];
	size_t len;
	char *text = slurp("vault-v1.identity", &len);
	sr_identity *id = NULL;
	sr_err err = SR_ERR_INIT;
	FILE *f;
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/identity", dir);
	umask(077);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	rc = sr_identity_load(&id, path, &err);
	unlink(path);
	rmdir(dir);
	free(text);
	if (rc != 0)
		fail_msg("identity: %s", err.msg);
	return id;
}

static void
expect_secret(const sr_vault *v, const char *name, const char *want,
    size_t wantlen, unsigned epoch)
{
	unsigned char *val;
	size_t len;
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;

	if (sr_vault_get(&val, &len, &m, v, name, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
	assert_int_equal(len, wantlen);
	assert_memory_equal(val, want, wantlen);
	assert_int_equal(m.epoch, epoch);
	sr_secure_free(val);
}

static void
test_vault_v1(void **state)
{
	size_t len, pemlen;
	char *text = slurp("vault-v1.sealed", &len);
	char *pem = slurp("vault-v1.deploy-key.pem", &pemlen);
	sr_identity *id = load_identity();
	sr_vault *v;
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	int64_t t;

	(void)state;
	if (sr_vault_parse(&v, text, len, "vault-v1", &err) != 0 ||
	    sr_vault_unlock(v, id, &err) != 0)
		fail_msg("vault: %s", err.msg);
	assert_int_equal(sr_vault_count(v), 3);
	assert_int_equal(sr_vault_recipient_count(v), 1);
	expect_secret(v, "ci/token", "after-removal", 13, 1);
	expect_secret(v, "deploy/key", pem, pemlen, 0);
	expect_secret(v, "github/issues-readonly",
	    "ghp_exampletoken0123456789", 26, 0);
	assert_int_equal(sr_vault_meta_at(&m, v, 2, &err), 0);
	assert_string_equal(m.labels, "scope=read");
	assert_int_equal(sr_time_parse(&t, "2099-01-01T00:00:00Z", 20), 0);
	assert_int_equal(m.expires, t);
	assert_int_equal(sr_vault_meta_at(&m, v, 1, &err), 0);
	assert_int_equal(m.rotate_after, 90 * 86400);
	sr_vault_free(v);
	sr_identity_free(id);
	free(text);
	free(pem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vault_v1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
