/*
 * test_sandbox.c - [sandbox]: parsing (lib/policy/policy.c), planning against a
 * HOME and a working directory (lib/run/sandbox.c) with the kernel's Landlock
 * ABI faked, and one real domain entered in a child process.
 */
#define _GNU_SOURCE 1	/* unshare, CLONE_NEWNS: the chroot probe */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "sandbox.h"
#include "testlib.h"

static char home[256], proj[256], tmp[256];

static void
mkdirs(const char *sub)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", tl_dir, sub);
	assert_int_equal(mkdir(buf, 0700), 0);
}

static void
touch(const char *sub, const char *text)
{
	char buf[512];
	FILE *f;

	snprintf(buf, sizeof(buf), "%s/%s", tl_dir, sub);
	assert_non_null(f = fopen(buf, "w"));
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	if (tl_dir_setup(state) != 0)
		return -1;
	mkdirs("home");
	mkdirs("home/.ssh");
	mkdirs("home/.config");
	mkdirs("home/src");
	mkdirs("proj");
	mkdirs("tmp");
	touch("home/.ssh/id", "PRIVATE\n");
	touch("home/notes", "notes\n");
	touch("home/src/a", "a\n");
	snprintf(home, sizeof(home), "%s/home", tl_dir);
	snprintf(proj, sizeof(proj), "%s/proj", tl_dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", tl_dir);
	return 0;
}

/* The policy "sb.toml" with body after a valid [agent]. */
static sr_policy *
load(const char *body, int want_rc, sr_err *err)
{
	char path[512];
	sr_policy *p = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sb.toml", tl_dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "[agent]\nname = \"sb\"\nowner = \"o\"\npurpose = \"p\"\n"
	    "expires = 2099-01-01T00:00:00Z\n%s", body);
	fclose(f);
	assert_int_equal(sr_policy_load(&p, path, 0, err), want_rc);
	assert_non_null(p);
	return p;
}

/* How the next plan() hides: rules unless a test says otherwise. */
static sr_sandbox_hiding hiding = SR_SANDBOX_HIDE_RULES;
static int userns;
static char cover_dir[512];	/* "": a tmpfs in each run */

static sr_sandbox_ctx
ctx_for(int abi)
{
	sr_sandbox_ctx c = { home, proj, tmp, NULL, 0, abi, hiding, userns,
	    "faked", cover_dir[0] ? cover_dir : NULL };
	return c;
}

static void
test_parse(void **state)
{
	sr_err err = SR_ERR_INIT;
	sr_policy *p;

	(void)state;
	p = load("[sandbox]\nwrite = [\".\", \"/tmp\"]\nhide = [\"~/.kube\", "
	    "\"~/.x*\"]\nread = [\"/usr\"]\ntcp_connect = [443, 8080]\n"
	    "tcp_bind = []\nrequired = false\n", 0, &err);
	assert_true(p->sandbox.present);
	assert_int_equal(p->sandbox.write.n, 2);
	assert_int_equal(p->sandbox.hide.n, 2);
	assert_true(p->sandbox.read_set);
	assert_true(p->sandbox.tcp_connect.limited);
	assert_int_equal(p->sandbox.tcp_connect.n, 2);
	assert_int_equal(p->sandbox.tcp_connect.v[1], 8080);
	assert_true(p->sandbox.tcp_bind.limited);
	assert_int_equal(p->sandbox.tcp_bind.n, 0);
	assert_false(p->sandbox.required);
	sr_policy_free(p);
	/* absent: no sandbox, required by default where present */
	p = load("", 0, &err);
	assert_false(p->sandbox.present);
	sr_policy_free(p);
}

static void
expect_error(const char *body, unsigned line, const char *msg)
{
	sr_err err = SR_ERR_INIT;
	sr_policy *p = load(body, -1, &err);

	assert_int_equal(err.line, line);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, msg);
	sr_policy_free(p);
}

static void
test_parse_errors(void **state)
{
	(void)state;
	expect_error("[sandbox]\nwrit = [\".\"]\n", 7, "unknown key");
	expect_error("[sandbox]\nwrite = [\"src\"]\n", 7, "relative path");
	expect_error("[sandbox]\nread = [\"./x\"]\n", 7, "relative path");
	expect_error("[sandbox]\nwrite = [\"/a*\"]\n", 7, "'*'");
	expect_error("[sandbox]\nhide = [\"/a*/b\"]\n", 7, "'*'");
	expect_error("[sandbox]\nhide = [\"/a/../b\"]\n", 7, "'..'");
	expect_error("[sandbox]\ntcp_connect = [0]\n", 7, "from 1 to 65535");
	expect_error("[sandbox]\ntcp_bind = [\n1,\n65536]\n", 9, "from 1");
	expect_error("[sandbox]\ntcp_bind = [\"80\"]\n", 7, "TCP port");
	expect_error("[sandbox]\nrequired = \"yes\"\n", 7, "must be a");
}

/* The last plan's error, for its kind and reason. */
static sr_err plan_err;

/* Plan body; want_rc; the first error's line and text (NULL: none). */
static sr_sandbox *
plan(const char *body, int abi, int want_rc, unsigned line, const char *msg)
{
	sr_err err = SR_ERR_INIT;
	sr_policy *p = load(body, 0, &err);
	sr_sandbox_ctx c = ctx_for(abi);
	sr_sandbox *sb = NULL;

	assert_int_equal(sr_sandbox_plan(&sb, &p->sandbox, p->path, &c, &err),
	    want_rc);
	if (msg != NULL) {
		assert_int_equal(err.line, line);
		if (strstr(err.msg, msg) == NULL)
			fail_msg("'%s' lacks '%s'", err.msg, msg);
	}
	plan_err = err;
	sr_policy_free(p);
	return sb;
}

/* A refusal's kind and reason (err.h), which callers decide on. */
static void
assert_reason(const sr_err *err, sr_err_kind kind, const char *reason)
{
	assert_int_equal(err->kind, kind);
	if (reason == NULL)
		assert_null(err->reason);
	else
		assert_string_equal(err->reason, reason);
}

static void
test_plan_errors(void **state)
{
	char body[1024];

	(void)state;
	/* a writable root must exist; a hidden one may not */
	sr_sandbox_free(plan("[sandbox]\nwrite = [\"/nonexistent-sr\"]\n", 7, -1,
	    7, "does not exist"));
	assert_reason(&plan_err, SR_ERR_CONFIG, NULL);
	sr_sandbox_free(plan("[sandbox]\nwrite = [\".\"]\nhide = "
	    "[\"/nonexistent-sr\"]\n", 7, 0, 0, NULL));
	/* a hidden path under a writable root, built in or named */
	sr_sandbox_free(plan("[sandbox]\nwrite = [\"~\"]\n", 7, -1, 7,
	    "holds the hidden path"));
	snprintf(body, sizeof(body), "[sandbox]\nwrite = [\".\"]\n"
	    "hide = [\"%s/x\"]\n", proj);
	sr_sandbox_free(plan(body, 7, -1, 8, "holds the hidden path"));
	/* a root inside a hidden path */
	sr_sandbox_free(plan("[sandbox]\nwrite = [\"~/.ssh\"]\n", 7, -1, 7,
	    "lies in the hidden path"));
	sr_sandbox_free(plan("[sandbox]\nwrite = [\".\"]\nread = "
	    "[\"~/.ssh\"]\n", 7, -1, 8, "lies in the hidden path"));
	/* the default write roots: "." and TMPDIR */
	sr_sandbox_free(plan("[sandbox]\n", 7, 0, 0, NULL));
}

/* The kernel's answer is faked: each ABI short of what the policy uses
 * refuses, naming what is missing; required = false runs degraded. */
static void
test_abi(void **state)
{
	sr_sandbox *sb;
	char *json;

	(void)state;
	sr_sandbox_free(plan("[sandbox]\nwrite = [\".\"]\n", 0, -1, 6,
	    "the kernel has no Landlock"));
	assert_reason(&plan_err, SR_ERR_DENIED, "sandbox.unavailable");
	sr_sandbox_free(plan("[sandbox]\nwrite = [\".\"]\n", 5, -1, 6,
	    "needs 6 for scope.signal, scope.abstract_unix_socket"));
	assert_reason(&plan_err, SR_ERR_DENIED, "sandbox.unavailable");
	sr_sandbox_free(plan("[sandbox]\nwrite = [\".\"]\ntcp_connect = "
	    "[443]\n", 3, -1, 6, "needs 6 for tcp_connect, scope.signal"));
	sr_sandbox_free(plan("[sandbox]\nwrite = [\".\"]\n", 2, -1, 6,
	    "needs 6 for truncate"));
	sr_sandbox_free(plan("[sandbox]\nwrite = [\".\"]\ntcp_bind = [80]\n",
	    6, 0, 0, NULL));
	/* a control: ABI 7 enforces everything */
	sb = plan("[sandbox]\nwrite = [\".\"]\n", 7, 0, 0, NULL);
	assert_non_null(json = sr_sandbox_json(sb));
	assert_non_null(strstr(json, "\"mechanism\":\"landlock\""));
	assert_non_null(strstr(json, "\"degraded\":[]"));
	free(json);
	sr_sandbox_free(sb);
	/* required = false: what is left, and what was dropped, recorded */
	sb = plan("[sandbox]\nwrite = [\".\"]\ntcp_connect = [443]\nrequired = "
	    "false\n", 3, 0, 0, NULL);
	assert_non_null(json = sr_sandbox_json(sb));
	assert_non_null(strstr(json, "\"mechanism\":\"landlock\""));
	assert_non_null(strstr(json, "\"degraded\":[\"tcp_connect\","
	    "\"scope.signal\",\"scope.abstract_unix_socket\"]"));
	free(json);
	sr_sandbox_free(sb);
	sb = plan("[sandbox]\nwrite = [\".\"]\nrequired = false\n", 0, 0, 0,
	    NULL);
	assert_non_null(json = sr_sandbox_json(sb));
	assert_non_null(strstr(json, "\"mechanism\":\"none\""));
	free(json);
	sr_sandbox_free(sb);
}

/* Can the calling process open path for reading (1) or writing (2)? */
static int
can_open(const char *sub, int flags)
{
	char buf[512];
	int fd;

	snprintf(buf, sizeof(buf), "%s/%s", tl_dir, sub);
	if ((fd = open(buf, flags | O_CLOEXEC, 0600)) < 0)
		return 0;
	close(fd);
	return 1;
}

static void
unlink_sub(const char *sub)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", tl_dir, sub);
	unlink(buf);
}

static void
rmdir_sub(const char *sub)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", tl_dir, sub);
	rmdir(buf);
}

/* An exit status for a mask of failed checks: the first one's number
 * plus one (a status keeps 8 bits, a mask here more). */
static int
first_failed(int bad)
{
	int n;

	for (n = 0; n < 31; n++)
		if (bad & (1 << n))
			return n + 1;
	return 0;
}

/* The size of tl_dir/sub; -1 when it cannot be opened. */
static long
fsize(const char *sub)
{
	char buf[512];
	struct stat st;

	snprintf(buf, sizeof(buf), "%s/%s", tl_dir, sub);
	return stat(buf, &st) == 0 ? (long)st.st_size : -1;
}

/* A real domain, in a child: ~/.ssh hidden, ~/notes and ~/src readable,
 * the project writable, ~ itself neither listable nor writable. */
static void
test_apply(void **state)
{
	sr_err err = SR_ERR_INIT;
	sr_sandbox *sb;
	int status;
	pid_t pid;

	(void)state;
	if (sr_sandbox_abi() < 6)
		skip();
	sb = plan("[sandbox]\nwrite = [\".\"]\n", sr_sandbox_abi(), 0, 0, NULL);
	assert_int_equal(sr_sandbox_build(sb, &err), 0);
	assert_true(sr_sandbox_nrules(sb) > 3);
	if ((pid = fork()) == 0) {
		int bad = sr_sandbox_apply(sb, &err) != 0;
		bad |= can_open("home/.ssh/id", O_RDONLY) << 1;
		bad |= can_open("home/.ssh", O_RDONLY | O_DIRECTORY) << 2;
		bad |= !can_open("home/notes", O_RDONLY) << 3;
		bad |= !can_open("home/src/a", O_RDONLY) << 4;
		bad |= !can_open("proj/new", O_WRONLY | O_CREAT) << 5;
		bad |= can_open("home/new", O_WRONLY | O_CREAT) << 6;
		bad |= can_open("home/notes", O_WRONLY) << 7;
		bad |= can_open("home", O_RDONLY | O_DIRECTORY) << 8;
		bad |= !can_open("../../usr/bin", O_RDONLY | O_DIRECTORY) << 9;
		bad |= !can_open("../../dev/null", O_WRONLY) << 10;
		_exit(first_failed(bad));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the parent stays unconfined */
	assert_true(can_open("home/.ssh/id", O_RDONLY));
	sr_sandbox_free(sb);
}

/*
 * A policy's refusals carry their kind and reason as values: an expired
 * policy or grant is SR_ERR_DENIED with policy.expired or grant.expired,
 * whatever its message says; an invalid one is SR_ERR_CONFIG, no reason.
 */
static void
test_policy_reasons(void **state)
{
	static const struct {
		const char *agent_expires, *body;
		sr_err_kind kind;
		const char *reason;
	} cases[] = {
		{ "2001-01-01T00:00:00Z", "", SR_ERR_DENIED,
		    "policy.expired" },
		{ "2099-01-01T00:00:00Z", "[secrets.GH]\nfrom = \"gh/t\"\n"
		    "expires = 2001-01-01\n", SR_ERR_DENIED, "grant.expired" },
		{ "2099-01-01T00:00:00Z", "[secrets.GH]\nfrom = \"gh/t\"\n"
		    "expires = 2099-01-01\n", SR_ERR_NONE, NULL },
		{ "2099-01-01T00:00:00Z", "[exec]\nallow = 3\n", SR_ERR_CONFIG,
		    NULL },
	};
	char path[512];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/sb.toml", tl_dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sr_err err = SR_ERR_INIT;
		sr_policy *p = NULL;
		FILE *f;

		assert_non_null(f = fopen(path, "w"));
		fprintf(f, "[agent]\nname = \"sb\"\nowner = \"o\"\n"
		    "purpose = \"p\"\nexpires = %s\n%s",
		    cases[i].agent_expires, cases[i].body);
		fclose(f);
		assert_int_equal(sr_policy_load(&p, path, 1700000000, &err),
		    cases[i].kind == SR_ERR_NONE ? 0 : -1);
		assert_reason(&err, cases[i].kind, cases[i].reason);
		sr_policy_free(p);
	}
}

/*
 * In a chroot the kernel refuses a user namespace, and root's "/" is no
 * mount to make private: the probe says so, and auto hides with rules
 * (found in a brand-new Debian chroot, where every confined run was
 * refused). The chroot is made in a child with a mount namespace of its
 * own and /proc mounted inside; as root only.
 */
static int
probe_in_chroot(const char *dir)
{
	char proc[600];
	const char *why = NULL;

	snprintf(proc, sizeof(proc), "%s/proc", dir);
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    (mkdir(proc, 0755) != 0 && errno != EEXIST) ||
	    mount("proc", proc, "proc", 0, NULL) != 0)
		return 3;
	if (chroot(dir) != 0 || chdir("/") != 0)
		return 3;
	if (sr_sandbox_userns(&why) != 0)
		return 1;
	return why != NULL && strstr(why, "chroot") != NULL ? 0 : 2;
}

static void
test_userns_chroot(void **state)
{
	char dir[512];
	const char *why = NULL;
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0 || !sr_sandbox_userns(&why))
		skip();		/* the control below must hold first */
	snprintf(dir, sizeof(dir), "%s/jail", tl_dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	if ((pid = fork()) == 0)
		_exit(probe_in_chroot(dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		skip();		/* no mount namespace for the test itself */
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * A run's plan leaves user namespaces unasked (-1): mounts, until settle
 * joins nothing and asks; then what this machine answers. Forced ways
 * stay as they are.
 */
static void
test_hiding_unasked(void **state)
{
	sr_sandbox *sb;

	(void)state;
	hiding = SR_SANDBOX_HIDE_AUTO;
	userns = -1;
	sb = plan("[sandbox]\nwrite = [\".\"]\n", 7, 0, 0, NULL);
	assert_string_equal(sr_sandbox_mechanism(sb), "landlock+mountns");
	sr_sandbox_settle(sb, 0);
	assert_string_equal(sr_sandbox_mechanism(sb), sr_sandbox_userns(NULL) ?
	    "landlock+mountns" : "landlock");
	sr_sandbox_free(sb);
	hiding = SR_SANDBOX_HIDE_MOUNTS;
	sb = plan("[sandbox]\nwrite = [\".\"]\n", 7, 0, 0, NULL);
	sr_sandbox_settle(sb, 0);
	assert_string_equal(sr_sandbox_mechanism(sb), "landlock+mountns");
	sr_sandbox_free(sb);
	hiding = SR_SANDBOX_HIDE_RULES;
	sb = plan("[sandbox]\nwrite = [\".\"]\n", 7, 0, 0, NULL);
	sr_sandbox_settle(sb, 0);
	assert_string_equal(sr_sandbox_mechanism(sb), "landlock");
	sr_sandbox_free(sb);
	userns = 0;
}

/* How the plan chooses its way of hiding, and says so. */
static void
test_hiding_choice(void **state)
{
	sr_sandbox *sb;
	char *json;

	(void)state;
	hiding = SR_SANDBOX_HIDE_AUTO;
	userns = 1;
	sb = plan("[sandbox]\nwrite = [\".\"]\n", 7, 0, 0, NULL);
	assert_string_equal(sr_sandbox_mechanism(sb), "landlock+mountns");
	assert_non_null(json = sr_sandbox_json(sb));
	assert_non_null(strstr(json, "{\"mechanism\":\"landlock+mountns\","));
	free(json);
	sr_sandbox_free(sb);
	/* no user namespaces: rules, and why, in words */
	userns = 0;
	sb = plan("[sandbox]\nwrite = [\".\"]\n", 7, 0, 0, NULL);
	assert_string_equal(sr_sandbox_mechanism(sb), "landlock");
	sr_sandbox_free(sb);
	/* forced either way, whatever the kernel allows */
	hiding = SR_SANDBOX_HIDE_RULES;
	userns = 1;
	sb = plan("[sandbox]\nwrite = [\".\"]\n", 7, 0, 0, NULL);
	assert_string_equal(sr_sandbox_mechanism(sb), "landlock");
	sr_sandbox_free(sb);
	hiding = SR_SANDBOX_HIDE_MOUNTS;
	userns = 0;
	sb = plan("[sandbox]\nwrite = [\".\"]\n", 7, 0, 0, NULL);
	assert_string_equal(sr_sandbox_mechanism(sb), "landlock+mountns");
	sr_sandbox_free(sb);
	/* no Landlock: nothing, whatever the way */
	sb = plan("[sandbox]\nwrite = [\".\"]\nrequired = false\n", 0, 0, 0,
	    NULL);
	assert_string_equal(sr_sandbox_mechanism(sb), "none");
	sr_sandbox_free(sb);
	hiding = SR_SANDBOX_HIDE_RULES;
}

/* The diagnostic of sb that contains text, or NULL. */
static const sr_diag *
find_diag(const sr_sandbox *sb, const char *text)
{
	size_t i;

	for (i = 0; i < sr_sandbox_ndiags(sb); i++)
		if (strstr(sr_sandbox_diag(sb, i)->msg, text) != NULL)
			return sr_sandbox_diag(sb, i);
	return NULL;
}

/* Each way warns about its own edges, and only those. */
static void
test_hiding_warnings(void **state)
{
	const char *body = "[sandbox]\nwrite = [\".\"]\nhide = "
	    "[\"~/.nothere\", \"~/x*\"]\nread = [\"/usr\", \"~\"]\n";
	sr_sandbox *sb;

	(void)state;
	hiding = SR_SANDBOX_HIDE_MOUNTS;
	sb = plan(body, 7, 0, 0, NULL);
	assert_non_null(find_diag(sb, "does not exist; created during a run "
	    "it is not hidden"));
	assert_non_null(find_diag(sb, "only the entries there when a run "
	    "starts are hidden"));
	assert_null(find_diag(sb, "cannot list it"));
	sr_sandbox_free(sb);
	hiding = SR_SANDBOX_HIDE_RULES;
	sb = plan(body, 7, 0, 0, NULL);
	assert_non_null(find_diag(sb, "cannot list it"));
	assert_non_null(find_diag(sb, "stays hidden only when its directory "
	    "holds other hidden paths"));
	assert_null(find_diag(sb, "it is not hidden"));
	sr_sandbox_free(sb);
}

/*
 * Among many hidden entries of one HOME, as the plan looks them up: a
 * link is resolved (its target is hidden), a missing entry does not
 * exist (its warning), a present one does; both ways of hiding.
 */
static void
test_plan_listing(void **state)
{
	const char *body = "[sandbox]\nwrite = [\".\"]\nhide = "
	    "[\"~/.nothere\", \"~/notes\", \"~/zlink\", \"~/.netrc\"]\n";
	char link[512], target[512], *json;
	sr_sandbox *sb;

	(void)state;
	mkdirs("elsewhere");
	mkdirs("elsewhere/aws");
	mkdirs("home/.gnupg");
	touch("home/.netrc", "machine x\n");
	snprintf(link, sizeof(link), "%s/home/zlink", tl_dir);
	snprintf(target, sizeof(target), "%s/elsewhere/aws", tl_dir);
	assert_int_equal(symlink(target, link), 0);
	for (hiding = SR_SANDBOX_HIDE_RULES; ; hiding = SR_SANDBOX_HIDE_MOUNTS) {
		sb = plan(body, 7, 0, 0, NULL);
		assert_non_null(json = sr_sandbox_json(sb));
		if (strstr(json, target) == NULL || strstr(json, link) != NULL)
			fail_msg("the link's target is not what is hidden: %s",
			    json);
		assert_non_null(strstr(json, "/home/.netrc\""));
		assert_non_null(find_diag(sb, "/.nothere does not exist"));
		assert_null(find_diag(sb, "/notes does not exist"));
		assert_null(find_diag(sb, "/.netrc does not exist"));
		free(json);
		sr_sandbox_free(sb);
		if (hiding == SR_SANDBOX_HIDE_MOUNTS)
			break;
	}
	hiding = SR_SANDBOX_HIDE_RULES;
	unlink(link);
	unlink_sub("home/.netrc");
	rmdir_sub("home/.gnupg");
	rmdir_sub("elsewhere/aws");
	rmdir_sub("elsewhere");
}

/* What a process entering sb sees; bit n set: check n failed. */
static int
mounts_child(const sr_sandbox *sb)
{
	sr_err err = SR_ERR_INIT;
	int bad = sr_sandbox_apply(sb, &err) != 0;

	bad |= can_open("home/.ssh/id", O_RDONLY) << 1;
	bad |= !can_open("home", O_RDONLY | O_DIRECTORY) << 2;
	bad |= !can_open("home/notes", O_RDONLY) << 3;
	bad |= !can_open("home/src/a", O_RDONLY) << 4;
	bad |= !can_open("proj/new", O_WRONLY | O_CREAT) << 5;
	bad |= can_open("home/new", O_WRONLY | O_CREAT) << 6;
	bad |= !can_open("home/late", O_RDONLY) << 7;
	bad |= can_open("home/sec1", O_RDONLY) && fsize("home/sec1") > 0 ?
	    1 << 8 : 0;
	bad |= !can_open("home/other", O_RDONLY) << 9;
	bad |= fsize("home/.local/share/scoperun/vault.sealed") > 0 ? 1 << 10 :
	    0;
	bad |= !can_open("../../usr/bin", O_RDONLY | O_DIRECTORY) << 11;
	return bad;
}

/*
 * A real mount namespace, in a child: ~/.ssh, a glob's files and the
 * vault covered, ~ listable, a file made after the build readable. With
 * covers kept in a directory of scoperun's own (under a hidden
 * directory, ~/.local: the covers are then reached through descriptors)
 * and without (a tmpfs per run).
 */
static void
test_apply_mounts(void **state)
{
	const char *body = "[sandbox]\nwrite = [\".\"]\nhide = [\"~/sec*\", "
	    "\"~/.local\"]\n";
	sr_err err = SR_ERR_INIT;
	sr_sandbox *sb;
	int round, status;
	pid_t pid;

	(void)state;
	if (sr_sandbox_abi() < 6 || !sr_sandbox_userns(NULL))
		skip();
	mkdirs("home/.local");
	mkdirs("home/.local/share");
	mkdirs("home/.local/share/scoperun");
	touch("home/.local/share/scoperun/vault.sealed", "SEALED\n");
	touch("home/sec1", "SECRET\n");
	touch("home/other", "other\n");
	hiding = SR_SANDBOX_HIDE_MOUNTS;
	for (round = 0; round < 2; round++) {
		if (round == 0)
			snprintf(cover_dir, sizeof(cover_dir), "%s/home/.local/"
			    "covers", tl_dir);
		else
			cover_dir[0] = '\0';
		sb = plan(body, sr_sandbox_abi(), 0, 0, NULL);
		assert_int_equal(sr_sandbox_build(sb, &err), 0);
		touch("home/late", "late\n");
		if ((pid = fork()) == 0)
			_exit(first_failed(mounts_child(sb)));
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) != 0)
			fail_msg("round %d: check %d failed", round,
			    WEXITSTATUS(status) - 1);
		unlink_sub("home/late");
		sr_sandbox_free(sb);
		/* the parent stays outside: nothing is covered here */
		assert_true(fsize("home/sec1") > 0);
	}
	cover_dir[0] = '\0';
	hiding = SR_SANDBOX_HIDE_RULES;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_abi),
		cmocka_unit_test(test_policy_reasons),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_userns_chroot),
		cmocka_unit_test(test_hiding_unasked),
		cmocka_unit_test(test_hiding_choice),
		cmocka_unit_test(test_hiding_warnings),
		cmocka_unit_test(test_plan_listing),
		cmocka_unit_test(test_apply_mounts),
	};
	return cmocka_run_group_tests(tests, setup, tl_dir_teardown);
}
