/*
 * check_vaults.c - the team's vaults in `scoperun check`: besides your
 * own vault, every scoperun vault the repository tracks that your
 * identity opens gives its values to the known-value scan (SPEC §6), so
 * a token from the committed team vault, staged in a file, is found
 * with no flag and no configuration (the pre-commit hook included).
 *
 * A tracked vault your identity does not open is said on stderr and
 * skipped: a contributor who is no recipient can still commit. Without
 * an identity there is nothing to open them with, and nothing is said.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "check_cmd.h"
#include "check_vaults.h"
#include "cli.h"
#include "secalloc.h"

typedef struct team {
	sr_scan *scan;
	const sr_identity *id;
	char mine[PATH_MAX];	/* your vault's real path; "" if none */
	size_t opened;
	sr_err *err;
} team;

int
check_vault_values(sr_scan *s, const sr_vault *v, const char *prefix,
    sr_err *err)
{
	char name[SR_SECRET_NAME_LEN_MAX + SR_ERR_PATH_MAX + 2];
	sr_secret_meta m;
	unsigned char *buf;
	size_t i, len = 0, n = sr_vault_count(v);
	int rc = 0;

	if (n == 0)
		return 0;
	/* one buffer for all values: an allocation each costs more than
	 * decrypting them */
	if ((buf = sr_secure_alloc(SR_SECRET_VALUE_MAX + 1)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		rc = sr_vault_get_into(buf, SR_SECRET_VALUE_MAX + 1, &len, &m,
		    v, i, err);
		snprintf(name, sizeof(name), "%s%s%s", prefix ? prefix : "",
		    prefix ? ":" : "", m.name);
		if (rc == 0)
			rc = sr_scan_add(s, name, buf, len, err) < 0 ? -1 : 0;
		sodium_memzero(buf, len);
	}
	sr_secure_free(buf);
	return rc;
}

static int
on_vault(void *arg, const char *root, const char *path, const char *data,
    size_t len)
{
	team *t = arg;
	char full[PATH_MAX], real[PATH_MAX];
	sr_err why = SR_ERR_INIT;
	sr_vault *v = NULL;
	int rc = 0;

	snprintf(full, sizeof(full), "%s/%s", root, path);
	/* your own vault, committed: its values are in already */
	if (t->mine[0] != '\0' && realpath(full, real) != NULL &&
	    strcmp(real, t->mine) == 0)
		return 0;
	if (sr_vault_parse(&v, data, len, path, &why) != 0 ||
	    sr_vault_unlock(v, t->id, &why) != 0) {
		cli_errorf("check", "note: %s is a scoperun vault your identity "
		    "does not open: its values were not searched for (%s)",
		    path, why.msg);
	} else {
		t->opened++;
		rc = check_vault_values(t->scan, v, path, t->err);
	}
	sr_vault_free(v);
	return rc;
}

int
check_team_vaults(size_t *opened, sr_scan *s, const char *dir,
    const char *mine, const char *identity_path, sr_err *err)
{
	sr_identity *id = NULL;
	sr_err quiet = SR_ERR_INIT;
	team t;
	int rc;

	*opened = 0;
	memset(&t, 0, sizeof(t));
	if (access(identity_path, F_OK) != 0 && errno == ENOENT)
		return 0;
	if (sr_identity_load(&id, identity_path, &quiet) != 0) {
		cli_errorf("check", "warning: the repository's vaults were not "
		    "opened: %s", quiet.msg);
		return 0;
	}
	t.scan = s;
	t.id = id;
	t.err = err;
	if (mine == NULL || realpath(mine, t.mine) == NULL)
		t.mine[0] = '\0';
	/* not a repository, or one that cannot be read: sr_check_run says
	 * so in its own words */
	rc = sr_check_vaults_each(dir, on_vault, &t, &quiet);
	rc = rc < 0 && err->kind != SR_ERR_NONE ? -1 : 0;
	*opened = t.opened;
	sr_identity_free(id);
	return rc;
}
