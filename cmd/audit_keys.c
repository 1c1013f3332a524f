/*
 * audit_keys.c - the initial key of the audit log, sealed to an auditor.
 *
 * `audit key --seal-to RECIPIENT` seals K_1 to the auditor's recipient,
 * keeps the sealed line beside the log and prints it, and removes the
 * clear copy: from then on K_1 is nowhere on the machine in clear. The
 * auditor checks the seals with `audit verify --identity FILE` (the
 * sealed key beside the log) or `--key-file F` (a copy of the line, or
 * the hex `audit key --export` printed, kept in a file rather than argv).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "audit_keys.h"
#include "cli.h"
#include "file.h"
#include "identity.h"
#include "paths.h"
#include "secalloc.h"

#define KEY_FILE_MAX 4096

/* A key file of 64 hex digits and a newline: K_1 in clear. */
static int
clear_key(unsigned char key[32], const char *buf, size_t len)
{
	size_t got;

	return (len == 64 || (len == 65 && buf[64] == '\n')) &&
	    sodium_hex2bin(key, 32, buf, 64, NULL, &got, NULL) == 0 &&
	    got == 32 ? 0 : -1;
}

static int
open_sealed(unsigned char key[32], const char *buf, size_t len,
    const char *identity, sr_err *err)
{
	char ip[SR_ERR_PATH_MAX];
	sr_identity *id = NULL;
	int rc;

	if (sr_path_get(ip, sizeof(ip), SR_PATH_IDENTITY, identity, err) != 0 ||
	    sr_identity_load(&id, ip, err) != 0)
		return -1;
	rc = sr_audit_key0_open(key, buf, len, id, err);
	sr_identity_free(id);
	return rc;
}

int
audit_key_from_file(unsigned char key[32], const char *file,
    const char *identity, const char *path, sr_err *err)
{
	char sp[SR_ERR_PATH_MAX], *buf;
	size_t len;
	int rc;

	if (file == NULL) {
		if ((size_t)snprintf(sp, sizeof(sp), "%s.key0.sealed", path) >=
		    sizeof(sp))
			return sr_err_set(err, SR_ERR_USAGE, path, 0, "path too "
			    "long");
		file = sp;
	}
	if (sr_file_read_strict(&buf, &len, file, KEY_FILE_MAX, SR_FILE_SODIUM,
	    err) != 0)
		return -1;
	if (clear_key(key, buf, len) == 0)
		rc = 0;
	else if (strncmp(buf, "scoperun-audit-key ", 19) == 0)
		rc = open_sealed(key, buf, len, identity, err);
	else
		rc = sr_err_set(err, SR_ERR_USAGE, file, 0, "%s holds neither "
		    "the hex key `audit key --export` printed nor the line "
		    "`audit key --seal-to` wrote", file);
	sr_secalloc_free(buf);
	return rc;
}

int
audit_key_seal(const char *path, const char *recipient)
{
	char line[SR_AUDIT_SEALED_MAX], vkey[SR_AUDIT_VKEY_MAX];
	sr_err err = SR_ERR_INIT;

	if (sr_audit_key0_seal(line, sizeof(line), path, recipient,
	    &err) != 0) {
		cli_error("audit", &err);
		return SR_EXIT_USAGE;
	}
	fputs(line, stdout);
	fprintf(stderr, "the initial key is sealed to %s (also in "
	    "%s.key0.sealed) and the local copy is removed; its holder checks "
	    "the seals with `scoperun audit verify --identity FILE`\n",
	    recipient, path);
	if (sr_audit_vkey(vkey, sizeof(vkey), path, &err) == 0)
		fprintf(stderr, "keep the checkpoints' verifier key with it "
		    "(`audit verify --checkpoint F --pubkey KEY`):\n%s\n", vkey);
	return SR_EXIT_OK;
}
