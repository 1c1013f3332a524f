/*
 * test_repo.c - the repository guard against real repositories that the
 * git CLI makes in a temporary directory: the patterns, HEAD and the
 * index, the index formats git writes (v2, v4, split, sparse), damaged
 * index files, worktrees, submodules, GIT_DIR, and the cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/time.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "repo.h"
#include "settings.h"
#include "testlib.h"

#define FMT(buf, ...) \
	assert_true(snprintf(buf, sizeof(buf), __VA_ARGS__) < (int)sizeof(buf))

static char T[PATH_MAX];		/* the temporary directory */
static char CACHE[PATH_MAX];

/* T/rel; a shell command in T, 0 when it exits 0 (testlib.h) */
#define tp(rel) tl_at(T, rel)
#define sh(...) tl_sh(T, __VA_ARGS__)

#define GIT "git -c user.name=t -c user.email=t@t " \
	"-c init.defaultBranch=main -c protocol.file.allow=always"

/* A repository at rel with the files given (name=content pairs as
 * "printf" arguments), committed unless commit is 0. */
static void
make_repo(const char *rel, const char *files, int commit)
{
	assert_int_equal(sh("rm -rf %s && " GIT " init -q %s && cd %s && "
	    "%s && " GIT " add -A%s", rel, rel, rel, files, commit ?
	    " && " GIT " commit -qm init" : ""), 0);
}

static int
guard(sr_repo_finding *f, const char *rel, const char *identity,
    int cache, sr_err *err)
{
	sr_repo_opts o = SR_REPO_OPTS_INIT;

	o.identity_path = identity;
	o.cache_dir = CACHE;
	o.no_cache = !cache;
	sr_repo_finding_free(f);
	sr_err_clear(err);
	return sr_repo_guard(f, tp(rel), &o, err);
}

/* Wait until path's times are in a past second: the cache stores only
 * verdicts on stat data that is not racy. */
static void
settle(const char *path)
{
	struct stat st;
	time_t t;

	while (stat(path, &st) == 0) {
		t = st.st_mtim.tv_sec > st.st_ctim.tv_sec ? st.st_mtim.tv_sec :
		    st.st_ctim.tv_sec;
		if (time(NULL) > t)
			break;
		usleep(20000);
	}
}

/* The cache's key holds the stat data of these files of the repository at
 * rel: a verdict is stored once all of them, not just the index, are past
 * racy. */
static void
settle_key(const char *rel)
{
	static const char *const key[] = { "index", "HEAD", "config",
	    "refs/heads/main" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(key) / sizeof(key[0]); i++) {
		FMT(path, "%s/.git/%s", rel, key[i]);
		settle(tp(path));
	}
}

static int
setup(void **state)
{
	static char home[PATH_MAX];
	sr_settings set = { .home = home };
	(void)state;
	if (tl_git_setup(T, "sr-repo.") != 0)
		return -1;
	FMT(CACHE, "%s/cache/scoperun", T);
	FMT(home, "%s", tp("home"));
	sr_settings_use(&set);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tl_rmtree(T);
}

static void
test_patterns(void **state)
{
	const char *custom[] = { "*.secret", "!ok.secret" };
	const char *order[] = { "!x.env", "*.env" };
	const char *odd[] = { "[.]env", "\\*.key", "", "!" };
	const char *all[] = { "*", "!keep" };

	(void)state;
	assert_true(sr_repo_name_matches(".env", NULL, 0));
	assert_true(sr_repo_name_matches(".env.local", NULL, 0));
	assert_true(sr_repo_name_matches(".env.production.local", NULL, 0));
	assert_true(sr_repo_name_matches("x.env", NULL, 0));
	assert_true(sr_repo_name_matches("prod.env", NULL, 0));
	assert_false(sr_repo_name_matches(".env.example", NULL, 0));
	assert_false(sr_repo_name_matches(".env.sample", NULL, 0));
	assert_false(sr_repo_name_matches(".env.template", NULL, 0));
	assert_false(sr_repo_name_matches(".env.dist", NULL, 0));
	assert_false(sr_repo_name_matches(".envrc", NULL, 0));
	assert_false(sr_repo_name_matches("env", NULL, 0));
	assert_false(sr_repo_name_matches("a.env.bak", NULL, 0));
	assert_false(sr_repo_name_matches("README.md", NULL, 0));
	assert_false(sr_repo_name_matches(".ENV", NULL, 0));

	assert_true(sr_repo_name_matches("a.secret", custom, 2));
	assert_false(sr_repo_name_matches("ok.secret", custom, 2));
	assert_false(sr_repo_name_matches(".env", custom, 2));
	/* gitignore's rule: the last pattern that matches decides. */
	assert_true(sr_repo_name_matches("x.env", order, 2));
	assert_true(sr_repo_name_matches(".env", odd, 4));
	assert_true(sr_repo_name_matches("*.key", odd, 4));
	assert_false(sr_repo_name_matches("a.key", odd, 4));
	assert_false(sr_repo_name_matches("!", odd, 4));
	assert_true(sr_repo_name_matches("anything", all, 2));
	assert_false(sr_repo_name_matches("keep", all, 2));
}

static void
test_not_a_repo(void **state)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sh("mkdir -p plain/sub && touch plain/.env"), 0);
	assert_int_equal(guard(&f, "plain/sub", NULL, 1, &err), 0);
	assert_false(f.in_repo);
	assert_false(f.loaded_libgit2);
	assert_int_equal(f.cache, SR_REPO_CACHE_UNUSED);
	sr_repo_finding_free(&f);
}

static void
test_clean_and_found(void **state)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;
	size_t i;

	(void)state;
	make_repo("clean", "echo hi >README && echo x >.env.example && "
	    "mkdir -p sub/deeper && echo y >sub/deeper/app.py", 1);
	assert_int_equal(guard(&f, "clean/sub/deeper", NULL, 0, &err), 0);
	assert_true(f.in_repo);
	assert_string_equal(f.root, tp("clean"));
	assert_int_equal(strlen(f.head), 40);
	assert_int_equal(f.count, 0);

	make_repo("nested", "mkdir -p a/b && echo S=1 >a/b/.env.local && "
	    "echo S=2 >x.env && echo ok >.env.example && echo z >README", 1);
	assert_int_equal(guard(&f, "nested/a", NULL, 0, &err), 1);
	assert_int_equal(f.count, 2);
	assert_int_equal(f.nlisted, 2);
	assert_string_equal(f.listed[0], "a/b/.env.local");
	assert_string_equal(f.listed[1], "x.env");

	/* More than ten: the first ten, sorted, and the count. */
	make_repo("many", "for i in 11 03 07 01 09 05 02 12 04 10 06 08; do "
	    "mkdir d$i && echo v >d$i/.env; done", 1);
	assert_int_equal(guard(&f, "many", NULL, 0, &err), 1);
	assert_int_equal(f.count, 12);
	assert_int_equal(f.nlisted, SR_REPO_LISTED_MAX);
	for (i = 1; i < f.nlisted; i++)
		assert_true(strcmp(f.listed[i - 1], f.listed[i]) < 0);
	assert_string_equal(f.listed[0], "d01/.env");
	sr_repo_finding_free(&f);
}

/* The run guard looks at HEAD and the index: staged counts, and a file
 * removed from the index still counts until the commit removes it. */
static void
test_head_and_index(void **state)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;

	(void)state;
	make_repo("staged", "echo a >README", 1);
	assert_int_equal(sh("cd staged && echo K=v >.env && " GIT " add .env"),
	    0);
	assert_int_equal(guard(&f, "staged", NULL, 0, &err), 1);
	assert_string_equal(f.listed[0], ".env");

	make_repo("removed", "echo K=v >.env && echo a >README", 1);
	assert_int_equal(sh("cd removed && " GIT " rm -q --cached .env"), 0);
	assert_int_equal(guard(&f, "removed", NULL, 0, &err), 1);
	assert_int_equal(f.count, 1);
	assert_int_equal(sh("cd removed && " GIT " commit -qm rm"), 0);
	assert_int_equal(guard(&f, "removed", NULL, 0, &err), 0);
	assert_int_equal(f.count, 0);

	/* Unborn HEAD: no error; the index alone counts. */
	make_repo("unborn", "echo K=v >.env", 0);
	assert_int_equal(guard(&f, "unborn", NULL, 0, &err), 1);
	assert_string_equal(f.head, "");
	make_repo("empty", "true", 0);
	assert_int_equal(guard(&f, "empty", NULL, 0, &err), 0);
	assert_true(f.in_repo);
	sr_repo_finding_free(&f);
}

/* The index formats git writes: v4 path compression, a split index,
 * a sparse index whose directories hide their paths. */
static void
test_index_formats(void **state)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;

	(void)state;
	make_repo("v4", "mkdir -p dir/sub && echo a >dir/sub/a && "
	    "echo b >dir/sub/b && echo c >dir/.env.prod", 0);
	assert_int_equal(sh("cd v4 && " GIT " update-index --index-version 4"),
	    0);
	assert_int_equal(guard(&f, "v4", NULL, 0, &err), 1);
	assert_string_equal(f.listed[0], "dir/.env.prod");

	make_repo("split", "echo a >README", 1);
	assert_int_equal(sh("cd split && " GIT " update-index --split-index &&"
	    " echo v >.env && " GIT " add .env"), 0);
	assert_int_equal(guard(&f, "split", NULL, 0, &err), 1);
	assert_string_equal(f.listed[0], ".env");

	make_repo("sparse", "mkdir a b && echo v >a/.env && echo x >b/x", 1);
	assert_int_equal(sh("cd sparse && " GIT " rm -q --cached a/.env && "
	    GIT " commit -qm rm && " GIT " sparse-checkout init --cone "
	    "--sparse-index && " GIT " sparse-checkout set b"), 0);
	assert_int_equal(guard(&f, "sparse", NULL, 0, &err), 0);
	/* Put it back in HEAD while a/ is a sparse directory entry. */
	assert_int_equal(sh("cd sparse && " GIT " sparse-checkout disable && "
	    "echo v >a/.env && " GIT " add a/.env && " GIT " commit -qm add "
	    "&& " GIT " sparse-checkout init --cone --sparse-index && "
	    GIT " sparse-checkout set b"), 0);
	assert_int_equal(guard(&f, "sparse/b", NULL, 0, &err), 1);
	assert_string_equal(f.listed[0], "a/.env");
	sr_repo_finding_free(&f);
}

static void
expect_damaged(const char *how, const char *msg)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;

	make_repo("bad", "echo a >README && mkdir d && echo b >d/file", 1);
	assert_int_equal(sh("cd bad/.git && %s", how), 0);
	assert_int_equal(guard(&f, "bad", NULL, 1, &err), -1);
	if (strstr(err.msg, msg) == NULL || strstr(err.msg, "\n") != NULL)
		fail_msg("%s: %s", how, err.msg);
	assert_non_null(strstr(err.msg, "cannot check the git repository"));
	sr_repo_finding_free(&f);
}

static void
test_damaged_index(void **state)
{
	(void)state;
	expect_damaged("truncate -s 10 index", "too short");
	expect_damaged("truncate -s 100 index", "is damaged");
	expect_damaged("s=$(stat -c %s index); truncate -s $((s - 40)) index",
	    "damaged");
	expect_damaged("printf XXXX | dd of=index conv=notrunc", "bad signature");
	expect_damaged("printf '\\0\\0\\0\\011' | dd of=index bs=1 seek=4 "
	    "conv=notrunc", "version 9");
	expect_damaged("printf '\\377\\377\\377\\377' | dd of=index bs=1 "
	    "seek=8 conv=notrunc", "entry count");
	expect_damaged("rm -rf objects/pack objects/??", "HEAD");
}

static void
test_identity(void **state)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;

	(void)state;
	make_repo("withid", "mkdir keys && echo SECRET >keys/identity && "
	    "echo a >README", 1);
	assert_int_equal(guard(&f, "withid", tp("withid/keys/identity"), 0,
	    &err), 1);
	assert_true(f.identity_tracked);
	assert_string_equal(f.identity, "keys/identity");
	assert_int_equal(f.count, 0);
	/* The same path through a symlink and a relative-looking path. */
	assert_int_equal(sh("ln -sfn withid/keys idlink"), 0);
	assert_int_equal(guard(&f, "withid", tp("idlink/identity"), 0, &err),
	    1);
	/* Removed from the index: HEAD still has it. */
	assert_int_equal(sh("cd withid && " GIT " rm -q --cached "
	    "keys/identity"), 0);
	assert_int_equal(guard(&f, "withid", tp("withid/keys/identity"), 0,
	    &err), 1);
	assert_int_equal(sh("cd withid && " GIT " commit -qm rm"), 0);
	assert_int_equal(guard(&f, "withid", tp("withid/keys/identity"), 0,
	    &err), 0);
	/* An identity elsewhere, or missing, is no finding. */
	make_repo("noid", "echo a >README", 1);
	assert_int_equal(guard(&f, "noid", tp("home/identity"), 0, &err), 0);
	assert_int_equal(guard(&f, "noid", tp("noid/missing/identity"), 0,
	    &err), 0);
	sr_repo_finding_free(&f);
}

static void
test_worktree_submodule(void **state)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;

	(void)state;
	make_repo("main", "echo a >README", 1);
	assert_int_equal(sh("cd main && " GIT " worktree add -q -b feat "
	    "../wt && cd ../wt && echo K=v >.env && " GIT " add .env && "
	    GIT " commit -qm env"), 0);
	assert_int_equal(guard(&f, "wt", NULL, 1, &err), 1);
	assert_string_equal(f.root, tp("wt"));
	assert_int_equal(guard(&f, "main", NULL, 1, &err), 0);

	make_repo("subsrc", "echo K=v >.env.local", 1);
	make_repo("super", "echo a >README", 1);
	assert_int_equal(sh("cd super && " GIT " submodule -q add ../subsrc "
	    "mod && " GIT " commit -qm sub"), 0);
	assert_int_equal(guard(&f, "super/mod", NULL, 1, &err), 1);
	assert_string_equal(f.root, tp("super/mod"));
	assert_string_equal(f.listed[0], ".env.local");
	/* issue 11: the agent reads a checked-out submodule's files too */
	assert_int_equal(guard(&f, "super", NULL, 1, &err), 1);
	assert_string_equal(f.root, tp("super"));
	assert_int_equal(f.count, 1);
	assert_string_equal(f.listed[0], "mod/.env.local");
	/* a clone that did not check the submodule out: nothing to read */
	assert_int_equal(sh("rm -rf superclone && " GIT " clone -q super "
	    "superclone"), 0);
	assert_int_equal(guard(&f, "superclone", NULL, 1, &err), 0);
	sr_repo_finding_free(&f);
}

/*
 * GIT_DIR and friends for the guard: in the settings, where the library
 * reads them (settings.h), and in the environment, where libgit2's
 * FROM_ENV mode does. NULL unsets.
 */
static void
git_var(sr_git_var v, const char *value)
{
	static char vals[SR_GIT_VARS][PATH_MAX];
	sr_settings s = *sr_settings_get();

	if (value != NULL) {
		FMT(vals[v], "%s", value);
		setenv(sr_settings_git_name(v), vals[v], 1);
	} else {
		unsetenv(sr_settings_git_name(v));
	}
	s.git[v] = value != NULL ? vals[v] : NULL;
	sr_settings_use(&s);
}

static void
test_git_dir(void **state)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;

	(void)state;
	make_repo("forbare", "echo K=v >.env", 1);
	assert_int_equal(sh("rm -rf bare.git && git clone -q --bare forbare "
	    "bare.git && mkdir -p elsewhere"), 0);
	git_var(SR_GIT_DIR, tp("bare.git"));
	assert_int_equal(guard(&f, "elsewhere", NULL, 1, &err), 1);
	assert_int_equal(f.cache, SR_REPO_CACHE_SKIPPED);
	assert_string_equal(f.root, tp("bare.git"));
	git_var(SR_GIT_DIR, tp("nothing-here"));
	assert_int_equal(guard(&f, "elsewhere", NULL, 1, &err), -1);
	git_var(SR_GIT_DIR, NULL);
	make_repo("plainwt", "echo a >README", 1);
	git_var(SR_GIT_DIR, tp("plainwt/.git"));
	git_var(SR_GIT_WORK_TREE, tp("plainwt"));
	assert_int_equal(guard(&f, "elsewhere", NULL, 1, &err), 0);
	assert_string_equal(f.root, tp("plainwt"));
	git_var(SR_GIT_DIR, NULL);
	git_var(SR_GIT_WORK_TREE, NULL);
	/* A bare repository found from inside it: libgit2 decides. */
	assert_int_equal(guard(&f, "bare.git/refs", NULL, 1, &err), 1);
	sr_repo_finding_free(&f);
}

static void
test_cache(void **state)
{
	sr_repo_finding f = { 0 };
	sr_err err = SR_ERR_INIT;
	char head[SR_REPO_OID_HEX + 1], file[PATH_MAX];
	struct timeval now[2];

	(void)state;
	assert_int_equal(sh("rm -rf cache"), 0);
	make_repo("cached", "echo a >README", 1);
	/* Just written: the index's stat data is racy, nothing stored. */
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_RACY);
	settle_key("cached");
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_STORED);
	assert_true(f.loaded_libgit2);
	memcpy(head, f.head, sizeof(head));
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_HIT);
	assert_false(f.loaded_libgit2);
	assert_true(f.in_repo);
	assert_string_equal(f.head, head);
	assert_string_equal(f.root, tp("cached"));

	/* Another identity or other patterns: another key. */
	assert_int_equal(guard(&f, "cached", tp("home/identity"), 1, &err), 0);
	assert_int_not_equal(f.cache, SR_REPO_CACHE_HIT);

	/* The index rewritten, HEAD the same: the index decides alone. */
	settle(tp("cached/.git/index"));
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	gettimeofday(&now[0], NULL);
	now[0].tv_sec -= 5;
	now[1] = now[0];
	assert_int_equal(utimes(tp("cached/.git/index"), now), 0);
	settle(tp("cached/.git/index"));
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_INDEX);
	assert_false(f.loaded_libgit2);
	assert_string_equal(f.head, head);

	/* A staged .env is found at once, in the same second. */
	assert_int_equal(sh("cd cached && echo K=v >.env && " GIT " add .env"),
	    0);
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 1);
	assert_int_equal(f.cache, SR_REPO_CACHE_MISS);
	assert_int_equal(sh("cd cached && " GIT " commit -qm env"), 0);
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 1);
	assert_int_equal(sh("cd cached && " GIT " rm -q --cached .env && "
	    GIT " commit -qm rm"), 0);
	settle_key("cached");
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_STORED);

	/* A damaged or unsafe cache is not used, and never an error. */
	assert_int_equal(sh("for f in cache/scoperun/repo-*; do echo junk "
	    ">$f; done"), 0);
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_STORED);
	assert_int_equal(sh("chmod 644 cache/scoperun/repo-*"), 0);
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_not_equal(f.cache, SR_REPO_CACHE_HIT);
	assert_int_equal(sh("chmod 777 cache/scoperun"), 0);
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_MISS);
	assert_int_equal(sh("chmod 700 cache/scoperun"), 0);

	/* A well-formed entry for another key is a miss, not a verdict. */
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_HIT);
	FMT(file, "scoperun-repo-cache 1\nrepo %064d\nstate %064d\nhead -\n"
	    "tree -\nroot /\n", 0, 0);
	assert_int_equal(sh("for f in cache/scoperun/repo-*; do printf '%s' "
	    ">$f; done", file), 0);
	assert_int_equal(guard(&f, "cached", NULL, 1, &err), 0);
	assert_int_equal(f.cache, SR_REPO_CACHE_STORED);
	assert_string_equal(f.root, tp("cached"));
	sr_repo_finding_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_not_a_repo),
		cmocka_unit_test(test_clean_and_found),
		cmocka_unit_test(test_head_and_index),
		cmocka_unit_test(test_index_formats),
		cmocka_unit_test(test_damaged_index),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_worktree_submodule),
		cmocka_unit_test(test_git_dir),
		cmocka_unit_test(test_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
