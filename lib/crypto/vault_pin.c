/*
 * vault_pin.c - the rollback pin (vault_pin.h).
 *
 * One small file per vault id, DIR/HEX(id), mode 0600:
 *
 *     scoperun-vault-pin 1
 *     epochs N
 *     keyring B64(the keyring commitment over the first N keys)
 *
 * The commitment is over a prefix of the keys, so a vault that has moved
 * on (a recipient was removed: one more key) still matches the pin of its
 * older state, and is pinned anew.
 */
#include "vault_pin.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "file.h"

#define PIN_MAGIC "scoperun-vault-pin 1\n"
#define PIN_MAX 256
#define B64V sodium_base64_VARIANT_URLSAFE_NO_PADDING

static int
pin_path(char *buf, size_t size, const char *dir, const sr_vault *v)
{
	char hex[2 * 16 + 1];

	sodium_bin2hex(hex, sizeof(hex), sr_vault_id(v), 16);
	return (size_t)snprintf(buf, size, "%s/%s", dir, hex) < size ? 0 : -1;
}

/* "epochs N\nkeyring B64\n" after the magic line, in this one spelling
 * (N in decimal without a leading zero); -1 if anything is off. */
int
sr_vault_pin_parse(sr_vault_pin *pin, const char *text, size_t len)
{
	const char *p = text + sizeof(PIN_MAGIC) - 1, *end = text + len, *nl;
	unsigned n = 0;
	size_t got;

	memset(pin, 0, sizeof(*pin));
	if (len < sizeof(PIN_MAGIC) - 1 + 8 || memcmp(text, PIN_MAGIC,
	    sizeof(PIN_MAGIC) - 1) != 0 || memcmp(p, "epochs ", 7) != 0)
		return -1;
	for (p += 7; p < end && *p >= '0' && *p <= '9' && n <= 255; p++)
		n = n * 10 + (unsigned)(*p - '0');
	if (n == 0 || n > SR_VAULT_MAX_EPOCHS || p[-1] == ' ' ||
	    text[sizeof(PIN_MAGIC) - 1 + 7] == '0' || end - p < 9 ||
	    memcmp(p, "\nkeyring ", 9) != 0)
		return -1;
	p += 9;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
	    nl + 1 != end || sr_b64_decode(pin->keyring,
	    sizeof(pin->keyring), &got, p, (size_t)(nl - p)) != 0 ||
	    got != sizeof(pin->keyring))
		return -1;
	pin->epochs = n;
	return 0;
}

int
sr_vault_pin_read(sr_vault_pin *pin, const char *dir, const sr_vault *v,
    sr_err *err)
{
	char path[SR_ERR_PATH_MAX], *text;
	sr_err e = SR_ERR_INIT;
	size_t len;
	int rc;

	memset(pin, 0, sizeof(*pin));
	if (pin_path(path, sizeof(path), dir, v) != 0)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "path too long");
	if (sr_file_read_strict(&text, &len, path, PIN_MAX, SR_FILE_PRIVATE,
	    &e) != 0) {
		if (e.kind == SR_ERR_NOTFOUND)
			return 0;	/* nothing seen yet */
		if (err != NULL)
			*err = e;
		return -1;
	}
	rc = sr_vault_pin_parse(pin, text, len);
	free(text);
	if (rc != 0)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "damaged vault "
		    "pin: remove it, and scoperun pins what it sees next");
	return 0;
}

int
sr_vault_pin_check(const sr_vault *v, const char *dir, sr_vault_pin *out,
    sr_err *err)
{
	unsigned char c[SR_VAULT_COMMIT_BYTES];
	char path[SR_ERR_PATH_MAX];
	sr_vault_pin pin;
	unsigned n = sr_vault_epochs(v);

	if (sr_vault_version(v) == 1 || n == 0)
		return 0;	/* no commitment to pin, or locked */
	if (sr_vault_pin_read(&pin, dir, v, err) != 0)
		return -1;
	if (out != NULL)
		*out = pin;
	if (pin.epochs == 0)
		return 0;
	pin_path(path, sizeof(path), dir, v);
	if (n < pin.epochs)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the vault was "
		    "rolled back: it has %u epoch keys, and this machine has "
		    "seen it with %u (%s); a write now could go to a removed "
		    "recipient. Restore the newest vault from git (git log -- "
		    "VAULT); if the rollback was meant, run `scoperun vault "
		    "accept-rollback`", n, pin.epochs, path);
	if (sr_vault_keyring_commit(c, v, pin.epochs) != 0 ||
	    sodium_memcmp(c, pin.keyring, sizeof(c)) != 0)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the vault's "
		    "keyring is not the one this machine has seen (%s): it was "
		    "replaced. Restore the vault from git (git log -- VAULT); "
		    "if the new keyring was meant, run `scoperun vault "
		    "accept-rollback`", path);
	return 0;
}

int
sr_vault_pin_format(char *out, size_t size, unsigned epochs,
    const unsigned char keyring[SR_VAULT_COMMIT_BYTES])
{
	char b64[64];

	sodium_bin2base64(b64, sizeof(b64), keyring, SR_VAULT_COMMIT_BYTES,
	    B64V);
	return snprintf(out, size, PIN_MAGIC "epochs %u\nkeyring %s\n",
	    epochs, b64);
}

int
sr_vault_pin_record(const sr_vault *v, const char *dir, int force,
    int *changed, sr_err *err)
{
	unsigned char c[SR_VAULT_COMMIT_BYTES];
	char path[SR_ERR_PATH_MAX], text[PIN_MAX];
	unsigned n = sr_vault_epochs(v);
	sr_vault_pin pin;
	int len;

	*changed = 0;
	if (sr_vault_version(v) == 1 || n == 0)
		return 0;
	if (sr_vault_pin_read(&pin, dir, v, force ? NULL : err) != 0 &&
	    !force)
		return -1;
	if (sr_vault_keyring_commit(c, v, n) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (!force && pin.epochs >= n)
		return 0;	/* as seen, or older: check refuses that */
	len = sr_vault_pin_format(text, sizeof(text), n, c);
	if (pin_path(path, sizeof(path), dir, v) != 0 || len < 0 ||
	    (size_t)len >= sizeof(text))
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "path too long");
	if (sr_file_mkdirs(dir, err) != 0 ||
	    sr_file_write_atomic(path, text, (size_t)len, 0600, err) != 0)
		return -1;
	*changed = 1;
	return 0;
}

/* ---- the id at a path --------------------------------------------- */

#define PATH_MAGIC "scoperun-vault-path 1\nid "

static int
path_pin(char *buf, size_t size, const char *dir, const char *vault_path)
{
	char real[PATH_MAX], hex[2 * 8 + 1];
	unsigned char h[8];

	if (realpath(vault_path, real) == NULL)
		return -1;
	crypto_generichash(h, sizeof(h), (const unsigned char *)real,
	    strlen(real), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return (size_t)snprintf(buf, size, "%s/path-%s", dir, hex) < size ?
	    0 : -1;
}

int
sr_vault_pin_path_check(const sr_vault *v, const char *dir,
    const char *vault_path, sr_err *err)
{
	char path[SR_ERR_PATH_MAX], want[sizeof(PATH_MAGIC) + 34], *text;
	sr_err e = SR_ERR_INIT;
	size_t len;
	int same;

	if (sr_vault_version(v) == 1 ||
	    path_pin(path, sizeof(path), dir, vault_path) != 0)
		return 0;	/* nothing pinned for version 1 */
	if (sr_file_read_strict(&text, &len, path, PIN_MAX, SR_FILE_PRIVATE,
	    &e) != 0)
		return e.kind == SR_ERR_NOTFOUND ? 0 : sr_err_set(err, e.kind,
		    e.file, e.line, "%s", e.msg);
	snprintf(want, sizeof(want), PATH_MAGIC);
	sodium_bin2hex(want + strlen(want), 33, sr_vault_id(v), 16);
	strcat(want, "\n");
	same = len == strlen(want) && memcmp(text, want, len) == 0;
	free(text);
	if (same)
		return 0;
	return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the vault at %.200s is "
	    "not the vault this machine has seen there (another id, %s): it "
	    "was replaced. Restore it from git (git log -- VAULT); if the new "
	    "vault was meant, run `scoperun vault accept-rollback`",
	    vault_path, path);
}

int
sr_vault_pin_path_record(const sr_vault *v, const char *dir,
    const char *vault_path, sr_err *err)
{
	char path[SR_ERR_PATH_MAX], text[sizeof(PATH_MAGIC) + 34];

	if (sr_vault_version(v) == 1)
		return 0;
	if (path_pin(path, sizeof(path), dir, vault_path) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, vault_path, 0, "cannot "
		    "resolve the vault's path");
	snprintf(text, sizeof(text), PATH_MAGIC);
	sodium_bin2hex(text + strlen(text), 33, sr_vault_id(v), 16);
	strcat(text, "\n");
	if (sr_file_mkdirs(dir, err) != 0)
		return -1;
	/* unchanged in the usual case: a write only when it differs */
	{
		char *old;
		size_t len;
		sr_err e = SR_ERR_INIT;
		if (sr_file_read_strict(&old, &len, path, PIN_MAX,
		    SR_FILE_PRIVATE, &e) == 0) {
			int same = len == strlen(text) &&
			    memcmp(old, text, len) == 0;
			free(old);
			if (same)
				return 0;
		}
	}
	return sr_file_write_atomic(path, text, strlen(text), 0600, err);
}
