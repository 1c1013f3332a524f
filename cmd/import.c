/*
 * import.c - `scoperun secret import FILE [--prefix P]`: the KEY=VALUE
 * lines of a .env file (dotenv.h) into the vault, each as secret
 * P/KEY (or KEY), then the [secrets] lines a policy needs to grant them.
 *
 * The file is read whole into sodium memory before the vault is locked;
 * every pair goes into the vault in memory, and the vault is written
 * once, only when the whole file parsed: a syntax error on line 40
 * imports nothing. No value is ever printed: only names and counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dotenv.h"
#include "secalloc.h"
#include "timeutil.h"
#include "vault_session.h"

#define IMPORT_FILE_MAX (1u << 20)

/* What the import did, name by name, for the report. */
typedef struct import {
	vault_session *s;
	const char *prefix;	/* "" for none */
	const char *file;
	int64_t now;
	char (*names)[SR_DOTENV_KEY_MAX + 1];	/* the KEYs stored, in order */
	size_t n, cap, empty, replaced;
} import;

/* FILE ("-": stdin) whole into sodium memory. */
static int
read_all(char **out, size_t *len, const char *file, sr_err *err)
{
	int fd = strcmp(file, "-") == 0 ? 0 :
	    open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf;
	size_t got = 0;
	ssize_t n;
	struct stat st;

	if (fd < 0)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "cannot open "
		    "%s: %s", file, strerror(errno));
	if (fd != 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "%s is not a "
		    "regular file", file);
	}
	if ((buf = sr_secalloc_alloc(IMPORT_FILE_MAX + 1)) == NULL) {
		if (fd != 0)
			close(fd);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	}
	while (got <= IMPORT_FILE_MAX && (n = read(fd, buf + got,
	    IMPORT_FILE_MAX + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	if (fd != 0)
		close(fd);
	if (got > IMPORT_FILE_MAX || n < 0) {
		sr_secalloc_free(buf);
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, n < 0 ? "cannot "
		    "read %s" : "%s is larger than 1 MiB", file);
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* Remember key (once: a KEY given twice keeps its last value). */
static int
note_name(import *im, const char *key, sr_err *err)
{
	size_t i;
	void *grown;

	for (i = 0; i < im->n; i++)
		if (strcmp(im->names[i], key) == 0)
			return 0;
	if (im->n == im->cap) {
		im->cap = im->cap ? 2 * im->cap : 16;
		if ((grown = realloc(im->names, im->cap *
		    sizeof(*im->names))) == NULL)
			return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of "
			    "memory");
		im->names = grown;
	}
	snprintf(im->names[im->n++], sizeof(*im->names), "%s", key);
	return 0;
}

static void
secret_name(char *buf, size_t size, const import *im, const char *key)
{
	snprintf(buf, size, "%s%s%s", im->prefix, im->prefix[0] ? "/" : "",
	    key);
}

static int
store(void *ctx, const char *key, const unsigned char *val, size_t vlen,
    unsigned line, sr_err *err)
{
	import *im = ctx;
	char name[SR_SECRET_NAME_LEN_MAX + SR_DOTENV_KEY_MAX + 2];
	sr_secret_meta m;
	long i;

	secret_name(name, sizeof(name), im, key);
	if (vlen == 0) {
		cli_errorf("secret", "note: %s is empty in %s:%u and was not "
		    "imported", key, im->file, line);
		im->empty++;
		return 0;
	}
	if (!sr_vault_name_valid(name))
		return sr_err_set(err, SR_ERR_USAGE, im->file, line, "%.200s "
		    "is no secret name (A-Z a-z 0-9 . _ / -, at most %d)", name,
		    SR_SECRET_NAME_LEN_MAX);
	memset(&m, 0, sizeof(m));
	i = sr_vault_find(im->s->vault, name);
	if (i >= 0 && sr_vault_meta_at(&m, im->s->vault, (size_t)i, err) != 0)
		return -1;
	im->replaced += i >= 0;
	if (sr_vault_set(im->s->vault, name, val, vlen, &m, im->now, err) != 0)
		return sr_err_set(err, err->kind, im->file, line, "%s: %.300s",
		    key, err->msg);
	return note_name(im, key, err);
}

/* A KEY is a bare TOML key unless it holds a '.' (a dotted key). */
static void
print_grants(const import *im)
{
	char name[SR_SECRET_NAME_LEN_MAX + SR_DOTENV_KEY_MAX + 2];
	size_t i;

	printf("[secrets]\n");
	for (i = 0; i < im->n; i++) {
		secret_name(name, sizeof(name), im, im->names[i]);
		printf(strchr(im->names[i], '.') ? "\"%s\" = \"%s\"\n" :
		    "%s = \"%s\"\n", im->names[i], name);
	}
}

static void
report(const import *im)
{
	size_t i;
	sr_err ignored = SR_ERR_INIT;

	for (i = 0; i < im->n; i++) {
		char name[SR_SECRET_NAME_LEN_MAX + SR_DOTENV_KEY_MAX + 2];
		secret_name(name, sizeof(name), im, im->names[i]);
		if (vs_record("secret.set", name, NULL, &ignored) != 0)
			cli_error("secret", &ignored);
	}
	print_grants(im);
	fprintf(stderr, "scoperun: secret: imported %zu secret%s from %s into "
	    "%s (%zu replaced): grant them with the [secrets] lines above in "
	    "a policy, then delete %s: it still holds the values in plain "
	    "text\n", im->n, im->n == 1 ? "" : "s", im->file,
	    im->s->vault_path, im->replaced, im->file);
}

int
secret_import(const vault_args *a, sr_err *err)
{
	vault_session s;
	import im;
	char *text = NULL, prefix[SR_SECRET_NAME_LEN_MAX + 1];
	size_t len = 0, n;
	int rc = -1;

	memset(&im, 0, sizeof(im));
	memset(&s, 0, sizeof(s));
	s.lockfd = -1;
	snprintf(prefix, sizeof(prefix), "%s", a->prefix ? a->prefix : "");
	while ((n = strlen(prefix)) > 0 && prefix[n - 1] == '/')
		prefix[n - 1] = '\0';
	if (a->prefix != NULL && (prefix[0] == '\0' ||
	    !sr_vault_name_valid(prefix)))
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "--prefix wants "
		    "a secret name's start, like myapp (A-Z a-z 0-9 . _ / -)");
	im.s = &s;
	im.prefix = prefix;
	im.file = a->pos[1];
	im.now = sr_time_now();
	if (read_all(&text, &len, im.file, err) != 0 ||
	    vs_open(&s, a, VS_WRITE | VS_UNLOCK, err) != 0 ||
	    sr_dotenv_parse(text, len, im.file, store, &im, err) != 0)
		goto done;
	if (im.n == 0) {
		sr_err_set(err, SR_ERR_USAGE, NULL, 0, "no KEY=VALUE line to "
		    "import in %s", im.file);
		goto done;
	}
	if (vs_commit(&s, err) != 0)
		goto done;
	report(&im);
	rc = 0;
done:
	if (text)
		sr_secalloc_free(text);
	vs_close(&s);
	free(im.names);
	return rc;
}
