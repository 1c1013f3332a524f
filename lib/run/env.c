#include "env.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include "secalloc.h"

/*
 * Names a caller can never hand the child. The threat is not privilege (the
 * child runs as the caller) but the secrets: every entry makes a program
 * load code, run a command or send its traffic elsewhere, so a hostile
 * caller could run its own code inside the allowlisted command that holds
 * the grants and walk around [exec] allow (OPENSSL_CONF loaded an engine
 * .so into an allowlisted curl). Two kinds, one table:
 *
 * NEVER (N): inherit skips them, set and grants refuse them (SPEC §3). They
 *   act on every program of a kind: every dynamic executable, every shell
 *   script, every Python program, every program linking OpenSSL.
 * CALLER (C): inherit skips them and naming one in inherit is a policy
 *   error, but the policy's own `set` or a grant may give one a value: it
 *   is the owner's choice, written where only the owner can write, and
 *   ordinary policies need it (GIT_SSH_COMMAND="ssh -i deploy_key",
 *   NODE_PATH, GIT_CONFIG_COUNT for safe.directory, LUA_PATH for rocks).
 *
 * Kept on purpose (the caller's value passes a matching inherit):
 * - EDITOR, VISUAL, PAGER, MANPAGER, GIT_EDITOR, GIT_SEQUENCE_EDITOR,
 *   GIT_PAGER, BROWSER: run only when a person asks for them (a commit
 *   without -m, output to a terminal, "open in browser"), which people in
 *   a terminal expect; the value is a command looked up through PATH, and
 *   a caller who sets PATH (every policy inherits it) already chooses which
 *   `vi` or `less` those programs run.
 * - TMPDIR: a place for files, not code.
 * - HOME, XDG_CONFIG_HOME: needed by nearly everything. They decide which
 *   ~/.gitconfig or ~/.curlrc is read, and those files can name commands
 *   too, as a repository's own .git/config in the working directory can:
 *   a policy whose caller is not trusted sets HOME itself (scoperun-policy(5)).
 * - HTTP(S)_PROXY, ALL_PROXY, NO_PROXY, SSL_CERT_FILE, SSL_CERT_DIR,
 *   CURL_CA_BUNDLE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, KRB5_CONFIG...:
 *   data about the network the user is on (corporate proxies and CAs need
 *   them); they run no code, and an allowlisted program's own arguments
 *   redirect it as well (curl --proxy -k).
 * - JAVA_HOME, GOFLAGS, CC, CARGO_*, RUSTC_WRAPPER, npm_config_*, PIP_*,
 *   MAKEFLAGS and every other build tool's own configuration: no table can
 *   list every program's hooks; narrow `inherit` patterns keep them out and
 *   `policy check` warns about broad ones.
 * - PYTHONUNBUFFERED, PYTHONIOENCODING, PYTHONDONTWRITEBYTECODE and the
 *   other PYTHON* switches not listed: they load nothing.
 */
enum { SR_ENV_NEVER = 0, SR_ENV_CALLER = 1 };

static const struct sr_env_danger {
	const char	*name;
	size_t		 len;
	unsigned char	 prefix;	/* 1: every name starting with it */
	unsigned char	 kind;		/* SR_ENV_NEVER or SR_ENV_CALLER */
} dangers[] = {
#define N(s, p) { s, sizeof(s) - 1, p, SR_ENV_NEVER }
#define C(s, p) { s, sizeof(s) - 1, p, SR_ENV_CALLER }
	/* name			prefix	why */
	/* Dynamic loaders (glibc, musl, macOS). */
	N("LD_", 1),		/* preload code, swap libraries */
	N("DYLD_", 1),		/* the same on macOS */
	/* libc. */
	N("MALLOC_", 1),	/* allocator debugging (CVE history) */
	N("GLIBC_TUNABLES", 0),	/* tunables (CVE-2023-4911) */
	N("GCONV_PATH", 0),	/* iconv modules loaded as .so */
	N("LOCPATH", 0),	/* locale files read from any path */
	N("NLSPATH", 0),	/* message catalogs (format strings) */
	N("HOSTALIASES", 0),	/* resolver: redirects host names */
	N("RESOLV_HOST_CONF", 0), /* resolver: another host.conf */
	N("RES_OPTIONS", 0),	/* resolver options */
	N("LOCALDOMAIN", 0),	/* resolver: short names to other hosts */
	/* Shells: startup files run by non-interactive shells, exported
	 * functions, xtrace, strings expanded as code, splitting, cd. */
	N("BASH_ENV", 0),	/* file run by every bash script */
	N("ENV", 0),		/* the same for POSIX sh */
	N("ZDOTDIR", 0),	/* where zsh finds .zshenv */
	N("BASH_FUNC_", 1),	/* exported functions shadow commands */
	N("SHELLOPTS", 0),	/* turns on xtrace and the like */
	N("BASHOPTS", 0),	/* the same, shopt options */
	N("PS4", 0),		/* expanded (command substitution) */
	N("PROMPT_COMMAND", 0),	/* run before each prompt */
	N("IFS", 0),		/* word splitting of every script */
	N("CDPATH", 0),		/* where a script's cd lands */
	/* OpenSSL: OPENSSL_CONF loads engines and providers (.so) into every
	 * program linking it (curl, git, python); OPENSSL_MODULES and
	 * OPENSSL_ENGINES name the directories they are loaded from. */
	N("OPENSSL_", 1),
	/* Kerberos/GSS-API and SASL plugins loaded as .so (curl, ldap). */
	N("GSS_MECH_CONFIG", 0),
	N("SASL_PATH", 0),
	/* Interpreters: code or options run at startup, and module paths
	 * searched before the program's own (shadowing what it imports). */
	N("NODE_OPTIONS", 0),	/* --require runs a module first */
	C("NODE_PATH", 0),	/* modules a program lacks load from it */
	N("PYTHONSTARTUP", 0),	/* run by interactive python */
	N("PYTHONPATH", 0),	/* searched before the stdlib */
	N("PYTHONHOME", 0),	/* replaces the stdlib */
	N("PYTHONINSPECT", 0),	/* interactive prompt after the script */
	N("PYTHONUSERBASE", 0),	/* user site: its .pth files run */
	N("PYTHONPYCACHEPREFIX", 0), /* bytecode read from there */
	N("PYTHONPLATLIBDIR", 0), /* where lib-dynload .so are found */
	C("PYTHONWARNINGS", 0),	/* imports the module a category names */
	C("PYTHONBREAKPOINT", 0), /* imports and calls what it names */
	N("PERL5OPT", 0),	/* -M options: modules loaded first */
	N("PERL5LIB", 0),	/* searched first */
	N("PERLLIB", 0),	/* the same, older */
	N("PERL5DB", 0),	/* the debugger's code */
	N("RUBYOPT", 0),	/* -r options: files required first */
	N("RUBYLIB", 0),	/* searched first */
	N("RUBYGEMS_GEMDEPS", 0), /* a Gemfile (Ruby) evaluated at start */
	C("GEM_PATH", 0),	/* a higher-versioned gem there wins */
	C("GEM_HOME", 0),	/* the same */
	C("BUNDLE_GEMFILE", 0),	/* Ruby code bundler evaluates */
	N("LUA_INIT", 1),	/* code run by every lua (LUA_INIT_5_4) */
	C("LUA_PATH", 1),	/* searched first (LUA_PATH_5_4) */
	C("LUA_CPATH", 1),	/* .so modules searched first */
	C("TCLLIBPATH", 0),	/* Tcl packages searched first */
	N("JAVA_TOOL_OPTIONS", 0), /* -javaagent: code in every JVM */
	N("_JAVA_OPTIONS", 0),	/* the same, HotSpot */
	N("JDK_JAVA_OPTIONS", 0), /* the same, the java launcher */
	C("CLASSPATH", 0),	/* classes loaded from it */
	/* git: GIT_EXEC_PATH replaces the directory git runs its own helpers
	 * from (git-remote-https on every fetch); GIT_CONFIG_* and
	 * GIT_CONFIG_PARAMETERS set any key (core.sshCommand, core.fsmonitor
	 * run on every status, credential.helper, core.hooksPath). */
	N("GIT_EXEC_PATH", 0),
	C("GIT_CONFIG", 1),	/* _COUNT/_KEY_n/_VALUE_n, _PARAMETERS,
				 * _GLOBAL, _SYSTEM: config from the env */
	C("GIT_SSH_COMMAND", 0), /* run for every ssh remote */
	C("GIT_SSH", 0),	/* the same, older */
	C("GIT_ASKPASS", 0),	/* run to ask for credentials */
	C("GIT_PROXY_COMMAND", 0), /* run for git:// remotes */
	C("GIT_EXTERNAL_DIFF", 0), /* run by git diff */
	C("GIT_TEMPLATE_DIR", 0), /* hooks copied into every new clone */
	/* Other programs' hooks run without being asked for. */
	C("SSH_ASKPASS", 1),	/* run by ssh (and _REQUIRE forces it) */
	C("LESSOPEN", 0),	/* run by less on every file */
	C("LESSCLOSE", 0),	/* the same, after */
	/* scoperun's own settings: where the identity, vault, audit log and
	 * policies are, and the identity itself (SCOPERUN_IDENTITY_KEY). An
	 * agent that got them could open the whole vault, or point a nested
	 * scoperun at files of its choosing. Never passed, whatever inherit
	 * says (SR_ENV_OWN_PREFIX). */
	N(SR_ENV_OWN_PREFIX, 1),
#undef N
#undef C
};

#define SR_ENV_SECRET_MIN 4096		/* first sodium region, one page */

enum { SR_ENV_INHERITED = 0, SR_ENV_SET = 1 };

/* One "NAME=value" string; plain ones never move, secret ones move with
 * their region until the builder is frozen, so they are kept by offset. */
struct sr_env_ent {
	char		*str;		/* plain: always; secret: once frozen */
	size_t		 off;		/* secret: offset in e->sec */
	size_t		 namelen;
	size_t		 seq;		/* insertion order */
	unsigned char	 cls;		/* SR_ENV_INHERITED or SR_ENV_SET */
	unsigned char	 secret;
};

/* Plain strings are packed into blocks that are never reallocated. */
struct sr_env_blk {
	struct sr_env_blk *next;
	size_t		 used, cap;
	char		 data[];
};

struct sr_env {
	struct sr_env_ent *ents;
	size_t		 nents, cap;
	struct sr_env_blk *blks;
	unsigned char	*sec;		/* sodium memory, grows by doubling */
	size_t		 seclen, seccap;
	char		**envp;		/* non-NULL once frozen */
	size_t		 nenvp;
};

int
sr_env_name_valid(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > SR_ENV_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '_';

		if (!alpha && (i == 0 || c < '0' || c > '9'))
			return 0;
	}
	return 1;
}

/* The table's entry for name[0..len), or NULL. */
static const struct sr_env_danger *
danger_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(dangers) / sizeof(dangers[0]); i++) {
		const struct sr_env_danger *d = &dangers[i];

		if ((d->prefix ? len >= d->len : len == d->len) &&
		    memcmp(name, d->name, d->len) == 0)
			return d;
	}
	return NULL;
}

int
sr_env_name_dangerous(const char *name, size_t len)
{
	const struct sr_env_danger *d = danger_find(name, len);

	return d != NULL && d->kind == SR_ENV_NEVER;
}

int
sr_env_name_uninheritable(const char *name, size_t len)
{
	return danger_find(name, len) != NULL;
}

/*
 * The byte after the `]` closing the class that starts after `[` at p,
 * or NULL when it is never closed: only to tell a well-formed pattern,
 * fnmatch(3) does the matching.
 */
static const char *
class_end(const char *p)
{
	const char *first;

	if (*p == '!' || *p == '^')
		p++;
	/* A `]` right after `[` or `[!` is a member, as in fnmatch(3). */
	for (first = p; *p != ']' || p == first; p++)
		if (*p == '\0')
			return NULL;
	return p + 1;
}

/*
 * fnmatch(3), the one glob dialect for patterns people write (the repo
 * guard's env_patterns use it too), on a name that is not NUL-terminated
 * (it is the front of "NAME=value"): copied first, on the stack for any
 * valid name. fnmatch is not the fastest way: a hand-written matcher took
 * 1 us a run against its 4 to 10 us over 40 variables and 8 patterns
 * (issue 15), some 0.3% of a run, which buys one dialect. glibc's
 * fnmatch does not backtrack into earlier stars (test_env's pathological
 * patterns over 200,000 bytes).
 */
int
sr_env_glob_match(const char *pattern, const char *name, size_t len)
{
	char buf[SR_ENV_NAME_MAX + 1], *s = buf;
	int hit;

	if (len >= sizeof(buf) && (s = malloc(len + 1)) == NULL)
		return 0;	/* inherits nothing rather than guess */
	memcpy(s, name, len);
	s[len] = '\0';
	hit = fnmatch(pattern, s, 0) == 0;
	if (s != buf)
		free(s);
	return hit;
}

int
sr_env_pattern_valid(const char *pattern)
{
	const char *p = pattern, *end;

	if (*p == '\0' || strlen(p) > SR_ENV_NAME_MAX)
		return 0;
	while (*p != '\0') {
		if (*p == '[') {
			if ((end = class_end(p + 1)) == NULL)
				return 0;
			p = end;
		} else if (*p == '*' || *p == '?' || sr_env_name_valid(p, 1) ||
		    (*p >= '0' && *p <= '9'))
			p++;
		else
			return 0;
	}
	return 1;
}

int
sr_env_pattern_only_dangerous(const char *pattern)
{
	size_t lit = strcspn(pattern, "*?[");
	size_t i;

	if (pattern[lit] == '\0')
		return sr_env_name_uninheritable(pattern, lit);
	for (i = 0; i < sizeof(dangers) / sizeof(dangers[0]); i++) {
		const struct sr_env_danger *d = &dangers[i];

		if (d->prefix && lit >= d->len &&
		    memcmp(pattern, d->name, d->len) == 0)
			return 1;
	}
	return 0;
}

int
sr_env_pattern_broad(const char *pattern)
{
	return strchr(pattern, '*') != NULL && strcspn(pattern, "*?[") < 2;
}

int
sr_env_new(sr_env **out)
{
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? -1 : 0;
}

void
sr_env_free(sr_env *e)
{
	struct sr_env_blk *b, *next;

	if (e == NULL)
		return;
	if (e->sec != NULL)
		sr_secalloc_free(e->sec);	/* wipes */
	for (b = e->blks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(e->ents);
	free(e->envp);
	free(e);
}

/* Room for one more entry; the array doubles. */
static struct sr_env_ent *
ent_add(sr_env *e)
{
	struct sr_env_ent *n;
	size_t cap;

	if (e->nents == e->cap) {
		cap = e->cap == 0 ? 32 : e->cap * 2;
		if (cap > SIZE_MAX / sizeof(*n) ||
		    (n = realloc(e->ents, cap * sizeof(*n))) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		e->ents = n;
		e->cap = cap;
	}
	n = &e->ents[e->nents];
	memset(n, 0, sizeof(*n));
	n->seq = e->nents++;
	return n;
}

/* size bytes of plain storage that never move; blocks of 4 KiB or more. */
static char *
blk_alloc(sr_env *e, size_t size)
{
	struct sr_env_blk *b = e->blks;
	size_t cap;
	char *p;

	if (b == NULL || b->cap - b->used < size) {
		cap = size > 4096 - sizeof(*b) ? size : 4096 - sizeof(*b);
		if (cap > SIZE_MAX - sizeof(*b) ||
		    (b = malloc(sizeof(*b) + cap)) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		b->used = 0;
		b->cap = cap;
		b->next = e->blks;
		e->blks = b;
	}
	p = b->data + b->used;
	b->used += size;
	return p;
}

/* Copy "NAME=value" (len bytes, then a NUL) into plain storage. */
static int
add_plain(sr_env *e, const char *name, size_t namelen, const char *value,
    size_t value_len, int cls)
{
	struct sr_env_ent *ent;
	char *s;

	if ((s = blk_alloc(e, namelen + value_len + 2)) == NULL ||
	    (ent = ent_add(e)) == NULL)
		return -1;
	memcpy(s, name, namelen);
	s[namelen] = '=';
	if (value_len > 0)
		memcpy(s + namelen + 1, value, value_len);
	s[namelen + 1 + value_len] = '\0';
	ent->str = s;
	ent->namelen = namelen;
	ent->cls = (unsigned char)cls;
	return 0;
}

int
sr_env_inherit(sr_env *e, char *const *caller_env,
    const char *const *patterns, size_t npatterns)
{
	const char *s, *eq;
	size_t i, j, nlen;

	if (e->envp != NULL) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; caller_env != NULL && caller_env[i] != NULL; i++) {
		s = caller_env[i];
		if ((eq = strchr(s, '=')) == NULL)
			continue;
		nlen = (size_t)(eq - s);
		if (!sr_env_name_valid(s, nlen) ||
		    sr_env_name_uninheritable(s, nlen))
			continue;
		for (j = 0; j < npatterns; j++) {
			if (!sr_env_glob_match(patterns[j], s, nlen))
				continue;
			if (add_plain(e, s, nlen, eq + 1, strlen(eq + 1),
			    SR_ENV_INHERITED) == -1)
				return -1;
			break;
		}
	}
	return 0;
}

/* The checks set and set_secret share; the message names, never shows,
 * the value. */
static int
check_set(const sr_env *e, const char *name, const void *value,
    size_t value_len, sr_err *err)
{
	char q[4 * SR_ERR_QUOTE_MAX + 8];
	size_t nlen = strlen(name);

	sr_err_quote(q, sizeof(q), name, nlen);
	if (e->envp != NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
		    "%s: environment already built", q);
	if (!sr_env_name_valid(name, nlen))
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
		    "%s: not a valid environment variable name", q);
	if (strncmp(name, SR_ENV_OWN_PREFIX, strlen(SR_ENV_OWN_PREFIX)) == 0)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
		    "%s: scoperun's own settings never reach the command", q);
	if (sr_env_name_dangerous(name, nlen))
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
		    "%s: may never be passed: the loader, libc or a shell "
		    "acts on it", q);
	if (value_len > 0 && memchr(value, '\0', value_len) != NULL)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
		    "%s: value holds a NUL byte", q);
	if (value_len > SIZE_MAX / 2)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
		    "%s: value too long", q);
	return 0;
}

int
sr_env_set(sr_env *e, const char *name, const char *value, size_t value_len,
    sr_err *err)
{
	if (check_set(e, name, value, value_len, err) == -1)
		return -1;
	if (add_plain(e, name, strlen(name), value, value_len,
	    SR_ENV_SET) == -1)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	return 0;
}

/*
 * Make room for size more bytes of secret storage. The region doubles
 * instead of growing per secret, as each move copies every secret so far;
 * the old one is wiped by sr_secalloc_free.
 */
static int
sec_reserve(sr_env *e, size_t size)
{
	unsigned char *n;
	size_t cap = e->seccap;

	if (e->seccap - e->seclen >= size)
		return 0;
	if (e->sec == NULL && sodium_init() < 0)
		return -1;
	if (cap < SR_ENV_SECRET_MIN)
		cap = SR_ENV_SECRET_MIN;
	while (cap - e->seclen < size) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	if ((n = sr_secalloc_alloc(cap)) == NULL)
		return -1;
	if (e->seclen > 0)
		memcpy(n, e->sec, e->seclen);
	if (e->sec != NULL)
		sr_secalloc_free(e->sec);
	e->sec = n;
	e->seccap = cap;
	return 0;
}

int
sr_env_set_secret(sr_env *e, const char *name, const unsigned char *value,
    size_t value_len, sr_err *err)
{
	struct sr_env_ent *ent;
	size_t nlen = strlen(name);
	unsigned char *s;

	if (check_set(e, name, value, value_len, err) == -1)
		return -1;
	if (sec_reserve(e, nlen + value_len + 2) == -1 ||
	    (ent = ent_add(e)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
		    "cannot allocate locked memory for a secret");
	s = e->sec + e->seclen;
	memcpy(s, name, nlen);
	s[nlen] = '=';
	if (value_len > 0)
		memcpy(s + nlen + 1, value, value_len);
	s[nlen + 1 + value_len] = '\0';
	ent->off = e->seclen;
	ent->namelen = nlen;
	ent->cls = SR_ENV_SET;
	ent->secret = 1;
	e->seclen += nlen + value_len + 2;
	return 0;
}

static const char *
ent_str(const sr_env *e, const struct sr_env_ent *ent)
{
	return ent->secret ? (const char *)e->sec + ent->off : ent->str;
}

/* True when a beats b for the same name (see the precedence in env.h). */
static int
ent_wins(const struct sr_env_ent *a, const struct sr_env_ent *b)
{
	if (a->cls != b->cls)
		return a->cls > b->cls;
	return a->cls == SR_ENV_SET ? a->seq > b->seq : a->seq < b->seq;
}

const char *
sr_env_get(const sr_env *e, const char *name)
{
	const struct sr_env_ent *best = NULL, *ent;
	size_t i, nlen = strlen(name);

	for (i = 0; i < e->nents; i++) {
		ent = &e->ents[i];
		if (ent->namelen == nlen &&
		    memcmp(ent_str(e, ent), name, nlen) == 0 &&
		    (best == NULL || ent_wins(ent, best)))
			best = ent;
	}
	return best == NULL ? NULL : ent_str(e, best) + nlen + 1;
}

/* By name in strcmp byte order (not by "NAME=": `A` sorts before `A1`),
 * then so that the winner of each name comes first. */
static int
ent_cmp(const void *va, const void *vb)
{
	const struct sr_env_ent *a = va, *b = vb;
	size_t n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int c = memcmp(a->str, b->str, n);

	if (c != 0)
		return c;
	if (a->namelen != b->namelen)
		return a->namelen < b->namelen ? -1 : 1;
	return ent_wins(a, b) ? -1 : ent_wins(b, a) ? 1 : 0;
}

char *const *
sr_env_envp(sr_env *e)
{
	size_t i, n = 0;

	if (e->envp != NULL)
		return e->envp;
	if ((e->envp = calloc(e->nents + 1, sizeof(*e->envp))) == NULL)
		return NULL;
	/* Frozen from here: the secret region no longer moves. */
	for (i = 0; i < e->nents; i++)
		if (e->ents[i].secret)
			e->ents[i].str = (char *)e->sec + e->ents[i].off;
	if (e->nents > 0)
		qsort(e->ents, e->nents, sizeof(*e->ents), ent_cmp);
	for (i = 0; i < e->nents; i++) {
		if (n > 0 && e->ents[n - 1].namelen == e->ents[i].namelen &&
		    memcmp(e->ents[n - 1].str, e->ents[i].str,
		    e->ents[i].namelen) == 0)
			continue;	/* a loser: the winner sorted first */
		e->ents[n] = e->ents[i];
		e->envp[n++] = e->ents[i].str;
	}
	e->nents = e->nenvp = n;
	return e->envp;
}

size_t
sr_env_count(const sr_env *e)
{
	return e->nenvp;
}

size_t
sr_env_slots(const sr_env *e)
{
	return e->envp ? e->nenvp : e->nents;
}

const char *
sr_env_name_at(const sr_env *e, size_t i, size_t *len)
{
	if (i >= e->nenvp)
		return NULL;
	*len = e->ents[i].namelen;
	return e->ents[i].str;
}

int
sr_env_secret_at(const sr_env *e, size_t i, const char **name,
    size_t *namelen, const char **value, size_t *valuelen)
{
	const char *str;

	if (i >= sr_env_slots(e) || !e->ents[i].secret)
		return 0;
	/* before the envp is built a secret's string is an offset into the
	 * secret region, which may still move: read it now, use it now */
	str = e->envp ? e->ents[i].str : (char *)e->sec + e->ents[i].off;
	*name = str;
	*namelen = e->ents[i].namelen;
	*value = str + e->ents[i].namelen + 1;
	*valuelen = strlen(*value);
	return 1;
}
