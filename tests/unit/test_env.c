/*
 * test_env.c - the child's environment: every rule of env.h, each test
 * written so that it fails when its rule breaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "env.h"

#define NAMES(...) ((const char *const[]){ __VA_ARGS__ })
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Every name the table must cover, prefixes shown by an example. */
static const char *const dangerous[] = {
	"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_", "DYLD_",
	"DYLD_INSERT_LIBRARIES", "MALLOC_CHECK_", "MALLOC_PERTURB_",
	"GLIBC_TUNABLES", "GCONV_PATH", "LOCPATH", "NLSPATH", "HOSTALIASES",
	"RESOLV_HOST_CONF", "RES_OPTIONS", "BASH_ENV", "ENV", "ZDOTDIR",
	"BASH_FUNC_foo", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND",
	"IFS", "CDPATH", "NODE_OPTIONS", "PYTHONSTARTUP", "PYTHONPATH",
	"PYTHONHOME", "PYTHONINSPECT", "PERL5OPT", "PERL5LIB", "PERLLIB",
	"PERL5DB", "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
	"JDK_JAVA_OPTIONS", "GIT_EXEC_PATH", "OPENSSL_CONF", "OPENSSL_MODULES",
	"OPENSSL_ENGINES", "OPENSSL_CONF_INCLUDE", "PYTHONUSERBASE",
	"PYTHONPYCACHEPREFIX", "PYTHONPLATLIBDIR", "RUBYGEMS_GEMDEPS",
	"LUA_INIT", "LUA_INIT_5_4", "GSS_MECH_CONFIG", "SASL_PATH",
	"LOCALDOMAIN",
};

/* Command hooks and module paths: never from the caller, but a policy's
 * own set may give them a value. */
static const char *const hooks[] = {
	"NODE_PATH", "GIT_SSH_COMMAND", "GIT_SSH", "GIT_CONFIG",
	"GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0",
	"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
	"GIT_ASKPASS", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE",
	"GIT_PROXY_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_TEMPLATE_DIR",
	"LESSOPEN", "LESSCLOSE", "PYTHONWARNINGS", "PYTHONBREAKPOINT",
	"GEM_PATH", "GEM_HOME", "BUNDLE_GEMFILE", "LUA_PATH", "LUA_PATH_5_4",
	"LUA_CPATH", "LUA_CPATH_5_3", "TCLLIBPATH", "CLASSPATH",
};

/* Kept on purpose (lib/run/env.c says why): they must pass an inherit. */
static const char *const kept[] = {
	"EDITOR", "VISUAL", "PAGER", "MANPAGER", "GIT_EDITOR", "GIT_PAGER",
	"GIT_SEQUENCE_EDITOR", "BROWSER", "TMPDIR", "HOME", "XDG_CONFIG_HOME",
	"HTTPS_PROXY", "https_proxy", "NO_PROXY", "SSL_CERT_FILE",
	"PYTHONUNBUFFERED", "PYTHONIOENCODING", "GIT_AUTHOR_NAME", "GIT_DIR",
	"JAVA_HOME", "LUA", "OPENSSL", "GIT_CONFI", "SSH_AUTH_SOCK",
};

/* Near misses that must stay usable. */
static const char *const harmless[] = {
	"PATH", "HOME", "TERM", "LANG", "LC_ALL", "TMPDIR", "LD", "LDFLAGS",
	"DYLD", "MALLOC", "ENVIRONMENT", "XENV", "ENV_", "IFS_", "PS1", "PS3",
	"BASH", "BASH_FUNC", "BASH_ENVX", "NODE_ENV", "NODE_PATH",
	"GIT_SSH_COMMAND", "PYTHONUNBUFFERED", "LUA_PATH", "OPENSSL", "GITHUB_TOKEN", "ld_preload",
};

static sr_env *
new_env(void)
{
	sr_env *e = NULL;

	assert_int_equal(sr_env_new(&e), 0);
	assert_non_null(e);
	return e;
}

/* The built envp as one "A=1|B=2" string, for whole-array comparisons. */
static char *
joined(sr_env *e)
{
	static char buf[65536];
	char *const *envp = sr_env_envp(e);
	size_t n = 0, i;

	assert_non_null(envp);
	buf[0] = '\0';
	for (i = 0; envp[i] != NULL; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    i ? "|" : "", envp[i]);
	assert_true(n < sizeof(buf));
	assert_int_equal(i, sr_env_count(e));
	return buf;
}

static void
test_name_valid(void **state)
{
	char longname[SR_ENV_NAME_MAX + 2];

	(void)state;
	assert_true(sr_env_name_valid("A", 1));
	assert_true(sr_env_name_valid("_", 1));
	assert_true(sr_env_name_valid("a1_Z9", 5));
	assert_true(sr_env_name_valid("PATH=/bin", 4));	/* len, not NUL */
	assert_false(sr_env_name_valid("", 0));
	assert_false(sr_env_name_valid("1A", 2));
	assert_false(sr_env_name_valid("A-B", 3));
	assert_false(sr_env_name_valid("A=B", 3));
	assert_false(sr_env_name_valid("A B", 3));
	assert_false(sr_env_name_valid("A.B", 3));
	assert_false(sr_env_name_valid("A\0B", 3));
	assert_false(sr_env_name_valid("\xc3\x89T\xc3\x89", 5));
	assert_false(sr_env_name_valid("BASH_FUNC_f%%", 13));
	memset(longname, 'A', sizeof(longname));
	assert_true(sr_env_name_valid(longname, SR_ENV_NAME_MAX));
	assert_false(sr_env_name_valid(longname, SR_ENV_NAME_MAX + 1));
}

static void
test_name_dangerous(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(dangerous); i++)
		assert_true(sr_env_name_dangerous(dangerous[i],
		    strlen(dangerous[i])));
	for (i = 0; i < NELEM(harmless); i++)
		assert_false(sr_env_name_dangerous(harmless[i],
		    strlen(harmless[i])));
	/* The length decides, not the NUL. */
	assert_true(sr_env_name_dangerous("ENVX", 3));
	assert_false(sr_env_name_dangerous("ENV", 2));
	assert_false(sr_env_name_dangerous("LD_", 2));
}

/* Every dangerous name and every hook stays out of inherit; hooks alone
 * may be set; the kept names are neither. */
static void
test_name_uninheritable(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(dangerous); i++)
		assert_true(sr_env_name_uninheritable(dangerous[i],
		    strlen(dangerous[i])));
	for (i = 0; i < NELEM(hooks); i++) {
		assert_true(sr_env_name_uninheritable(hooks[i],
		    strlen(hooks[i])));
		assert_false(sr_env_name_dangerous(hooks[i],
		    strlen(hooks[i])));
	}
	for (i = 0; i < NELEM(kept); i++) {
		assert_false(sr_env_name_uninheritable(kept[i],
		    strlen(kept[i])));
		assert_false(sr_env_name_dangerous(kept[i], strlen(kept[i])));
	}
}

/* "NAME=/tmp/x" for each of names into caller from *n on. */
static void
caller_add(char **caller, char (*buf)[64], size_t *n,
    const char *const *names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++, (*n)++) {
		snprintf(buf[*n], sizeof(buf[*n]), "%s=/tmp/x", names[i]);
		caller[*n] = buf[*n];
	}
}

/* inherit = ["*"]: none of the table reaches the child, the kept do. */
static void
test_inherit_star_table(void **state)
{
	char *caller[NELEM(dangerous) + NELEM(hooks) + NELEM(kept) + 1];
	static char buf[NELEM(caller)][64];
	sr_env *e = new_env();
	size_t i, n = 0;

	(void)state;
	caller_add(caller, buf, &n, dangerous, NELEM(dangerous));
	caller_add(caller, buf, &n, hooks, NELEM(hooks));
	caller_add(caller, buf, &n, kept, NELEM(kept));
	caller[n] = NULL;
	assert_int_equal(sr_env_inherit(e, caller, NAMES("*"), 1), 0);
	assert_non_null(sr_env_envp(e));
	assert_int_equal(sr_env_count(e), NELEM(kept));
	for (i = 0; i < NELEM(kept); i++)
		assert_string_equal(sr_env_get(e, kept[i]), "/tmp/x");
	sr_env_free(e);
}

/* A policy's own set may give a hook its value. */
static void
test_set_hooks(void **state)
{
	sr_env *e = new_env();
	sr_err err = SR_ERR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(hooks); i++)
		assert_int_equal(sr_env_set(e, hooks[i], "v", 1, &err), 0);
	assert_int_equal(sr_env_set_secret(e, "GIT_ASKPASS",
	    (const unsigned char *)"s", 1, &err), 0);
	assert_non_null(sr_env_envp(e));
	assert_int_equal(sr_env_count(e), NELEM(hooks));
	assert_string_equal(sr_env_get(e, "GIT_SSH_COMMAND"), "v");
	sr_env_free(e);
}

static void
test_glob(void **state)
{
	(void)state;
	assert_true(sr_env_glob_match("*", "ANYTHING", 8));
	assert_true(sr_env_glob_match("*", "", 0));
	assert_true(sr_env_glob_match("", "", 0));
	assert_false(sr_env_glob_match("", "A", 1));
	assert_true(sr_env_glob_match("PATH", "PATH", 4));
	assert_false(sr_env_glob_match("PATH", "PATHX", 5));
	assert_false(sr_env_glob_match("PATH", "PAT", 3));
	assert_true(sr_env_glob_match("PATH", "PATHX", 4));	/* len */
	assert_false(sr_env_glob_match("path", "PATH", 4));
	assert_true(sr_env_glob_match("LC_*", "LC_ALL", 6));
	assert_true(sr_env_glob_match("LC_*", "LC_", 3));
	assert_false(sr_env_glob_match("LC_*", "LANG", 4));
	assert_true(sr_env_glob_match("*_TOKEN", "GITHUB_TOKEN", 12));
	assert_false(sr_env_glob_match("*_TOKEN", "GITHUB_TOKENS", 13));
	assert_true(sr_env_glob_match("*_*_*", "A_B_C", 5));
	assert_false(sr_env_glob_match("*_*_*", "A_BC", 4));
	assert_true(sr_env_glob_match("A**B", "AxyB", 4));
	assert_true(sr_env_glob_match("A?C", "ABC", 3));
	assert_false(sr_env_glob_match("A?C", "AC", 2));
	assert_true(sr_env_glob_match("?*", "X", 1));
	assert_false(sr_env_glob_match("?*", "", 0));
	/* Classes: ranges, negation both ways, `]` first, unclosed literal. */
	assert_true(sr_env_glob_match("[A-C]X", "BX", 2));
	assert_false(sr_env_glob_match("[A-C]X", "DX", 2));
	assert_true(sr_env_glob_match("[AZ_]X", "_X", 2));
	assert_false(sr_env_glob_match("[!A]X", "AX", 2));
	assert_true(sr_env_glob_match("[!A]X", "BX", 2));
	assert_false(sr_env_glob_match("[^A]X", "AX", 2));
	assert_true(sr_env_glob_match("[]A]", "]", 1));
	assert_true(sr_env_glob_match("[A", "[A", 2));
	assert_false(sr_env_glob_match("[A", "A", 1));
	assert_true(sr_env_glob_match("*[0-9]", "V8", 2));
	assert_false(sr_env_glob_match("*[0-9]", "V8X", 3));
}

/* Exponential backtracking would never finish on these. */
static void
test_glob_pathological(void **state)
{
	size_t len = 200000;
	char *a = malloc(len);
	struct timespec t0, t1;
	double secs;

	(void)state;
	assert_non_null(a);
	memset(a, 'a', len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_false(sr_env_glob_match("*a*a*a*a*a*b", a, len));
	assert_true(sr_env_glob_match("*a*a*a*a*a*a", a, len));
	assert_false(sr_env_glob_match("*?*?*?*?*?*?*b", a, len));
	assert_false(sr_env_glob_match("*[a]*[a]*[a]*[b]", a, len));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 2.0);
	free(a);
}

static void
test_pattern_valid(void **state)
{
	(void)state;
	assert_true(sr_env_pattern_valid("PATH"));
	assert_true(sr_env_pattern_valid("LC_*"));
	assert_true(sr_env_pattern_valid("*"));
	assert_true(sr_env_pattern_valid("A?[0-9]"));
	assert_false(sr_env_pattern_valid(""));
	assert_false(sr_env_pattern_valid("LC-*"));
	assert_false(sr_env_pattern_valid("A B"));
	assert_false(sr_env_pattern_valid("A=B"));
	assert_false(sr_env_pattern_valid("[A-Z"));
}

static void
test_pattern_only_dangerous(void **state)
{
	static const char *const yes[] = {
		"LD_*", "LD_PRELOAD", "LD_?RELOAD", "LD_[A-Z]*", "DYLD_*",
		"MALLOC_*", "BASH_FUNC_*", "BASH_ENV", "ENV", "IFS", "PS4",
		"GLIBC_TUNABLES", "PYTHONPATH", "LD_*X", "OPENSSL_*",
		"OPENSSL_CONF", "GIT_CONFIG_*", "GIT_CONFIG*", "GIT_SSH_COMMAND",
		"LESSOPEN", "NODE_PATH", "LUA_PATH_*", "SSH_ASKPASS*",
	};
	static const char *const no[] = {
		"*", "L*", "LD*", "LC_*", "PATH", "ENV*", "ENV?", "BASH_EN?",
		"IFS*", "?D_PRELOAD", "[L]D_*", "LD", "*_PRELOAD", "GLIBC_*",
		"TMPDIR", "PYTHON*", "GIT_*", "EDITOR", "GIT_CONF*", "OPENSSL*",
		"LESS*",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(yes); i++)
		assert_true(sr_env_pattern_only_dangerous(yes[i]));
	for (i = 0; i < NELEM(no); i++)
		assert_false(sr_env_pattern_only_dangerous(no[i]));
}

static void
test_pattern_broad(void **state)
{
	static const char *const yes[] = {
		"*", "?*", "L*", "*_TOKEN", "**", "[A-Z]*", "*A", "A*",
	};
	static const char *const no[] = {
		"LC_*", "PATH", "?", "A?", "XD*", "LANG", "GITHUB_*",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(yes); i++)
		assert_true(sr_env_pattern_broad(yes[i]));
	for (i = 0; i < NELEM(no); i++)
		assert_false(sr_env_pattern_broad(no[i]));
}

/* `*` lets in everything but the dangerous, the invalid, the malformed. */
static void
test_inherit_star_skips(void **state)
{
	char *caller[] = {
		"PATH=/bin", "LD_PRELOAD=/tmp/evil.so", "BASH_ENV=/tmp/x",
		"BASH_FUNC_f%%=() { id; }", "BASH_FUNC_g=x", "NOEQUALS",
		"=empty", "1BAD=x", "A-B=x", "ENV=/tmp/rc", "HOME=/root",
		"DYLD_INSERT_LIBRARIES=x", "MALLOC_CHECK_=3", "PS4=$(id)",
		"IFS=x", "GLIBC_TUNABLES=x", "EQ=a=b=", "EMPTY=", NULL,
	};
	sr_env *e = new_env();

	(void)state;
	assert_int_equal(sr_env_inherit(e, caller, NAMES("*"), 1), 0);
	assert_string_equal(joined(e),
	    "EMPTY=|EQ=a=b=|HOME=/root|PATH=/bin");
	assert_string_equal(caller[1], "LD_PRELOAD=/tmp/evil.so");
	sr_env_free(e);
}

/* scoperun's own variables never pass, whatever the pattern, nor can a
 * policy set them. */
static void
test_own_never_pass(void **state)
{
	char *caller[] = {
		"PATH=/bin", "SCOPERUN_IDENTITY_KEY=SCOPERUN-SECRET-1x",
		"SCOPERUN_VAULT=/v", "SCOPERUN_TASK_ID=t", "SCOPERUNX=ok", NULL,
	};
	sr_err err = SR_ERR_INIT;
	sr_env *e = new_env();

	(void)state;
	assert_int_equal(sr_env_inherit(e, caller,
	    NAMES("*", "SCOPERUN_*", "SCOPERUN_IDENTITY_KEY"), 3), 0);
	assert_string_equal(joined(e), "PATH=/bin|SCOPERUNX=ok");
	sr_env_free(e);
	e = new_env();
	assert_int_equal(sr_env_set(e, "SCOPERUN_AUDIT", "/a", 2, &err), -1);
	assert_non_null(strstr(err.msg, "scoperun's own settings"));
	assert_true(sr_env_pattern_only_dangerous("SCOPERUN_*"));
	sr_env_free(e);
}

static void
test_inherit_patterns(void **state)
{
	char *caller[] = {
		"PATH=/bin", "LANG=C", "LC_ALL=C", "LC_CTYPE=UTF-8",
		"LOGNAME=me", "SECRET=x", NULL,
	};
	char *copy[NELEM(caller)];
	sr_env *e = new_env();
	size_t i;

	(void)state;
	memcpy(copy, caller, sizeof(caller));
	assert_int_equal(sr_env_inherit(e, caller,
	    NAMES("PATH", "LC_*", "NOPE"), 3), 0);
	assert_string_equal(joined(e), "LC_ALL=C|LC_CTYPE=UTF-8|PATH=/bin");
	/* The caller's array and strings are left alone. */
	for (i = 0; i < NELEM(caller); i++)
		assert_ptr_equal(copy[i], caller[i]);
	assert_string_equal(caller[0], "PATH=/bin");
	sr_env_free(e);
}

static void
test_inherit_none(void **state)
{
	char *caller[] = { "PATH=/bin", NULL };
	sr_env *e = new_env();

	(void)state;
	assert_int_equal(sr_env_inherit(e, caller, NULL, 0), 0);
	assert_string_equal(joined(e), "");
	assert_int_equal(sr_env_count(e), 0);
	assert_null(sr_env_envp(e)[0]);
	sr_env_free(e);
}

/* set beats inherit whatever the order; the last set wins; the first
 * inherited duplicate wins, as getenv sees it. */
static void
test_precedence(void **state)
{
	char *caller[] = {
		"PATH=/caller", "HOME=/first", "HOME=/second", "TERM=xterm",
		NULL,
	};
	sr_env *e = new_env();
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sr_env_set(e, "TERM", "dumb", 4, &err), 0);
	assert_int_equal(sr_env_inherit(e, caller, NAMES("*"), 1), 0);
	assert_int_equal(sr_env_set(e, "PATH", "/one", 4, &err), 0);
	assert_int_equal(sr_env_set(e, "PATH", "/policy", 7, &err), 0);
	assert_string_equal(sr_env_get(e, "PATH"), "/policy");
	assert_string_equal(sr_env_get(e, "TERM"), "dumb");
	assert_string_equal(sr_env_get(e, "HOME"), "/first");
	assert_null(sr_env_get(e, "PAT"));
	assert_null(sr_env_get(e, "NOPE"));
	assert_string_equal(joined(e), "HOME=/first|PATH=/policy|TERM=dumb");
	assert_string_equal(sr_env_get(e, "PATH"), "/policy");
	sr_env_free(e);
}

static void
test_set_refuses(void **state)
{
	static const char *const bad[] = { "", "1A", "A-B", "A=B", "A B" };
	sr_env *e = new_env();
	sr_err err = SR_ERR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(dangerous); i++) {
		sr_err_clear(&err);
		assert_int_equal(sr_env_set(e, dangerous[i], "x", 1, &err),
		    -1);
		assert_int_equal(err.kind, SR_ERR_CONFIG);
		assert_non_null(strstr(err.msg, dangerous[i]));
		sr_err_clear(&err);
		assert_int_equal(sr_env_set_secret(e, dangerous[i],
		    (const unsigned char *)"x", 1, &err), -1);
		assert_int_equal(err.kind, SR_ERR_CONFIG);
	}
	for (i = 0; i < NELEM(bad); i++) {
		sr_err_clear(&err);
		assert_int_equal(sr_env_set(e, bad[i], "x", 1, &err), -1);
		assert_int_equal(err.kind, SR_ERR_CONFIG);
		assert_int_equal(sr_env_set_secret(e, bad[i],
		    (const unsigned char *)"x", 1, &err), -1);
	}
	sr_err_clear(&err);
	assert_int_equal(sr_env_set(e, "A", "x\0y", 3, &err), -1);
	assert_non_null(strstr(err.msg, "NUL"));
	sr_err_clear(&err);
	assert_int_equal(sr_env_set_secret(e, "TOKEN",
	    (const unsigned char *)"hunter2\0x", 9, &err), -1);
	assert_int_equal(err.kind, SR_ERR_CONFIG);
	assert_null(strstr(err.msg, "hunter2"));
	assert_string_equal(joined(e), "");
	sr_env_free(e);
}

/* Values are bytes: `=`, newlines, high bytes, empty; length honoured. */
static void
test_values(void **state)
{
	static const unsigned char pem[] =
	    "-----BEGIN KEY-----\nab==\n\xff\x01\n-----END KEY-----\n";
	sr_env *e = new_env();
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sr_env_set(e, "EQ", "a=b=c", 5, &err), 0);
	assert_int_equal(sr_env_set(e, "CUT", "abcdef", 3, &err), 0);
	assert_int_equal(sr_env_set(e, "EMPTY", NULL, 0, &err), 0);
	assert_int_equal(sr_env_set_secret(e, "KEY", pem, sizeof(pem) - 1,
	    &err), 0);
	assert_int_equal(sr_env_set_secret(e, "ESECRET", NULL, 0, &err), 0);
	assert_string_equal(sr_env_get(e, "EQ"), "a=b=c");
	assert_string_equal(sr_env_get(e, "CUT"), "abc");
	assert_string_equal(sr_env_get(e, "KEY"), (const char *)pem);
	assert_string_equal(joined(e), "CUT=abc|EMPTY=|EQ=a=b=c|ESECRET=|"
	    "KEY=-----BEGIN KEY-----\nab==\n\xff\x01\n-----END KEY-----\n");
	sr_env_free(e);
}

/* Secrets reach envp, beat inherit, and survive the region moving. */
static void
test_secrets(void **state)
{
	char *caller[] = { "TOKEN_0=caller", "PATH=/bin", NULL };
	unsigned char val[300];
	char name[32], want[400];
	sr_env *e = new_env();
	sr_err err = SR_ERR_INIT;
	char *const *envp;
	size_t i;

	(void)state;
	assert_int_equal(sr_env_inherit(e, caller, NAMES("*"), 1), 0);
	for (i = 0; i < 200; i++) {	/* 60 KB: several doublings */
		snprintf(name, sizeof(name), "TOKEN_%03zu", i);
		memset(val, (int)('a' + i % 26), sizeof(val));
		assert_int_equal(sr_env_set_secret(e, name, val, sizeof(val),
		    &err), 0);
	}
	assert_int_equal(sr_env_set_secret(e, "TOKEN_0",
	    (const unsigned char *)"granted", 7, &err), 0);
	envp = sr_env_envp(e);
	assert_non_null(envp);
	assert_int_equal(sr_env_count(e), 202);
	assert_string_equal(envp[0], "PATH=/bin");
	assert_string_equal(envp[1], "TOKEN_0=granted");
	for (i = 0; i < 200; i++) {
		snprintf(want, sizeof(want), "TOKEN_%03zu=", i);
		memset(want + 10, (int)('a' + i % 26), sizeof(val));
		want[10 + sizeof(val)] = '\0';
		assert_string_equal(envp[i + 2], want);
	}
	sr_env_free(e);
}

/* strcmp byte order on the name alone: "A" before "A1" although
 * "A1=" sorts before "A=" as whole strings. */
static void
test_sorted_unique(void **state)
{
	char *caller[] = {
		"a=1", "_=2", "B=3", "A1=4", "A=5", "Z9=6", "A=dup", NULL,
	};
	sr_env *e = new_env();
	sr_err err = SR_ERR_INIT;
	size_t len, i;
	const char *n;

	(void)state;
	assert_int_equal(sr_env_inherit(e, caller, NAMES("*", "A"), 2), 0);
	assert_int_equal(sr_env_set(e, "B", "set", 3, &err), 0);
	assert_string_equal(joined(e), "A=5|A1=4|B=set|Z9=6|_=2|a=1");
	assert_int_equal(sr_env_count(e), 6);
	n = sr_env_name_at(e, 1, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(n, "A1", 2);
	n = sr_env_name_at(e, 5, &len);
	assert_int_equal(len, 1);
	assert_memory_equal(n, "a", 1);
	assert_null(sr_env_name_at(e, 6, &len));
	for (i = 0; i < sr_env_count(e); i++)
		assert_non_null(sr_env_name_at(e, i, &len));
	sr_env_free(e);
}

/* Thousands of variables, half duplicated: sorted, unique, right values. */
static void
test_many(void **state)
{
	enum { N = 5000 };
	char **caller = calloc(2 * N + 1, sizeof(*caller));
	sr_env *e = new_env();
	char *const *envp;
	size_t i;

	(void)state;
	assert_non_null(caller);
	for (i = 0; i < 2 * N; i++) {
		caller[i] = malloc(32);
		assert_non_null(caller[i]);
		snprintf(caller[i], 32, "V%05zu=%s", (N - 1 - i % N),
		    i < N ? "first" : "second");
	}
	assert_int_equal(sr_env_inherit(e, caller, NAMES("V*"), 1), 0);
	envp = sr_env_envp(e);
	assert_int_equal(sr_env_count(e), N);
	for (i = 0; i < N; i++) {
		char want[32];

		snprintf(want, sizeof(want), "V%05zu=first", i);
		assert_string_equal(envp[i], want);
	}
	assert_null(envp[N]);
	for (i = 0; i < 2 * N; i++)
		free(caller[i]);
	free(caller);
	sr_env_free(e);
}

/* envp is built once; the builder is frozen after. */
static void
test_frozen(void **state)
{
	char *caller[] = { "PATH=/bin", NULL };
	sr_env *e = new_env();
	sr_err err = SR_ERR_INIT;
	char *const *envp;

	(void)state;
	assert_int_equal(sr_env_count(e), 0);
	assert_int_equal(sr_env_set(e, "A", "1", 1, &err), 0);
	envp = sr_env_envp(e);
	assert_ptr_equal(sr_env_envp(e), envp);
	assert_int_equal(sr_env_set(e, "B", "2", 1, &err), -1);
	assert_int_equal(sr_env_set_secret(e, "B",
	    (const unsigned char *)"2", 1, &err), -1);
	assert_int_equal(sr_env_inherit(e, caller, NAMES("*"), 1), -1);
	assert_string_equal(joined(e), "A=1");
	sr_env_free(e);
	sr_env_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_name_dangerous),
		cmocka_unit_test(test_name_uninheritable),
		cmocka_unit_test(test_inherit_star_table),
		cmocka_unit_test(test_set_hooks),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_glob_pathological),
		cmocka_unit_test(test_pattern_valid),
		cmocka_unit_test(test_pattern_only_dangerous),
		cmocka_unit_test(test_pattern_broad),
		cmocka_unit_test(test_inherit_star_skips),
		cmocka_unit_test(test_own_never_pass),
		cmocka_unit_test(test_inherit_patterns),
		cmocka_unit_test(test_inherit_none),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_set_refuses),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_sorted_unique),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_frozen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
