/*
 * vault_cmd.c - `scoperun vault upgrade|verify|accept-rollback`: the
 * vault as a whole (FORMAT.md, "Sealed vault, version 2").
 *
 * upgrade          rewrite a version 1 vault as version 2 now (any write
 *                  does it too)
 * verify           unlock and check everything: header, keyring, every
 *                  line, the end MAC, and the rollback pin
 * accept-rollback  the vault is older than this machine's pin, or has
 *                  another keyring, on purpose: pin what it is now, and
 *                  record that in the audit log
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "vault_pin.h"
#include "vault_session.h"

static int
upgrade(const vault_args *a, sr_err *err)
{
	vault_session s;
	int rc = -1;

	if (vs_open(&s, a, VS_WRITE | VS_UNLOCK, err) != 0)
		goto done;
	if (sr_vault_version(s.vault) != 1) {
		printf("%s is already format %d\n", cli_esc(s.vault_path),
		    sr_vault_version(s.vault));
		rc = 0;
		goto done;
	}
	if (sr_vault_upgrade(s.vault, err) == 0 && vs_commit(&s, err) == 0)
		rc = 0;
done:
	vs_close(&s);
	return rc;
}

static int
pins(char *dir, size_t size, sr_err *err)
{
	return sr_path_get(dir, size, SR_PATH_VAULT_PINS, NULL, err);
}

/* 0 all good; 1 a finding (err set); -1 could not check. */
static int
verify(const vault_args *a, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX];
	vault_session s;
	int rc = -1;

	if (vs_open(&s, a, VS_READ | VS_UNLOCK, err) != 0 ||
	    pins(dir, sizeof(dir), err) != 0)
		goto done;
	rc = 1;
	if (sr_vault_verify(s.vault, err) != 0 ||
	    sr_vault_pin_check(s.vault, dir, NULL, err) != 0 ||
	    sr_vault_pin_path_check(s.vault, dir, s.vault_path, err) != 0)
		goto done;
	vs_pin_seen(&s);
	printf("ok: %s, format %d, %zu recipient(s), %u epoch key(s), %zu "
	    "secret(s) verified%s\n", cli_esc(s.vault_path), sr_vault_version(s.vault),
	    sr_vault_recipient_count(s.vault), sr_vault_epochs(s.vault),
	    sr_vault_count(s.vault), sr_vault_version(s.vault) == 1 ?
	    " (format 1 authenticates neither its recipients nor the set of "
	    "its lines: `scoperun vault upgrade`)" : "");
	rc = 0;
done:
	vs_close(&s);
	return rc;
}

static int
record_accept(const char *msg, sr_err *err)
{
	sr_audit_event ev = { 0 };
	char path[SR_ERR_PATH_MAX];

	ev.event = "vault.accept-rollback";
	ev.decision = "allow";
	ev.reason = "ok";
	ev.message = msg;
	if (sr_path_get(path, sizeof(path), SR_PATH_AUDIT, NULL, err) != 0)
		return -1;
	return sr_audit_append(path, &ev, err);
}

static int
accept_rollback(const vault_args *a, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX], msg[512];
	sr_err why = SR_ERR_INIT;
	vault_session s;
	sr_vault_pin old;
	int changed, rc = -1;

	/* the lock: no write slips in between the check and the new pin */
	if (vs_open(&s, a, VS_WRITE | VS_UNLOCK, err) != 0 ||
	    pins(dir, sizeof(dir), err) != 0 ||
	    sr_vault_verify(s.vault, err) != 0 ||
	    /* a version 1 vault is pinned under the id its upgrade gives */
	    sr_vault_upgrade(s.vault, err) != 0)
		goto done;
	if (sr_vault_pin_check(s.vault, dir, &old, &why) == 0 &&
	    sr_vault_pin_path_check(s.vault, dir, s.vault_path, &why) == 0) {
		printf("nothing to accept: %s is not older than what this "
		    "machine has seen\n", cli_esc(s.vault_path));
		rc = 0;
		goto done;
	}
	snprintf(msg, sizeof(msg), "rollback of %.300s accepted: this machine "
	    "had seen %u epoch key(s), the vault has %u%s", s.vault_path,
	    old.epochs, sr_vault_epochs(s.vault), old.epochs == 0 ?
	    " (a vault of another id)" : sr_vault_epochs(s.vault) >=
	    old.epochs ? " and another keyring" : "");
	if (record_accept(msg, err) != 0 ||
	    sr_vault_pin_record(s.vault, dir, 1, &changed, err) != 0 ||
	    sr_vault_pin_path_record(s.vault, dir, s.vault_path, err) != 0)
		goto done;
	printf("%s\n", cli_esc(msg));
	rc = 0;
done:
	vs_close(&s);
	return rc;
}

int
cmd_vault(int argc, char **argv)
{
	vault_args a;
	sr_err err = SR_ERR_INIT;
	const char *sub;
	int rc;

	if (vault_args_parse(&a, argc, argv, "vault") != 0)
		return SR_EXIT_USAGE;
	sub = a.npos == 1 ? a.pos[0] : "";
	if (strcmp(sub, "upgrade") == 0)
		rc = upgrade(&a, &err);
	else if (strcmp(sub, "verify") == 0)
		rc = verify(&a, &err);
	else if (strcmp(sub, "accept-rollback") == 0)
		rc = accept_rollback(&a, &err);
	else {
		cli_errorf("vault", "usage: scoperun vault upgrade | verify | "
		    "accept-rollback [--vault F] [--identity F]");
		return SR_EXIT_USAGE;
	}
	if (rc != 0)
		cli_error("vault", &err);
	return rc == 0 ? SR_EXIT_OK : rc > 0 ? SR_EXIT_FINDINGS :
	    SR_EXIT_USAGE;
}
