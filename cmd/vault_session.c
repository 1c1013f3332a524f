#include "vault_session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "file.h"
#include "vault_pin.h"

static int
take_value(const char **out, int argc, char **argv, int *i, const char *who)
{
	if (*i + 1 >= argc) {
		cli_errorf(who, "%s needs a value", argv[*i]);
		return -1;
	}
	*out = argv[++*i];
	return 0;
}

static int
add_label(vault_args *a, const char *kv, const char *who)
{
	size_t n = strlen(a->labels);

	if (n + strlen(kv) + 2 > sizeof(a->labels)) {
		cli_errorf(who, "too many labels");
		return -1;
	}
	snprintf(a->labels + n, sizeof(a->labels) - n, "%s%s", n ? "," : "",
	    kv);
	return 0;
}

int
vault_args_parse(vault_args *a, int argc, char **argv, const char *who)
{
	static const char *const valued[] = { "--vault", "--identity",
	    "--from-file", "--expires", "--rotate-after", "-o",
	    "--identity-fd", "--prefix", NULL };
	const char **slots[] = { &a->vault, &a->identity, &a->from_file,
	    &a->expires, &a->rotate_after, &a->output, &a->identity_fd,
	    &a->prefix };
	const char *label;
	int i, k;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t n = eq && argv[i][0] == '-' ? (size_t)(eq - argv[i]) :
		    strlen(argv[i]);
		for (k = 0; valued[k] && (strlen(valued[k]) != n ||
		    strncmp(argv[i], valued[k], n) != 0); k++)
			;
		if (valued[k] != NULL && n < strlen(argv[i])) {
			*slots[k] = argv[i] + n + 1;	/* --opt=value */
		} else if (valued[k] != NULL) {
			if (take_value(slots[k], argc, argv, &i, who) != 0)
				return -1;
		} else if (strcmp(argv[i], "--label") == 0) {
			if (take_value(&label, argc, argv, &i, who) != 0 ||
			    add_label(a, label, who) != 0)
				return -1;
		} else if (strcmp(argv[i], "--json") == 0) {
			a->json = 1;
		} else if (strcmp(argv[i], "--names") == 0) {
			a->names = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_errorf(who, "unknown option '%.80s' (see scoperun "
			    "help %s)", argv[i], who);
			return -1;
		} else if (a->npos < 4) {
			a->pos[a->npos++] = argv[i];
		} else {
			cli_errorf(who, "too many arguments");
			return -1;
		}
	}
	return 0;
}

static int
no_vault(const char *path, sr_err *err)
{
	return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "no vault at %s (create "
	    "one with `scoperun init`, or give --vault)", path);
}

static int
lock_path(char *buf, size_t size, const char *vault)
{
	return (size_t)snprintf(buf, size, "%s.lock", vault) < size ? 0 : -1;
}

/*
 * Unlock when there is an identity and it is a recipient; go on locked
 * when there is none or it is not one (what is shown is then marked
 * unverified). A recipient whose unlock fails is an error: the vault
 * was tampered with, and that is said, not hidden.
 */
static int
try_unlock(vault_session *s, const vault_args *a, sr_err *err)
{
	size_t i, n = sr_vault_recipient_count(s->vault);
	sr_err ignored = SR_ERR_INIT;

	if (vs_identity_load(&s->id, a, s->identity_path,
	    sizeof(s->identity_path), &ignored) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (memcmp(sr_vault_recipient_at(s->vault, i), s->id->pk,
		    sizeof(s->id->pk)) == 0)
			return sr_vault_unlock(s->vault, s->id, err);
	return 0;
}

int
vs_open(vault_session *s, const vault_args *a, unsigned flags, sr_err *err)
{
	char lock[SR_ERR_PATH_MAX + 8];

	memset(s, 0, sizeof(*s));
	s->lockfd = -1;
	/* the identity's path only when it is read: it may come another way */
	if (sr_path_get(s->vault_path, sizeof(s->vault_path), SR_PATH_VAULT,
	    a->vault, err) != 0)
		return -1;
	/* before the lock: without a vault its directory may be missing
	 * too, and "cannot open lock" would not say what to do */
	if (access(s->vault_path, F_OK) != 0 && errno == ENOENT)
		return no_vault(s->vault_path, err);
	if ((flags & VS_WRITE) && (lock_path(lock, sizeof(lock),
	    s->vault_path) != 0 || sr_file_lock(&s->lockfd, lock, err) != 0))
		return -1;
	if (sr_vault_open(&s->vault, s->vault_path, err) != 0) {
		if (err->kind == SR_ERR_NOTFOUND)
			no_vault(s->vault_path, err);
		return -1;
	}
	s->opened_version = sr_vault_version(s->vault);
	if (flags & VS_TRY_UNLOCK)
		return try_unlock(s, a, err);
	if (!(flags & VS_UNLOCK))
		return 0;
	if (vs_identity_load(&s->id, a, s->identity_path,
	    sizeof(s->identity_path), err) != 0)
		return -1;
	return sr_vault_unlock(s->vault, s->id, err);
}

static int
pin_dir(char *buf, size_t size, sr_err *err)
{
	return sr_path_get(buf, size, SR_PATH_VAULT_PINS, NULL, err);
}

/* Version 1 authenticated no recipient line: the upgrade vouches for
 * the list as it found it, so the person upgrading is shown it. */
static void
upgraded(vault_session *s)
{
	char text[SR_RECIPIENT_TEXT_MAX];
	size_t i, n = sr_vault_recipient_count(s->vault);
	sr_err err = SR_ERR_INIT;

	fprintf(stderr, "scoperun: vault: %s upgraded to format 2; its %zu "
	    "recipient(s), now authenticated, are:", cli_esc(s->vault_path), n);
	for (i = 0; i < n; i++) {
		sr_recipient_format(text, sr_vault_recipient_at(s->vault, i));
		fprintf(stderr, " %s", text);
	}
	fprintf(stderr, " (check them: version 1 could not)\n");
	if (vs_record("vault.upgrade", NULL, NULL, &err) != 0)
		cli_error("vault", &err);
}

int
vs_commit(vault_session *s, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX];
	sr_err perr = SR_ERR_INIT;
	int changed;

	if (pin_dir(dir, sizeof(dir), err) != 0 || (!s->accept_rollback &&
	    (sr_vault_pin_check(s->vault, dir, NULL, err) != 0 ||
	    sr_vault_pin_path_check(s->vault, dir, s->vault_path, err) != 0)) ||
	    sr_vault_save(s->vault, s->vault_path, err) != 0)
		return -1;
	/* written: a pin that cannot be kept is said, not a failed write */
	if (sr_vault_pin_record(s->vault, dir, s->accept_rollback, &changed,
	    &perr) != 0 || sr_vault_pin_path_record(s->vault, dir,
	    s->vault_path, &perr) != 0)
		cli_error("vault", &perr);
	if (s->opened_version == 1 && sr_vault_version(s->vault) != 1)
		upgraded(s);
	s->opened_version = sr_vault_version(s->vault);
	return 0;
}

void
vs_pin_seen(vault_session *s)
{
	char dir[SR_ERR_PATH_MAX];
	int changed;

	if (s->vault != NULL && pin_dir(dir, sizeof(dir), NULL) == 0 &&
	    sr_vault_pin_check(s->vault, dir, NULL, NULL) == 0 &&
	    sr_vault_pin_path_check(s->vault, dir, s->vault_path, NULL) == 0) {
		sr_vault_pin_record(s->vault, dir, 0, &changed, NULL);
		sr_vault_pin_path_record(s->vault, dir, s->vault_path, NULL);
	}
}

void
vs_pin_created(const sr_vault *v, const char *path)
{
	char dir[SR_ERR_PATH_MAX];
	int changed;

	if (pin_dir(dir, sizeof(dir), NULL) == 0) {
		sr_vault_pin_record(v, dir, 1, &changed, NULL);
		sr_vault_pin_path_record(v, dir, path, NULL);
	}
}

int
vs_verified(const vault_session *s)
{
	return s->vault != NULL && sr_vault_epochs(s->vault) > 0 &&
	    sr_vault_check_body(s->vault, NULL) == 0;
}

void
vs_close(vault_session *s)
{
	sr_vault_free(s->vault);
	sr_identity_free(s->id);
	sr_file_unlock(s->lockfd);
	s->vault = NULL;
	s->id = NULL;
	s->lockfd = -1;
}

int
vs_record(const char *event, const char *secret, const char *recipient,
    sr_err *err)
{
	sr_audit_event ev = { 0 };
	char path[SR_ERR_PATH_MAX];

	ev.event = event;
	ev.secret = secret;
	ev.recipient = recipient;
	ev.decision = "allow";
	ev.reason = "ok";
	if (sr_path_get(path, sizeof(path), SR_PATH_AUDIT, NULL, err) != 0)
		return -1;
	return sr_audit_append(path, &ev, err);
}
