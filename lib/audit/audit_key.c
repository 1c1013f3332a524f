/*
 * audit_key.c - the log's initial key K_1 at rest (lib/FORMAT.md).
 *
 * K_1 checks every seal of the log, so whoever holds it can also forge
 * them: it belongs off the machine. A new log keeps it in path.key0 until
 * the owner says where it goes: exported in clear (`audit key --export`),
 * or sealed to an auditor's recipient (`audit key --seal-to`), as
 * journald's forward-secure sealing shows its verification key once. In
 * both cases the local copy is overwritten, synced and only then
 * unlinked, so that its blocks do not keep the key on a file system that
 * writes in place. (A copy-on-write or journaling file system may still
 * hold an older block: FORMAT.md says so.)
 *
 * The sealed form is crypto_box_seal (an ephemeral X25519 key agreement,
 * as the vault's keyring) of K_1 to the recipient, in one text line that
 * also names the log and the recipient, beside the log in
 * path.key0.sealed (harmless to keep: only the auditor opens it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_impl.h"
#include "b64.h"
#include "file.h"
#include "secalloc.h"

#define SEALED_MAGIC "scoperun-audit-key 1 "
#define SEALED_BYTES (SR_AUDIT_HASH_BYTES + crypto_box_SEALBYTES)
#define B64URL sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* fsync the directory of path: the unlink is durable after it. */
static void
sync_dir_of(const char *path)
{
	char dir[SR_ERR_PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) +
	    (slash == path) : 1, slash ? path : ".");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * Overwrite the file's bytes with zeros and sync them before the unlink:
 * the blocks that held the key hold zeros, and so does any hard link to
 * it someone made to keep it. The file is opened without following a
 * link and must be a regular file.
 */
static int
wipe_unlink(const char *kp, sr_err *err)
{
	static const char zeros[128];
	struct stat st;
	off_t off = 0;
	ssize_t n;
	int fd = open(kp, O_WRONLY | O_NOFOLLOW | O_CLOEXEC), rc = -1;

	if (fd < 0)
		return sr_err_set(err, errno == ENOENT ? SR_ERR_NOTFOUND :
		    SR_ERR_SYSTEM, kp, 0, "cannot open %s: %s", kp,
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		sr_err_set(err, SR_ERR_CONFIG, kp, 0, "%s is not a regular "
		    "file", kp);
		goto done;
	}
	while (off < st.st_size) {
		size_t want = (size_t)(st.st_size - off) < sizeof(zeros) ?
		    (size_t)(st.st_size - off) : sizeof(zeros);
		if ((n = pwrite(fd, zeros, want, off)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			sr_err_set(err, SR_ERR_SYSTEM, kp, 0, "cannot overwrite "
			    "%s: %s", kp, n < 0 ? strerror(errno) : "no space");
			goto done;
		}
		off += n;
	}
	if (fsync(fd) != 0) {
		sr_err_set(err, SR_ERR_SYSTEM, kp, 0, "cannot sync %s: %s", kp,
		    strerror(errno));
		goto done;
	}
	if (unlink(kp) != 0) {
		sr_err_set(err, SR_ERR_SYSTEM, kp, 0, "cannot remove %s: %s",
		    kp, strerror(errno));
		goto done;
	}
	sync_dir_of(kp);
	rc = 0;
done:
	close(fd);
	return rc;
}

int
sr_audit_key0_remove(const char *path, sr_err *err)
{
	char kp[SR_ERR_PATH_MAX];

	if (audit_side_path(kp, sizeof(kp), path, ".key0") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	return wipe_unlink(kp, err);
}

/* The sealed line for K_1 and the recipient pk (text form rcpt). */
static int
sealed_line(char *out, size_t size, const unsigned char *k1,
    const unsigned char pk[crypto_box_PUBLICKEYBYTES], const char *rcpt)
{
	unsigned char sealed[SEALED_BYTES], log[16];
	char lhex[33], b64[sodium_base64_ENCODED_LEN(SEALED_BYTES, B64URL)];

	if (crypto_box_seal(sealed, k1, SR_AUDIT_HASH_BYTES, pk) != 0)
		return -1;
	audit_log_id(log, k1);
	sodium_bin2hex(lhex, sizeof(lhex), log, sizeof(log));
	sodium_bin2base64(b64, sizeof(b64), sealed, sizeof(sealed), B64URL);
	return (size_t)snprintf(out, size, SEALED_MAGIC "%s %s %s\n", lhex,
	    rcpt, b64) < size ? 0 : -1;
}

int
sr_audit_key0_seal(char *line, size_t size, const char *path,
    const char *recipient, sr_err *err)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	unsigned char *k1 = sr_secalloc_alloc(SR_AUDIT_HASH_BYTES);
	char sp[SR_ERR_PATH_MAX];
	int rc = -1;

	if (k1 == NULL || sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	if (sr_recipient_parse(pk, recipient, err) != 0 ||
	    sr_audit_key0_load(k1, path, err) != 0)
		goto done;
	if (audit_side_path(sp, sizeof(sp), path, ".key0.sealed") != 0 ||
	    sealed_line(line, size, k1, pk, recipient) != 0) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot seal the key");
		goto done;
	}
	/* the sealed copy is durable before the clear one goes */
	if (sr_file_write_new(sp, line, strlen(line), 0600, err) == 0 &&
	    sr_audit_key0_remove(path, err) == 0)
		rc = 0;
done:
	sr_secalloc_free(k1);
	return rc;
}

/* Split the sealed line into its log id, recipient and sealed bytes. */
static int
sealed_parse(unsigned char log[16], unsigned char pk[32],
    unsigned char sealed[SEALED_BYTES], const char *text, size_t len,
    sr_err *err)
{
	const char *p = text + sizeof(SEALED_MAGIC) - 1, *sp;
	char rcpt[SR_RECIPIENT_TEXT_MAX];
	size_t got, n;

	if (len < sizeof(SEALED_MAGIC) + 34 || text[len - 1] != '\n' ||
	    memcmp(text, SEALED_MAGIC, sizeof(SEALED_MAGIC) - 1) != 0 ||
	    p[32] != ' ' || sr_hex_decode(log, 16, p) != 0 ||
	    (sp = memchr(p + 33, ' ', len - (size_t)(p + 33 - text))) == NULL ||
	    (n = (size_t)(sp - (p + 33))) >= sizeof(rcpt))
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "not a sealed "
		    "audit key (scoperun-audit-key 1 …)");
	memcpy(rcpt, p + 33, n);
	rcpt[n] = '\0';
	if (sr_recipient_parse(pk, rcpt, err) != 0)
		return -1;
	n = (size_t)(text + len - 1 - (sp + 1));
	if (sr_b64_decode(sealed, SEALED_BYTES, &got, sp + 1, n) != 0 ||
	    got != SEALED_BYTES)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the sealed audit "
		    "key is damaged");
	return 0;
}

int
sr_audit_key0_open(unsigned char key[SR_AUDIT_HASH_BYTES], const char *text,
    size_t len, const sr_identity *id, sr_err *err)
{
	unsigned char log[16], pk[32], sealed[SEALED_BYTES], again[16];
	char rcpt[SR_RECIPIENT_TEXT_MAX];

	if (sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "libsodium");
	if (sealed_parse(log, pk, sealed, text, len, err) != 0)
		return -1;
	if (sodium_memcmp(pk, id->pk, sizeof(pk)) != 0) {
		sr_recipient_format(rcpt, pk);
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the audit key "
		    "is sealed to %s, not to this identity", rcpt);
	}
	if (crypto_box_seal_open(key, sealed, sizeof(sealed), id->pk,
	    id->sk) != 0)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the sealed audit "
		    "key failed authentication (altered)");
	/* the id the line names is the one the key makes: a line moved
	 * from another log's file does not pass for this one's */
	audit_log_id(again, key);
	if (memcmp(again, log, sizeof(log)) != 0) {
		sodium_memzero(key, SR_AUDIT_HASH_BYTES);
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the sealed audit "
		    "key does not match the log it names");
	}
	return 0;
}
