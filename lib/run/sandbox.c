/*
 * sandbox.c - [sandbox] with Linux Landlock (see sandbox.h for the design).
 *
 * Landlock is used through syscall(2): no library, and the constants the
 * installed <linux/landlock.h> may lack are defined here. Every feature is
 * requested only when the kernel's ABI has it; what is left out is named
 * in the plan's "degraded" list, and refused unless required = false.
 */
#define _GNU_SOURCE 1	/* O_PATH */
#include "sandbox.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "jsonw.h"
#include "sandbox_impl.h"

/* ---- Landlock's ABI, as far as the headers may lag behind ---------- */

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
/* the enum values of the uapi (RULE_NET_PORT: 6.7) */
#define SR_LL_RULE_PATH_BENEATH 1
#define SR_LL_RULE_NET_PORT 2

/* Our own copies of the uapi structs, whatever the headers know. */
struct sr_ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;	/* ABI 4 */
	uint64_t scoped;		/* ABI 6 */
};

struct sr_ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct sr_ll_net_port {
	uint64_t allowed_access;
	uint64_t port;
};

#define FS_READ (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_READ_DIR)
/* the rights that make sense on a file (the rest only on directories) */
#define FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
#define FS_ABI1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)
#define FS_DEV (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE)

/* Device files every program expects to write; never secrets. */
static const char *const devices[] = { "/dev/null", "/dev/zero", "/dev/full",
	"/dev/tty", "/dev/ptmx", "/dev/pts", NULL };

/* SPEC §9: the usual credential stores, under HOME. */
static const char *const builtin_home[] = { ".ssh", ".gnupg", ".aws",
	".azure", ".config/gcloud", ".kube", ".docker", ".netrc",
	".git-credentials", ".config/gh", ".npmrc", ".pypirc",
	".cargo/credentials*", ".password-store", ".local/share/keyrings",
	NULL };


/* ---- diagnostics ------------------------------------------------- */

static void __attribute__((format(printf, 4, 5)))
sb_diag(sr_sandbox *sb, sr_diag_level level, unsigned line, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	sr_diag_vadd(&sb->diags, &sb->ndiags, &sb->nerrors, level, NULL, line,
	    fmt, ap);
	va_end(ap);
}

/* An error that is a refusal (policy.h's sr_diag): the sandbox is sound
 * but cannot be had here, for reason. */
static void __attribute__((format(printf, 4, 5)))
sb_deny(sr_sandbox *sb, const char *reason, unsigned line, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	sr_diag_vadd(&sb->diags, &sb->ndiags, &sb->nerrors, SR_DIAG_ERROR,
	    reason, line, fmt, ap);
	va_end(ap);
}

static const char *
q(char *buf, size_t size, const char *s)
{
	return sr_err_quote(buf, size, s, strlen(s));
}

/* ---- the kernel -------------------------------------------------- */

int
sr_sandbox_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return v > 0 && v < INT_MAX ? (int)v : 0;
}

/* ---- paths ------------------------------------------------------- */

/* a is b or lies beneath it (both absolute, no trailing '/'). */
int
sb_path_under(const char *a, const char *b)
{
	size_t n = strlen(b);

	if (strcmp(b, "/") == 0)
		return 1;
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* The directory a hidden entry lives in when it is a glob, else itself. */
const char *
sb_glob_dir(const sb_path *h, char *buf, size_t size)
{
	char *slash;

	if (!h->glob)
		return h->path;
	snprintf(buf, size, "%s", h->path);
	slash = strrchr(buf, '/');
	if (slash == buf)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	return buf;
}

/* "." -> cwd, "~" and "~/x" -> home; NULL when there is no home. */
static char *
expand(const char *s, const sr_sandbox_ctx *ctx)
{
	char *out;
	size_t n;

	if (strcmp(s, ".") == 0)
		return strdup(ctx->cwd);
	if (s[0] != '~')
		return strdup(s);
	if (ctx->home == NULL || ctx->home[0] != '/')
		return NULL;
	n = strlen(ctx->home) + strlen(s) + 1;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%s%s", ctx->home, s + 1);
	return out;
}

/* Drop a trailing '/' (not of "/" itself) and a glob's '*'. */
static void
trim(char *p, int *glob)
{
	size_t n = strlen(p);

	*glob = n > 0 && p[n - 1] == '*';
	if (*glob)
		p[--n] = '\0';
	while (n > 1 && p[n - 1] == '/' && !*glob)
		p[--n] = '\0';
}

/*
 * The real path: realpath(3) when it exists; else its directory's real
 * path and its name (a hidden entry not there yet, or a glob's prefix);
 * else the text as it is.
 */
static char *
resolve(const char *p, int *exists)
{
	char *r, *dir, *slash, buf[PATH_MAX];
	size_t n;

	if ((r = realpath(p, NULL)) != NULL) {
		*exists = 1;
		return r;
	}
	*exists = 0;
	if ((dir = strdup(p)) == NULL)
		return NULL;
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir || realpath((*slash = '\0', dir),
	    buf) == NULL) {
		free(dir);
		return strdup(p);
	}
	n = strlen(buf) + strlen(slash + 1) + 2;
	if ((r = malloc(n)) != NULL)
		snprintf(r, n, "%s%s%s", buf, strcmp(buf, "/") ? "/" : "",
		    slash + 1);
	free(dir);
	return r;
}

/* Absolute, without "//", "/./" or "/../" (nor at its end). */
static int
plain_path(const char *p)
{
	const char *c;

	if (p[0] != '/')
		return 0;
	for (c = p; (c = strchr(c, '/')) != NULL; c++)
		if (c[1] == '/' || (c[1] == '.' && (c[2] == '/' || c[2] == '\0' ||
		    (c[2] == '.' && (c[3] == '/' || c[3] == '\0')))))
			return 0;
	return 1;
}

/* Remember dir as canonical (a directory, no link on its way). */
static void
seen_add(sr_sandbox *sb, const char *dir)
{
	if (sb->nseen < sizeof(sb->seen) / sizeof(sb->seen[0]) &&
	    (sb->seen[sb->nseen] = strdup(dir)) != NULL)
		sb->nseen++;
}

/* The longest canonical directory known that p lies beneath. */
static size_t
seen_prefix(const sr_sandbox *sb, const char *p)
{
	size_t i, n, best = 0;

	for (i = 0; i < sb->nseen; i++) {
		n = strlen(sb->seen[i]);
		if (n > best && strncmp(p, sb->seen[i], n) == 0 && p[n] == '/')
			best = n;
	}
	return best;
}

/*
 * resolve() for a plan: the hidden paths lie mostly in HOME, and
 * realpath(3) calls readlink on every component of every one of them.
 * Here each component beyond the directories already known canonical is
 * looked at once (lstat); a link, a dot or anything odd goes to
 * resolve(). The same answer, in a fifth of the system calls.
 */
/*
 * lstat(path), relative to HOME's descriptor for a path beneath HOME:
 * the plan looks at some thirty paths, most in HOME, and each component
 * of a path costs a lookup (most of an lstat on these machines).
 */
static int
look(sr_sandbox *sb, const char *path, struct stat *st)
{
	size_t n = sb->home_len;

	if (sb->home_fd >= 0 && strncmp(path, sb->home, n) == 0 &&
	    path[n] == '/' && path[n + 1] != '\0')
		return fstatat(sb->home_fd, path + n + 1, st,
		    AT_SYMLINK_NOFOLLOW);
	return lstat(path, st);
}

/* dir is canonical (resolve_seen just saw it): HOME's descriptor for
 * look() when it is HOME. */
static void
home_met(sr_sandbox *sb, const char *dir)
{
	if (sb->home_fd < 0 && sb->home != NULL && strcmp(dir, sb->home) == 0 &&
	    (sb->home_fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) >= 0)
		sb->home_len = strlen(dir);
}

static char *
resolve_seen(sr_sandbox *sb, const char *p, int *exists)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t i, n = strlen(p);

	sb->last_dir = -1;
	sb->last_has_id = 0;
	if (!plain_path(p) || n >= sizeof(buf) || n < 2 || p[n - 1] == '/')
		return resolve(p, exists);
	memcpy(buf, p, n + 1);
	for (i = seen_prefix(sb, p) + 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (look(sb, buf, &st) != 0) {
			if (errno != ENOENT)
				return resolve(p, exists);
			*exists = 0;	/* its directory, as far as it goes,
					 * is canonical: the text is */
			return strdup(p);
		}
		if (S_ISLNK(st.st_mode) || (i < n && !S_ISDIR(st.st_mode)))
			return resolve(p, exists);
		if (S_ISDIR(st.st_mode)) {
			seen_add(sb, buf);
			home_met(sb, buf);
		}
		buf[i] = p[i];
	}
	*exists = 1;
	sb->last_dir = S_ISDIR(st.st_mode);
	sb->last_has_id = 1;
	sb->last_dev = (unsigned long long)st.st_dev;
	sb->last_ino = (unsigned long long)st.st_ino;
	return strdup(p);
}

static int
list_add(sr_sandbox *sb, sb_list *l, const char *text, unsigned line,
    int builtin, const sr_sandbox_ctx *ctx)
{
	char *e = expand(text, ctx), *r;
	sb_path *grown, *p;
	int glob, exists;

	if (e == NULL)
		return text[0] == '~' ? 0 : -1;	/* no HOME: no "~" entries */
	trim(e, &glob);
	r = glob ? (exists = 0, strdup(e)) : resolve_seen(sb, e, &exists);
	if (glob && r != NULL) {
		/* the prefix stays; only its directory is resolved */
		char *slash = strrchr(e, '/'), *dir;
		int dexists;
		*slash = '\0';
		dir = resolve_seen(sb, e[0] ? e : "/", &dexists);
		free(r);
		r = NULL;
		if (dir != NULL && (r = malloc(strlen(dir) + strlen(slash + 1) +
		    2)) != NULL)
			sprintf(r, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
			    slash + 1);
		free(dir);
		exists = dexists;
	}
	free(e);
	if (r == NULL ||
	    (grown = realloc(l->v, (l->n + 1) * sizeof(*l->v))) == NULL) {
		free(r);
		sb->nerrors++;
		return -1;
	}
	l->v = grown;
	p = &l->v[l->n++];
	*p = (sb_path){ r, line, glob, exists, builtin, sb->last_dir,
	    !glob && sb->last_has_id, sb->last_dev, sb->last_ino };
	return 0;
}

static void
list_free(sb_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
}

/* ---- the plan ---------------------------------------------------- */

static void
plan_hidden(sr_sandbox *sb, const sr_sandbox_spec *s,
    const sr_sandbox_ctx *ctx)
{
	char buf[PATH_MAX];
	size_t i;

	for (i = 0; builtin_home[i] != NULL; i++) {
		snprintf(buf, sizeof(buf), "~/%s", builtin_home[i]);
		list_add(sb, &sb->hide, buf, 0, 1, ctx);
	}
	for (i = 0; i < ctx->nown; i++)
		list_add(sb, &sb->hide, ctx->own[i], 0, 1, ctx);
	for (i = 0; i < s->hide.n; i++)
		list_add(sb, &sb->hide, s->hide.v[i], s->hide.line[i], 0, ctx);
}

/* Written roots must exist: a rule needs a file to hang on, and making
 * one up would be a surprise. A default that is not there is dropped. */
static void
plan_roots(sr_sandbox *sb, sb_list *l, const sr_strlist *v, int set,
    const char *key, const sr_sandbox_ctx *ctx)
{
	const char *tmp = ctx->tmpdir != NULL && ctx->tmpdir[0] == '/' ?
	    ctx->tmpdir : "/tmp";
	char qb[400];
	size_t i;

	if (!set && strcmp(key, "write") == 0) {
		list_add(sb, l, ".", 0, 1, ctx);
		list_add(sb, l, tmp, 0, 1, ctx);
	}
	for (i = 0; set && i < v->n; i++)
		list_add(sb, l, v->v[i], v->line[i], 0, ctx);
	for (i = 0; i < l->n; i++) {
		if (l->v[i].exists || l->v[i].builtin)
			continue;
		sb_diag(sb, SR_DIAG_ERROR, l->v[i].line, "sandbox.%s: %s does "
		    "not exist", key, q(qb, sizeof(qb), l->v[i].path));
	}
	for (i = l->n; i-- > 0;)
		if (!l->v[i].exists && l->v[i].builtin) {
			free(l->v[i].path);
			memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) *
			    sizeof(*l->v));
			l->n--;
		}
}

/* Nothing hidden under a root the agent may write or read by name, and
 * no such root inside a hidden path. */
static void
plan_conflicts(sr_sandbox *sb, const sb_list *l, const char *key,
    unsigned dflt_line)
{
	char b1[400], b2[400], dir[PATH_MAX];
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		const sb_path *w = &l->v[i];
		for (k = 0; k < sb->hide.n; k++) {
			const sb_path *h = &sb->hide.v[k];
			const char *hd = sb_glob_dir(h, dir, sizeof(dir));
			unsigned line = h->line ? h->line : w->line ? w->line :
			    dflt_line;
			if (sb_path_under(w->path, hd) && !(h->glob &&
			    strcmp(w->path, hd) == 0)) {
				sb_diag(sb, SR_DIAG_ERROR, line, "sandbox.%s: %s "
				    "lies in the hidden path %s%s", key,
				    q(b1, sizeof(b1), w->path), q(b2,
				    sizeof(b2), h->path), h->glob ? "*" : "");
			} else if (strcmp(key, "write") == 0 &&
			    sb_path_under(h->path, w->path)) {
				sb_diag(sb, SR_DIAG_ERROR, line, "sandbox.write: "
				    "%s holds the hidden path %s%s (%s); a "
				    "hidden path cannot lie under a writable "
				    "root", q(b1, sizeof(b1), w->path),
				    q(b2, sizeof(b2), h->path), h->glob ?
				    "*" : "", h->builtin ? "built in" :
				    "sandbox.hide");
				break;	/* one per root is enough to act on */
			}
		}
	}
}

/*
 * The run must not start inside a hidden path: a mount namespace covers
 * the path, but a working directory taken before the cover still leads
 * beneath it ("cat id_ed25519" from ~/.ssh), and Landlock rules would
 * leave the agent a directory it cannot read. Refused either way.
 */
static void
plan_cwd(sr_sandbox *sb, const char *cwd, unsigned line)
{
	char b1[400], b2[400], dir[PATH_MAX];
	const char *pre, *rest;
	size_t k, n;

	for (k = 0; cwd != NULL && k < sb->hide.n; k++) {
		const sb_path *h = &sb->hide.v[k];
		if (!h->glob) {
			if (!sb_path_under(cwd, h->path))
				continue;
		} else {
			/* beneath an entry of the glob's directory that the
			 * prefix matches */
			sb_glob_dir(h, dir, sizeof(dir));
			pre = strrchr(h->path, '/') + 1;
			n = strcmp(dir, "/") ? strlen(dir) : 0;
			rest = cwd + n + 1;
			if (!sb_path_under(cwd, dir) || strcmp(cwd, dir) == 0 ||
			    strncmp(rest, pre, strlen(pre)) != 0)
				continue;
		}
		sb_diag(sb, SR_DIAG_ERROR, h->line ? h->line : line, "sandbox: "
		    "the working directory %s lies in the hidden path %s%s; "
		    "start the run elsewhere", q(b1, sizeof(b1), cwd),
		    q(b2, sizeof(b2), h->path), h->glob ? "*" : "");
		return;
	}
}

/* Where the policy runs into the edges of hiding with mounts: only
 * what exists when the run starts is covered. */
static void
plan_warnings_mounts(sr_sandbox *sb)
{
	char b1[400];
	size_t k;

	for (k = 0; k < sb->hide.n; k++) {
		const sb_path *h = &sb->hide.v[k];
		if (h->builtin || (h->exists && !h->glob))
			continue;
		sb_diag(sb, SR_DIAG_WARNING, h->line, h->glob ? "sandbox.hide: "
		    "%s*: only the entries there when a run starts are "
		    "hidden; one created during the run is readable" :
		    "sandbox.hide: %s does not exist; created during a run it "
		    "is not hidden", q(b1, sizeof(b1), h->path));
	}
}

/* Where the policy runs into the edges of sibling granting. */
static void
plan_warnings(sr_sandbox *sb)
{
	char b1[400], b2[400];
	size_t i, k;

	if (sb->mounts) {
		plan_warnings_mounts(sb);
		return;
	}
	for (k = 0; k < sb->hide.n; k++)
		if (!sb->hide.v[k].builtin && !sb->hide.v[k].exists &&
		    !sb->hide.v[k].glob)
			sb_diag(sb, SR_DIAG_WARNING, sb->hide.v[k].line,
			    "sandbox.hide: %s does not exist; created during "
			    "a run it stays hidden only when its directory "
			    "holds other hidden paths", q(b1, sizeof(b1),
			    sb->hide.v[k].path));
	for (i = 0; i < sb->read.n; i++)
		for (k = 0; k < sb->hide.n; k++)
			if (sb_path_under(sb->hide.v[k].path,
			    sb->read.v[i].path) &&
			    (sb->hide.v[k].exists || sb->hide.v[k].glob)) {
				sb_diag(sb, SR_DIAG_WARNING, sb->read.v[i].line,
				    "sandbox.read: %s holds the hidden path %s: "
				    "the agent cannot list it, nor read what is "
				    "created in it during the run",
				    q(b1, sizeof(b1), sb->read.v[i].path),
				    q(b2, sizeof(b2), sb->hide.v[k].path));
				break;
			}
}

static void
degrade(sr_sandbox *sb, const char *what)
{
	if (sb->ndegraded < sizeof(sb->degraded) / sizeof(sb->degraded[0]))
		sb->degraded[sb->ndegraded++] = what;
}

/* What this ABI can enforce; the rest is degraded. */
static void
plan_abi(sr_sandbox *sb)
{
	sb->enforce = sb->abi >= 1;
	if (!sb->enforce) {
		degrade(sb, "landlock");
		return;
	}
	sb->fs = FS_ABI1;
	if (sb->abi >= 2)
		sb->fs |= LANDLOCK_ACCESS_FS_REFER;
	if (sb->abi >= SR_SANDBOX_ABI_TRUNCATE)
		sb->fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	else
		degrade(sb, "truncate");
	if (sb->abi >= SR_SANDBOX_ABI_TCP) {
		sb->net = (sb->connect.limited ? LANDLOCK_ACCESS_NET_CONNECT_TCP :
		    0) | (sb->bind.limited ? LANDLOCK_ACCESS_NET_BIND_TCP : 0);
	} else {
		if (sb->connect.limited)
			degrade(sb, "tcp_connect");
		if (sb->bind.limited)
			degrade(sb, "tcp_bind");
	}
	if (sb->abi >= SR_SANDBOX_ABI_SCOPE) {
		sb->scoped = LANDLOCK_SCOPE_SIGNAL |
		    LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	} else {
		degrade(sb, "scope.signal");
		degrade(sb, "scope.abstract_unix_socket");
	}
}

static int
needed_abi(const char *what)
{
	if (strcmp(what, "truncate") == 0)
		return SR_SANDBOX_ABI_TRUNCATE;
	if (strncmp(what, "tcp_", 4) == 0)
		return SR_SANDBOX_ABI_TCP;
	return strncmp(what, "scope.", 6) == 0 ? SR_SANDBOX_ABI_SCOPE : 1;
}

/* required = true: every degraded item is a refusal, named. */
static void
plan_required(sr_sandbox *sb)
{
	char msg[SR_ERR_MSG_MAX] = "";
	size_t i, len = 0;
	int need = 1;

	if (!sb->required || sb->ndegraded == 0)
		return;
	for (i = 0; i < sb->ndegraded; i++) {
		if (needed_abi(sb->degraded[i]) > need)
			need = needed_abi(sb->degraded[i]);
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s",
		    i ? ", " : "", sb->degraded[i]);
		if (len >= sizeof(msg))
			break;
	}
	if (sb->abi < 1)
		sb_deny(sb, "sandbox.unavailable", sb->line, "denied: the "
		    "kernel has no Landlock, so [sandbox] cannot be enforced "
		    "(sandbox.required = false runs the agent unconfined)");
	else
		sb_deny(sb, "sandbox.unavailable", sb->line, "denied: the "
		    "kernel's Landlock ABI is %d; [sandbox] needs %d for %s "
		    "(sandbox.required = false runs without them)", sb->abi,
		    need, msg);
}

static int
copy_ports(sr_portlist *to, const sr_portlist *from)
{
	*to = *from;
	to->v = NULL;
	to->line = NULL;
	if (from->n == 0)
		return 0;
	if ((to->v = calloc(from->n, sizeof(*to->v))) == NULL)
		return -1;
	memcpy(to->v, from->v, from->n * sizeof(*to->v));
	return 0;
}

static int
first_error(const sr_sandbox *sb, sr_err *err)
{
	const sr_diag *d;
	size_t i;

	for (i = 0; i < sb->ndiags; i++) {
		d = &sb->diags[i];
		if (d->level != SR_DIAG_ERROR)
			continue;
		sr_err_set(err, d->kind, sb->policy_path, d->line, "%s",
		    d->msg);
		return sr_err_set_reason(err, d->reason);
	}
	return sr_err_set(err, SR_ERR_SYSTEM, sb->policy_path, sb->line,
	    "[sandbox]: out of memory");
}

int
sr_sandbox_plan(sr_sandbox **out, const sr_sandbox_spec *s,
    const char *path, const sr_sandbox_ctx *ctx, sr_err *err)
{
	sr_sandbox *sb;

	*out = NULL;
	if ((sb = calloc(1, sizeof(*sb))) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	sb->fd = -1;
	sb->ns.keep_mnt = sb->ns.keep_user = -1;
	sb->home = ctx->home;
	sb->home_fd = -1;
	if (ctx->cwd != NULL)
		snprintf(sb->ns.cwd, sizeof(sb->ns.cwd), "%s", ctx->cwd);
	sb->policy_path = path;
	sb->line = s->line;
	sb->required = s->required;
	sb->abi = ctx->abi;
	sb->read_all = !s->read_set;
	sb->mounts = ctx->abi >= 1 && (ctx->hiding == SR_SANDBOX_HIDE_MOUNTS ||
	    (ctx->hiding == SR_SANDBOX_HIDE_AUTO && ctx->userns != 0));
	sb->userns_unasked = sb->mounts &&
	    ctx->hiding == SR_SANDBOX_HIDE_AUTO && ctx->userns < 0;
	if (ctx->cover_dir != NULL && ctx->cover_dir[0] == '/')
		sb->cover_dir = strdup(ctx->cover_dir);
	if (ctx->abi >= 1 && ctx->hiding == SR_SANDBOX_HIDE_AUTO &&
	    ctx->userns == 0)
		sb->userns_why = ctx->userns_why != NULL ? ctx->userns_why :
		    "user namespaces are not available";
	if (copy_ports(&sb->connect, &s->tcp_connect) != 0 ||
	    copy_ports(&sb->bind, &s->tcp_bind) != 0)
		sb->nerrors++;
	plan_hidden(sb, s, ctx);
	plan_roots(sb, &sb->write, &s->write, s->write_set, "write", ctx);
	plan_roots(sb, &sb->read, &s->read, s->read_set, "read", ctx);
	plan_conflicts(sb, &sb->write, "write", s->line);
	plan_conflicts(sb, &sb->read, "read", s->line);
	plan_cwd(sb, ctx->cwd, s->line);
	plan_warnings(sb);
	plan_abi(sb);
	plan_required(sb);
	if (sb->home_fd >= 0)
		close(sb->home_fd);
	sb->home_fd = -1;
	sb->home = NULL;	/* the caller's: not kept */
	*out = sb;
	return sb->nerrors ? first_error(sb, err) : 0;
}

/* ---- the ruleset ------------------------------------------------- */

/*
 * One rule on fd: a file gets only the rights a file can have. type is
 * readdir's d_type; DT_UNKNOWN asks fstat (a walk saves the call).
 */
static int
add_path_rule(sr_sandbox *sb, int fd, unsigned char type, uint64_t access)
{
	struct sr_ll_path_beneath pb;
	struct stat st;

	if (type == DT_UNKNOWN) {
		if (fstat(fd, &st) != 0)
			return -1;
		type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ?
		    DT_DIR : DT_REG;
	}
	if (type == DT_LNK)
		return 0;	/* its target is governed where it lies */
	if (type != DT_DIR)
		access &= FS_FILE;
	pb.allowed_access = access & sb->fs;
	pb.parent_fd = fd;
	if (pb.allowed_access == 0)
		return 0;
	if (syscall(SYS_landlock_add_rule, sb->fd, SR_LL_RULE_PATH_BENEATH,
	    &pb, 0) != 0)
		return -1;
	sb->nrules++;
	return 0;
}

/*
 * A rule's descriptor stays open: exec closes it (O_CLOEXEC) for less
 * than a close(2), or sr_sandbox_free does. Hiding with rules opens one
 * per sibling of each hidden path, hundreds in a lived-in HOME; up to a
 * quarter of RLIMIT_NOFILE is kept, the agent's to use.
 */
static int
keep_fd(sr_sandbox *sb, int fd)
{
	struct rlimit rl;
	int *grown;
	size_t cap = sb->maxkept == 0 ? 32 : 2 * sb->maxkept;

	if (sb->nkept < sb->maxkept) {
		sb->kept[sb->nkept++] = fd;
		return 0;
	}
	if (sb->maxkept == 32) {	/* asked only by a run needing more */
		sb->fdroom = 8192;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 4 < 8192)
			sb->fdroom = (size_t)rl.rlim_cur / 4;
	}
	if (sb->maxkept >= 32 && cap > sb->fdroom)
		cap = sb->fdroom;
	if (cap <= sb->nkept ||
	    (grown = realloc(sb->kept, cap * sizeof(*grown))) == NULL)
		return -1;
	sb->kept = grown;
	sb->maxkept = cap;
	sb->kept[sb->nkept++] = fd;
	return 0;
}

/* A rule on path (links not followed); a path not there is skipped. */
static int
grant_path(sr_sandbox *sb, int dirfd, const char *path, unsigned char type,
    uint64_t access)
{
	int fd = openat(dirfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC), rc;

	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : -1;
	rc = add_path_rule(sb, fd, type, access);
	if (keep_fd(sb, fd) != 0)
		close(fd);
	return rc;
}

/* Is full (dir + "/" + name) hidden itself? */
static int
is_hidden(const sr_sandbox *sb, const char *dir, const char *full,
    const char *name)
{
	char gd[PATH_MAX];
	size_t k;

	for (k = 0; k < sb->hide.n; k++) {
		const sb_path *h = &sb->hide.v[k];
		if (!h->glob && strcmp(h->path, full) == 0)
			return 1;
		if (h->glob &&
		    strcmp(sb_glob_dir(h, gd, sizeof(gd)), dir) == 0) {
			const char *pre = strrchr(h->path, '/') + 1;
			if (strncmp(name, pre, strlen(pre)) == 0)
				return 1;
		}
	}
	return 0;
}

/* Does dir hold a hidden path somewhere beneath it (not dir itself)? */
int
sb_holds_hidden(const sr_sandbox *sb, const char *dir)
{
	char gd[PATH_MAX];
	size_t k;

	for (k = 0; k < sb->hide.n; k++) {
		const sb_path *h = &sb->hide.v[k];
		const char *p = sb_glob_dir(h, gd, sizeof(gd));
		if (!h->exists && !h->glob)
			continue;	/* nothing there to walk around */
		if ((h->glob && strcmp(p, dir) == 0) || (strcmp(p, dir) != 0 &&
		    sb_path_under(p, dir)))
			return 1;
	}
	return 0;
}

static int walk(sr_sandbox *sb, const char *dir, uint64_t access);

/* One entry of a walked directory: hidden, walked into, or granted. */
static int
walk_entry(sr_sandbox *sb, int dfd, const char *dir, const struct dirent *e,
    uint64_t access)
{
	char full[PATH_MAX];
	struct stat st;

	if (snprintf(full, sizeof(full), "%s/%s", strcmp(dir, "/") ? dir : "",
	    e->d_name) >= (int)sizeof(full))
		return 0;	/* cannot be named, cannot be reached */
	if (is_hidden(sb, dir, full, e->d_name))
		return 0;
	if (sb_holds_hidden(sb, full)) {
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			return walk(sb, full, access);
		return 0;
	}
	if (e->d_type == DT_LNK)
		return 0;	/* its target is governed where it lies */
	/* an entry the kernel will not take a rule on stays unreadable:
	 * failing closed beats failing the run */
	(void)grant_path(sb, dfd, e->d_name, e->d_type, access);
	return 0;
}

/*
 * The way on from dir to each hidden path beneath it, for a directory
 * that can be searched but not listed (mode 711): its other entries
 * cannot be named, so they stay unreadable to the agent (fail closed).
 */
static int
walk_blind(sr_sandbox *sb, const char *dir, uint64_t access)
{
	char gd[PATH_MAX], child[PATH_MAX];
	size_t k, j, n = strcmp(dir, "/") ? strlen(dir) : 0;
	struct dirent e;
	int fd, rc = 0;

	if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	for (k = 0; rc == 0 && k < sb->hide.n; k++) {
		const char *h = sb_glob_dir(&sb->hide.v[k], gd, sizeof(gd));
		if (strncmp(h, dir, n) != 0 || h[n] != '/' ||
		    (j = strcspn(h + n + 1, "/")) == 0 || j >= sizeof(e.d_name))
			continue;
		if (h[n + 1 + j] == '\0' && !sb->hide.v[k].glob)
			continue;	/* the hidden path itself */
		memcpy(child, h, n + 1 + j);
		child[n + 1 + j] = '\0';
		memcpy(e.d_name, h + n + 1, j);
		e.d_name[j] = '\0';
		e.d_type = DT_DIR;
		/* an earlier hidden path on the same way walked it already */
		for (j = 0; j < k; j++)
			if (sb_path_under(sb_glob_dir(&sb->hide.v[j], gd,
			    sizeof(gd)), child))
				break;
		if (j == k)
			rc = walk_entry(sb, fd, dir, &e, access);
	}
	close(fd);
	return rc;
}

/* Grant every entry of dir but the hidden ones and the way to them. */
static int
walk(sr_sandbox *sb, const char *dir, uint64_t access)
{
	struct dirent *e;
	DIR *d;
	int fd, rc = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		return walk_blind(sb, dir, access);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rc = walk_entry(sb, fd, dir, e, access);
	}
	closedir(d);
	return rc;
}

/* A read root: granted whole, or walked around what it hides (rules;
 * with mounts, what it hides is covered in the child). */
static int
grant_root(sr_sandbox *sb, const char *root, unsigned char type,
    uint64_t access)
{
	if (!sb->mounts && sb_holds_hidden(sb, root))
		return walk(sb, root, access);
	return grant_path(sb, AT_FDCWD, root, type, access);
}

/*
 * A root's type as the plan saw it, so that its rule needs no fstat: a
 * directory, not one, or not known (DT_UNKNOWN: fstat). Should it have
 * changed since, a rule with a directory's rights on a file fails the
 * run, and one with a file's rights on a directory grants less.
 */
static unsigned char
root_type(const sb_path *r)
{
	return r->isdir > 0 ? DT_DIR : r->isdir == 0 ? DT_REG : DT_UNKNOWN;
}

/* ---- the mounts' targets ----------------------------------------- */

static int
strv_add(char ***v, size_t *n, const char *s)
{
	char **grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (grown == NULL)
		return -1;
	*v = grown;
	if ((grown[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Is path readable to the agent at all (else it needs no cover)? */
static int
in_read_roots(const sr_sandbox *sb, const char *path)
{
	size_t i;

	if (sb->read_all)
		return 1;
	for (i = 0; i < sb->read.n; i++)
		if (sb_path_under(path, sb->read.v[i].path))
			return 1;
	return 0;
}

/* A hidden path as the plan saw it (else as it is now): a directory, a
 * file, or nothing to cover (not there, or a symbolic link: its target
 * lies where it lies). */
static int
ns_add(sr_sandbox *sb, const sb_path *h)
{
	struct stat st;
	int dir = h->isdir;

	if (!in_read_roots(sb, h->path))
		return 0;
	if (dir < 0) {
		if (lstat(h->path, &st) != 0 || S_ISLNK(st.st_mode))
			return 0;
		dir = S_ISDIR(st.st_mode);
	}
	if (dir)
		return strv_add(&sb->ns.dirs, &sb->ns.ndirs, h->path);
	return strv_add(&sb->ns.files, &sb->ns.nfiles, h->path);
}

/* Is v[i] covered already: beneath a hidden directory, or named earlier
 * in v? Each mount costs, and a path in a covered directory is not
 * there to mount over. */
static int
ns_covered(char *const *v, size_t i, char *const *dirs, size_t ndirs)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (strcmp(v[k], v[i]) == 0)
			return 1;
	for (k = 0; k < ndirs; k++)
		if (strcmp(dirs[k], v[i]) != 0 && sb_path_under(v[i], dirs[k]))
			return 1;
	return 0;
}

/* Drop the covered entries of v (decided before any is dropped). */
static int
ns_prune(char **v, size_t *n, char *const *dirs, size_t ndirs)
{
	unsigned char *drop = calloc(*n + 1, 1);
	size_t i, out = 0;

	if (drop == NULL)
		return -1;
	for (i = 0; i < *n; i++)
		drop[i] = (unsigned char)ns_covered(v, i, dirs, ndirs);
	for (i = 0; i < *n; i++) {
		if (drop[i])
			free(v[i]);
		else
			v[out++] = v[i];
	}
	*n = out;
	free(drop);
	return 0;
}

/* Is path there, and a directory (dir) or a regular file? */
static int
is_kind(const char *path, int dir)
{
	struct stat st;

	return lstat(path, &st) == 0 && (dir ? S_ISDIR(st.st_mode) :
	    S_ISREG(st.st_mode));
}

/*
 * The covers: cover_dir/d and cover_dir/f, empty and mode 0, made once
 * and kept, so that a run binds them instead of making a tmpfs (a new
 * superblock costs more than all the binds). Made as this user, in a
 * directory of scoperun's own; failing that, the child uses a tmpfs.
 */
void
sb_cover_dir_make(const char *dir)
{
	char parent[PATH_MAX], *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
		*slash = '\0';
		(void)mkdir(parent, 0700);
	}
	(void)mkdir(dir, 0700);
}

static void
ns_covers(sr_sandbox *sb)
{
	char *d = sb->ns.cover_d, *f = sb->ns.cover_f;
	size_t size = sizeof(sb->ns.cover_d);
	int fd;

	if (sb->cover_dir == NULL || (size_t)snprintf(d, size, "%s/d",
	    sb->cover_dir) >= size || (size_t)snprintf(f, size, "%s/f",
	    sb->cover_dir) >= size)
		goto none;
	if (is_kind(d, 1) && is_kind(f, 0))
		return;
	sb_cover_dir_make(sb->cover_dir);
	(void)mkdir(d, 0);
	if ((fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0)) >= 0)
		close(fd);
	if (is_kind(d, 1) && is_kind(f, 0))
		return;
none:
	d[0] = f[0] = '\0';
}

/*
 * The child covers files, then globs, then directories, and names the
 * covers by their paths as long as it can (cheaper than through a held
 * descriptor). So a directory holding the covers' directory goes last,
 * and descriptors are held (need_fds) only when something else may
 * cover that directory before the end: a glob's directory, or the
 * staging tmpfs when there are no kept covers.
 */
static void
ns_order(sr_sandbox *sb)
{
	sb_ns *ns = &sb->ns;
	char own[PATH_MAX], gd[PATH_MAX], *slash, *t;
	size_t i;

	ns->need_fds = ns->cover_d[0] == '\0';
	snprintf(own, sizeof(own), "%s", ns->cover_d);
	if ((slash = strrchr(own, '/')) != NULL)
		*slash = '\0';
	for (i = 0; !ns->need_fds && i < ns->nglobs; i++) {
		snprintf(gd, sizeof(gd), "%s", ns->globs[i]);
		if ((slash = strrchr(gd, '/')) != NULL)
			*slash = '\0';
		ns->need_fds = sb_path_under(own, gd[0] ? gd : "/");
	}
	for (i = 0; i + 1 < ns->ndirs; i++)
		if (sb_path_under(own, ns->dirs[i])) {
			t = ns->dirs[i];
			memmove(&ns->dirs[i], &ns->dirs[i + 1], (ns->ndirs - i -
			    1) * sizeof(*ns->dirs));
			ns->dirs[ns->ndirs - 1] = t;
			break;	/* pruned: no other directory holds it */
		}
}

/* What the plan saw, for the key of a kept namespace; and the working
 * directory's identity, from its write root ".". */
static int
ns_known(sr_sandbox *sb)
{
	sb_ns *ns = &sb->ns;
	size_t k;

	if (sb->hide.n > 0 && (ns->known = calloc(sb->hide.n,
	    sizeof(*ns->known))) == NULL)
		return -1;
	for (k = 0; k < sb->hide.n; k++) {
		const sb_path *h = &sb->hide.v[k];
		ns->known[k] = (sb_known){ h->path, h->exists, h->has_id,
		    h->isdir, h->dev, h->ino };
	}
	ns->nknown = sb->hide.n;
	for (k = 0; k < sb->write.n; k++)
		if (sb->write.v[k].has_id && strcmp(sb->write.v[k].path,
		    ns->cwd) == 0) {
			ns->cwd_known = 1;
			ns->cwd_dev = sb->write.v[k].dev;
			ns->cwd_ino = sb->write.v[k].ino;
		}
	return 0;
}

static int
ns_targets_once(sr_sandbox *sb)
{
	size_t k;

	for (k = 0; k < sb->hide.n; k++) {
		const sb_path *h = &sb->hide.v[k];
		if (h->glob && in_read_roots(sb, h->path) && strv_add(
		    &sb->ns.globs, &sb->ns.nglobs, h->path) != 0)
			return -1;
		if (!h->glob && h->exists && ns_add(sb, h) != 0)
			return -1;
	}
	if (ns_prune(sb->ns.files, &sb->ns.nfiles, sb->ns.dirs,
	    sb->ns.ndirs) != 0 || ns_prune(sb->ns.dirs, &sb->ns.ndirs,
	    sb->ns.dirs, sb->ns.ndirs) != 0)
		return -1;
	ns_covers(sb);
	ns_order(sb);
	return ns_known(sb) != 0 ? -1 : sb_ns_maps(&sb->ns);
}

/* Once, by settle or build, whichever comes first. */
static int
ns_targets(sr_sandbox *sb)
{
	if (sb->targets == 0)
		sb->targets = ns_targets_once(sb) == 0 ? 1 : -1;
	return sb->targets > 0 ? 0 : -1;
}

static int
add_port_rules(sr_sandbox *sb, const sr_portlist *pl, uint64_t access)
{
	struct sr_ll_net_port np;
	size_t i;

	if (!(sb->net & access))
		return 0;
	for (i = 0; i < pl->n; i++) {
		np.allowed_access = access;
		np.port = pl->v[i];
		if (syscall(SYS_landlock_add_rule, sb->fd, SR_LL_RULE_NET_PORT,
		    &np, 0) != 0)
			return -1;
		sb->nrules++;
	}
	return 0;
}

static int
add_rules(sr_sandbox *sb)
{
	size_t i;

	if (sb->read_all && grant_root(sb, "/", DT_DIR, FS_READ) != 0)
		return -1;
	for (i = 0; i < sb->read.n; i++)
		if (grant_root(sb, sb->read.v[i].path, root_type(&sb->read.v[i]),
		    FS_READ) != 0)
			return -1;
	for (i = 0; i < sb->write.n; i++)
		if (grant_path(sb, AT_FDCWD, sb->write.v[i].path,
		    root_type(&sb->write.v[i]), sb->fs) != 0)
			return -1;
	/* file rights only, which a directory (/dev/pts) takes too, and a
	 * link (/dev/ptmx in some containers) takes harmlessly: no fstat */
	for (i = 0; devices[i] != NULL; i++)
		if (grant_path(sb, AT_FDCWD, devices[i], DT_CHR, FS_DEV) != 0)
			return -1;
	return add_port_rules(sb, &sb->connect,
	    LANDLOCK_ACCESS_NET_CONNECT_TCP) != 0 || add_port_rules(sb,
	    &sb->bind, LANDLOCK_ACCESS_NET_BIND_TCP) != 0 ? -1 : 0;
}

int
sr_sandbox_build(sr_sandbox *sb, sr_err *err)
{
	struct sr_ll_ruleset_attr attr = { sb->fs, sb->net, sb->scoped };
	size_t size = sb->scoped ? sizeof(attr) : sb->abi >= SR_SANDBOX_ABI_TCP ?
	    2 * sizeof(uint64_t) : sizeof(uint64_t);
	long fd;

	if (!sb->enforce || sb->fd >= 0)
		return 0;
	fd = syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, sb->policy_path, sb->line,
		    "[sandbox]: cannot create the Landlock ruleset: %s",
		    strerror(errno));
	sb->fd = (int)fd;
	if (add_rules(sb) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, sb->policy_path, sb->line,
		    "[sandbox]: cannot add a Landlock rule: %s",
		    strerror(errno));
	if (sb->mounts && ns_targets(sb) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, sb->policy_path, sb->line,
		    "[sandbox]: cannot list the hidden paths to cover: %s",
		    strerror(errno));
	return 0;
}

int
sr_sandbox_apply(const sr_sandbox *sb, sr_err *err)
{
	if (sb == NULL || !sb->enforce)
		return 0;
	if (sb->fd < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "[sandbox]: the "
		    "ruleset was not built");
	if (sb->mounts && (sb->ns.keep_mnt >= 0 ? sb_keep_enter(&sb->ns,
	    err) : sb_ns_enter(&sb->ns, err)) != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "[sandbox]: "
		    "cannot set no_new_privs: %s", strerror(errno));
	if (syscall(SYS_landlock_restrict_self, sb->fd, 0) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "[sandbox]: "
		    "cannot enter the Landlock domain: %s", strerror(errno));
	return 0;
}

/*
 * A kept namespace for these covers proves one could be made: then
 * /proc/sys is not asked (five lookups there cost a user's run more than
 * joining does). A targets error is left for build to report.
 */
void
sr_sandbox_settle(sr_sandbox *sb, int keep)
{
	if (sb == NULL || !sb->enforce)
		return;
	if (sb->mounts && keep && sb->ns.keep_mnt < 0 && ns_targets(sb) == 0)
		sb_keep_find(&sb->ns);
	sb->joined = sb->ns.keep_mnt >= 0;
	if (sb->mounts && !sb->joined && sb->userns_unasked) {
		sb->userns_unasked = 0;
		sb->mounts = sr_sandbox_userns(&sb->userns_why);
	}
	if (!sb->mounts && keep)
		sb_keep_rules_find(sb);
}

void
sr_sandbox_keep_spawn(const sr_sandbox *sb, const char *exe)
{
	if (sb == NULL || !sb->enforce || sb->fd < 0)
		return;
	if (sb->mounts)
		sb_keep_spawn(&sb->ns, exe);
	else
		sb_keep_rules_spawn(sb, exe);
}

void
sr_sandbox_free(sr_sandbox *sb)
{
	if (sb == NULL)
		return;
	if (sb->fd >= 0)
		close(sb->fd);
	if (sb->ns.keep_mnt >= 0)
		close(sb->ns.keep_mnt);
	if (sb->ns.keep_user >= 0)
		close(sb->ns.keep_user);
	while (sb->nkept > 0)
		close(sb->kept[--sb->nkept]);
	free(sb->kept);
	list_free(&sb->write);
	list_free(&sb->read);
	list_free(&sb->hide);
	strv_free(sb->ns.dirs, sb->ns.ndirs);
	strv_free(sb->ns.files, sb->ns.nfiles);
	strv_free(sb->ns.globs, sb->ns.nglobs);
	free(sb->ns.known);
	free(sb->cover_dir);
	while (sb->nseen > 0)
		free(sb->seen[--sb->nseen]);
	free(sb->connect.v);
	free(sb->bind.v);
	free(sb->diags);
	free(sb);
}

size_t
sr_sandbox_ndiags(const sr_sandbox *sb)
{
	return sb ? sb->ndiags : 0;
}

const sr_diag *
sr_sandbox_diag(const sr_sandbox *sb, size_t i)
{
	return &sb->diags[i];
}

size_t
sr_sandbox_nrules(const sr_sandbox *sb)
{
	return sb->nrules;
}

const char *
sr_sandbox_mechanism(const sr_sandbox *sb)
{
	if (sb == NULL || !sb->enforce)
		return "none";
	return sb->mounts ? "landlock+mountns" : "landlock";
}

/* ---- what is enforced, in JSON and in words ---------------------- */

static void
json_paths(sr_jsonw *w, const char *key, const sb_list *l)
{
	char buf[PATH_MAX + 2];
	size_t i;

	sr_jsonw_key(w, key);
	sr_jsonw_begin(w, '[');
	for (i = 0; i < l->n; i++) {
		snprintf(buf, sizeof(buf), "%s%s", l->v[i].path,
		    l->v[i].glob ? "*" : "");
		sr_jsonw_elem(w);
		sr_jsonw_str(w, buf, strlen(buf));
	}
	sr_jsonw_end(w, ']');
}

static void
json_ports(sr_jsonw *w, const char *key, const sr_portlist *pl)
{
	char buf[16];
	size_t i;

	sr_jsonw_key(w, key);
	if (!pl->limited) {
		sr_jsonw_str(w, "any", 3);
		return;
	}
	sr_jsonw_begin(w, '[');
	for (i = 0; i < pl->n; i++) {
		snprintf(buf, sizeof(buf), "%u", (unsigned)pl->v[i]);
		sr_jsonw_elem(w);
		sr_jsonw_raw(w, buf, strlen(buf));
	}
	sr_jsonw_end(w, ']');
}

char *
sr_sandbox_json(const sr_sandbox *sb)
{
	sr_jsonw w = SR_JSONW_INIT;
	size_t i;

	sr_jsonw_begin(&w, '{');
	sr_jsonw_kstr(&w, "mechanism", sr_sandbox_mechanism(sb));
	sr_jsonw_kint(&w, "abi", sb->abi);
	sr_jsonw_key(&w, "kept");
	sr_jsonw_raw(&w, sb->joined ? "true" : "false", sb->joined ? 4 : 5);
	json_paths(&w, "write", &sb->write);
	if (sb->read_all)
		sr_jsonw_kstr(&w, "read", "all");
	else
		json_paths(&w, "read", &sb->read);
	json_paths(&w, "hidden", &sb->hide);
	json_ports(&w, "tcp_connect", &sb->connect);
	json_ports(&w, "tcp_bind", &sb->bind);
	sr_jsonw_key(&w, "degraded");
	sr_jsonw_begin(&w, '[');
	for (i = 0; i < sb->ndegraded; i++) {
		sr_jsonw_elem(&w);
		sr_jsonw_str(&w, sb->degraded[i], strlen(sb->degraded[i]));
	}
	sr_jsonw_end(&w, ']');
	sr_jsonw_end(&w, '}');
	if (w.b.failed) {
		sr_jsonw_free(&w);
		return NULL;
	}
	return w.b.p;
}

static void
describe_paths(const sb_list *l, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < l->n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s",
		    i ? " " : "", l->v[i].path, l->v[i].glob ? "*" : "");
}

static void
describe_ports(const sr_portlist *pl, const char *any, char *buf,
    size_t size)
{
	size_t i, len = 0;

	if (!pl->limited) {
		snprintf(buf, size, "%s", any);
		return;
	}
	snprintf(buf, size, "%s", pl->n ? "" : "none");
	for (i = 0; i < pl->n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%u",
		    i ? " " : "", (unsigned)pl->v[i]);
}

void
sr_sandbox_describe(const sr_sandbox *sb,
    void (*put)(void *arg, const char *label, const char *text), void *arg)
{
	char buf[8192];
	size_t i, len = 0;

	if (sb->enforce)
		snprintf(buf, sizeof(buf), "Landlock ABI %d, no new "
		    "privileges; no ptrace or /proc/PID/environ of processes "
		    "outside%s", sb->abi, sb->scoped ? ", no signals to them, "
		    "no abstract UNIX sockets outside" : "");
	else
		snprintf(buf, sizeof(buf), "NOT confined: the kernel has no "
		    "Landlock (sandbox.required = false)");
	put(arg, "sandbox", buf);
	if (sb->enforce && sb->mounts)
		put(arg, "hiding", geteuid() == 0 ? "mount namespace: an empty "
		    "directory or file bound over each hidden path that exists "
		    "when the run starts (kept between runs while those stay "
		    "the same); the agent keeps uid 0 and root's capabilities "
		    "but CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH" :
		    "mount namespace: an empty directory or file bound over "
		    "each hidden path that exists when the run starts (kept "
		    "between runs while those stay the same); the agent keeps "
		    "its uid and has no capabilities");
	else if (sb->enforce)
		snprintf(buf, sizeof(buf), "Landlock rules around the hidden "
		    "paths (%s): the directories holding them cannot be "
		    "listed, entries new in them are unreadable", sb->userns_why
		    != NULL ? sb->userns_why : "sandbox hiding forced to rules");
	if (sb->enforce && !sb->mounts)
		put(arg, "hiding", buf);
	describe_paths(&sb->write, buf, sizeof(buf));
	put(arg, "writes", buf[0] ? buf : "nothing");
	if (sb->read_all)
		snprintf(buf, sizeof(buf), "everything but the hidden paths");
	else
		describe_paths(&sb->read, buf, sizeof(buf));
	put(arg, "reads", buf[0] ? buf : "nothing");
	describe_paths(&sb->hide, buf, sizeof(buf));
	put(arg, "hidden", buf);
	describe_ports(&sb->connect, "any TCP port", buf, sizeof(buf));
	put(arg, "connects", buf);
	describe_ports(&sb->bind, "any TCP port", buf, sizeof(buf));
	put(arg, "listens", buf);
	buf[0] = '\0';
	for (i = 0; i < sb->ndegraded && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i ? " " : "", sb->degraded[i]);
	if (sb->ndegraded)
		put(arg, "degraded", buf);
}
