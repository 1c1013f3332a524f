/*
 * secret_cmd.c - `scoperun secret set|rotate|ls|rm`.
 *
 * Values come from stdin or --from-file, never from argv, so they stay out
 * of shell history and ps. On a terminal the value is read without echo
 * and its final newline dropped; from a pipe or a file the bytes are kept
 * exactly (printf '%s' "$TOKEN" | scoperun secret set NAME).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "policy.h"
#include "timeutil.h"
#include "vault_session.h"
#include "secalloc.h"

/* Read fd to its end into sodium memory: at most SR_SECRET_VALUE_MAX. */
static int
read_fd(unsigned char **out, size_t *len, int fd, sr_err *err)
{
	size_t got = 0, cap = SR_SECRET_VALUE_MAX + 1;
	unsigned char *buf = sr_secure_alloc(cap + 1);
	ssize_t n;

	if (buf == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	while (got < cap && (n = read(fd, buf + got, cap - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sr_secure_free(buf);
			return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot "
			    "read the value: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* One line from the terminal, without echo; the newline ends it. */
static int
read_tty(unsigned char **out, size_t *len, const char *name, sr_err *err)
{
	struct termios old, quiet;
	unsigned char *buf = sr_secure_alloc(SR_SECRET_VALUE_MAX + 2);
	size_t got = 0;
	ssize_t n = 1;

	if (buf == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	fprintf(stderr, "value for %s (not shown, end with Return): ",
	    cli_esc(name));
	fflush(stderr);
	if (tcgetattr(0, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	while (got <= SR_SECRET_VALUE_MAX && (got == 0 ||
	    buf[got - 1] != '\n') && (n = read(0, buf + got,
	    SR_SECRET_VALUE_MAX + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	tcsetattr(0, TCSAFLUSH, &old);
	fputc('\n', stderr);
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		got--;
	buf[got] = '\0';
	if (n < 0) {
		sr_secure_free(buf);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot read "
		    "the value: %s", strerror(errno));
	}
	*out = buf;
	*len = got;
	return 0;
}

static int
read_value(unsigned char **out, size_t *len, const vault_args *a,
    const char *name, sr_err *err)
{
	struct stat st;
	int fd, rc;

	if (a->from_file == NULL)
		return isatty(0) ? read_tty(out, len, name, err) :
		    read_fd(out, len, 0, err);
	fd = open(a->from_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "cannot open "
		    "%s: %s", a->from_file, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "%s is not a "
		    "regular file", a->from_file);
	}
	rc = read_fd(out, len, fd, err);
	close(fd);
	return rc;
}

/* --expires: 2026-12-31T00:00:00Z, 2026-12-31 (00:00 UTC), or 30d. The
 * epoch itself is refused: the vault reads 0 as "no expiry". */
static int
parse_when(int64_t *out, const char *s, int64_t now)
{
	char full[32];
	int64_t d;

	*out = 0;
	if (sr_time_parse(out, s, strlen(s)) == 0)
		return *out > 0 ? 0 : -1;
	if (strlen(s) == 10) {
		snprintf(full, sizeof(full), "%sT00:00:00Z", s);
		if (sr_time_parse(out, full, strlen(full)) == 0)
			return *out > 0 ? 0 : -1;
	}
	if ((d = sr_duration_parse(s)) > 0) {
		*out = now + d;
		return 0;
	}
	return -1;
}

/* The metadata a set or rotate asks for, over what the secret had. */
static int
wanted_meta(sr_secret_meta *m, const vault_args *a, int64_t now,
    sr_err *err)
{
	if (a->expires && parse_when(&m->expires, a->expires, now) != 0)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "--expires wants "
		    "2026-12-31T00:00:00Z, 2026-12-31 or a duration like 90d");
	if (a->rotate_after &&
	    (m->rotate_after = sr_duration_parse(a->rotate_after)) <= 0)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "--rotate-after "
		    "wants a duration like 90d");
	if (a->labels[0])
		snprintf(m->labels, sizeof(m->labels), "%s", a->labels);
	return 0;
}

static int
secret_store(const vault_args *a, int rotate, sr_err *err)
{
	const char *name = a->pos[1];
	vault_session s;
	sr_secret_meta m;
	unsigned char *val = NULL;
	size_t len = 0;
	int64_t now = sr_time_now();
	long i;
	int rc = -1;

	memset(&m, 0, sizeof(m));
	memset(&s, 0, sizeof(s));
	s.lockfd = -1;
	/* the value is read before the lock: a slow typist or a pipe that
	 * stays open must not hold up other writers */
	if (read_value(&val, &len, a, name, err) != 0 ||
	    vs_open(&s, a, VS_WRITE | VS_UNLOCK, err) != 0)
		goto done;
	/* kept (a pipe's bytes are the value), but `echo` adds one by
	 * surprise more often than a value needs one */
	if (a->from_file == NULL && !isatty(0) && len > 0 &&
	    val[len - 1] == '\n')
		cli_errorf("secret", "note: the value of %s ends with a newline, "
		    "kept as given (printf %%s leaves it out, echo adds it)",
		    name);
	/* the metadata copied below must be authentic (issue 16): every
	 * line, and the vault as a whole, verified before anything is kept */
	if (sr_vault_verify(s.vault, err) != 0)
		goto done;
	i = sr_vault_find(s.vault, name);
	if (rotate && i < 0) {
		sr_err_set(err, SR_ERR_USAGE, NULL, 0, "no secret '%.128s' to "
		    "rotate (use secret set)", name);
		goto done;
	}
	if (i >= 0 && sr_vault_meta_at(&m, s.vault, (size_t)i, err) != 0)
		goto done;
	if (wanted_meta(&m, a, now, err) != 0 ||
	    sr_vault_set(s.vault, name, val, len, &m, now, err) != 0 ||
	    vs_commit(&s, err) != 0 ||
	    vs_record(rotate ? "secret.rotate" : "secret.set", name, NULL,
	    err) != 0)
		goto done;
	rc = 0;
done:
	if (val)
		sr_secure_free(val);
	vs_close(&s);
	return rc;
}

/* auth: "" when the line was verified, else what to flag it with. */
static void
print_secret(const sr_secret_meta *m, int64_t now, int width,
    const char *auth)
{
	char u[SR_TIME_RFC3339_LEN], x[SR_TIME_RFC3339_LEN] = "-", r[32] = "-";
	const char *flag = "";

	if (m->expires)
		sr_time_format(x, sizeof(x), m->expires);
	if (m->rotate_after)
		snprintf(r, sizeof(r), m->rotate_after % 86400 == 0 ? "%lldd" :
		    m->rotate_after % 3600 == 0 ? "%lldh" : "%llds",
		    (long long)(m->rotate_after % 86400 == 0 ?
		    m->rotate_after / 86400 : m->rotate_after % 3600 == 0 ?
		    m->rotate_after / 3600 : m->rotate_after));
	if (m->expires && m->expires <= now)
		flag = " EXPIRED";
	else if (m->rotate_after && m->updated + m->rotate_after <= now)
		flag = " ROTATE";
	printf("%-*s %-20s %-20s %-8s %s%s%s\n", width, cli_esc(m->name),
	    sr_time_format(u, sizeof(u), m->updated), x, r,
	    m->labels[0] ? cli_esc(m->labels) : "-", flag, auth);
}

/*
 * How ls marks a line: with an identity that is a recipient, each line is
 * verified (its key commitment and AEAD) and so is the vault as a whole
 * (the end MAC); without one, metadata is shown as the file says, marked
 * UNVERIFIED. A line that fails is shown as FAILED-AUTH and ls fails.
 */
static const char *
ls_auth(const vault_session *s, size_t i, int *bad)
{
	sr_err err = SR_ERR_INIT;

	if (s->id == NULL || sr_vault_epochs(s->vault) == 0)
		return " UNVERIFIED";
	if (sr_vault_check_entry(s->vault, i, &err) == 0)
		return "";
	*bad = 1;
	return " FAILED-AUTH";
}

static int
ls_verdict(vault_session *s, int bad, sr_err *err)
{
	if (s->id == NULL || sr_vault_epochs(s->vault) == 0) {
		fprintf(stderr, "scoperun: secret: metadata not verified: %s is "
		    "not a recipient's identity (or there is none)\n",
		    cli_esc(s->identity_path));
		return 0;
	}
	if (sr_vault_check_body(s->vault, err) != 0)
		return -1;
	if (bad)
		return sr_err_set(err, SR_ERR_CONFIG, s->vault_path, 0, "lines "
		    "marked FAILED-AUTH failed authentication: restore the vault from "
		    "git, or remove them (scoperun secret rm)");
	vs_pin_seen(s);
	return 0;
}

static int
secret_ls(const vault_args *a, sr_err *err)
{
	vault_session s;
	sr_secret_meta m;
	int64_t now = sr_time_now();
	size_t i;
	int rc = 0, width = 32;

	int bad = 0;

	if (a->json)
		return secret_ls_json(a, err);
	if (a->names)
		return secret_ls_names(a, err);
	if (vs_open(&s, a, VS_READ | VS_TRY_UNLOCK, err) != 0) {
		vs_close(&s);
		return -1;
	}
	/* the NAME column as wide as the longest name: aligned always */
	for (i = 0; i < sr_vault_count(s.vault) && rc == 0; i++)
		if ((rc = sr_vault_meta_at(&m, s.vault, i, err)) == 0 &&
		    (int)strlen(m.name) > width)
			width = (int)strlen(m.name);
	printf("%-*s %-20s %-20s %-8s %s\n", width, "NAME", "UPDATED",
	    "EXPIRES", "ROTATE", "LABELS");
	for (i = 0; i < sr_vault_count(s.vault) && rc == 0; i++)
		if ((rc = sr_vault_meta_at(&m, s.vault, i, err)) == 0)
			print_secret(&m, now, width, ls_auth(&s, i, &bad));
	if (rc == 0)
		rc = ls_verdict(&s, bad, err);
	vs_close(&s);
	return rc;
}

static int
secret_rm(const vault_args *a, sr_err *err)
{
	vault_session s;
	int rc = -1;

	if (vs_open(&s, a, VS_WRITE | VS_UNLOCK, err) == 0 &&
	    sr_vault_remove(s.vault, a->pos[1], err) == 0 &&
	    vs_commit(&s, err) == 0 &&
	    vs_record("secret.rm", a->pos[1], NULL, err) == 0)
		rc = 0;
	vs_close(&s);
	return rc;
}

const char cli_usage_secret[] =
    "usage: scoperun secret set|rotate NAME [--from-file F] [--expires T] "
    "[--rotate-after D] [--label K=V] | ls [--json] | rm NAME | import "
    "FILE\n"
    "  set NAME           store a value read from stdin (never argv); no "
    "echo on a\n"
    "                     terminal, where the final newline is dropped; "
    "from a\n"
    "                     pipe every byte is kept (a final newline is "
    "noted)\n"
    "  rotate NAME        a new value for NAME, same metadata\n"
    "  ls [--json]        names and metadata, never values (--json: as "
    "JSON)\n"
    "  rm NAME            remove NAME\n"
    "  import FILE        the KEY=VALUE lines of a .env file (- for "
    "stdin), each\n"
    "                     as secret KEY; prints the [secrets] lines to "
    "grant them\n"
    "  --prefix P         import: store each KEY as P/KEY\n"
    "  --from-file FILE   read the value from FILE instead of stdin\n"
    "  --expires WHEN     2026-12-31T00:00:00Z, 2026-12-31, or 90d from now\n"
    "  --rotate-after D   flag it for rotation after D (90d)\n"
    "  --label K=V        a label (repeatable)\n"
    "  --vault FILE       the sealed vault ($SCOPERUN_VAULT)\n"
    "  --identity FILE    the identity that opens it ($SCOPERUN_IDENTITY)\n";

int
cmd_secret(int argc, char **argv)
{
	vault_args a;
	sr_err err = SR_ERR_INIT;
	const char *sub;
	int rc;

	if (vault_args_parse(&a, argc, argv, "secret") != 0)
		return SR_EXIT_USAGE;
	sub = a.npos > 0 ? a.pos[0] : "";
	if (strcmp(sub, "ls") == 0 && a.npos == 1)
		rc = secret_ls(&a, &err);
	else if (strcmp(sub, "set") == 0 && a.npos == 2)
		rc = secret_store(&a, 0, &err);
	else if (strcmp(sub, "rotate") == 0 && a.npos == 2)
		rc = secret_store(&a, 1, &err);
	else if (strcmp(sub, "rm") == 0 && a.npos == 2)
		rc = secret_rm(&a, &err);
	else if (strcmp(sub, "import") == 0 && a.npos == 2)
		rc = secret_import(&a, &err);
	else {
		cli_usage_error("secret", cli_usage_secret);
		return SR_EXIT_USAGE;
	}
	if (rc != 0) {
		cli_error("secret", &err);
		return SR_EXIT_USAGE;
	}
	return SR_EXIT_OK;
}
