/*
 * test_git.c - lib/git through its public headers alone (gitrepo.h,
 * gitindex.h, gitcache.h), linked without the guard: the seam the
 * repository guard and `scoperun check` both use (issue 15 item 2).
 * Real repositories made by the git CLI in a temporary directory; what
 * the readers report is compared with what git itself says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gitcache.h"
#include "gitindex.h"
#include "gitrepo.h"
#include "testlib.h"

#define FMT(buf, ...) \
	assert_true(snprintf(buf, sizeof(buf), __VA_ARGS__) < (int)sizeof(buf))

#define GIT "git -c user.name=t -c user.email=t@t " \
	"-c init.defaultBranch=main"

static char T[PATH_MAX];		/* the temporary directory */

/* T/rel; a shell command in T, 0 when it exits 0 (testlib.h) */
#define tp(rel) tl_at(T, rel)
#define sh(...) tl_sh(T, __VA_ARGS__)

/* The first line a git command prints in T/repo, into out. */
static void
git_says(char *out, size_t size, const char *args)
{
	char cmd[PATH_MAX + 256];
	FILE *p;

	FMT(cmd, "cd '%s/repo' && git %s", T, args);
	assert_non_null(p = popen(cmd, "r"));
	assert_non_null(fgets(out, (int)size, p));
	out[strcspn(out, "\n")] = '\0';
	assert_int_equal(pclose(p), 0);
}

/* ---- a sink that records ----------------------------------------- */

typedef struct rec {
	char files[4096];	/* "path\n" each, in the order reported */
	char links[1024];
	char blobs[4096];	/* "path size|?\n" each */
	int fail;		/* answer -1 (out of memory) from now on */
	int nblob;
} rec;

static void
put(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	assert_true(vsnprintf(buf + n, size - n, fmt, ap) < (int)(size - n));
	va_end(ap);
}

static int
on_file(void *arg, const char *dir, size_t dirlen, const char *name)
{
	rec *r = arg;

	put(r->files, sizeof(r->files), "%.*s%s\n", (int)dirlen, dir, name);
	return r->fail ? -1 : 0;
}

static int
on_link(void *arg, const char *path, size_t len)
{
	rec *r = arg;

	put(r->links, sizeof(r->links), "%.*s\n", (int)len, path);
	return r->fail ? -1 : 0;
}

static int
on_blob(void *arg, const unsigned char oid[REPO_OID_RAW], uint64_t size,
    int size_known, const char *path, size_t len)
{
	rec *r = arg;

	(void)oid;
	r->nblob++;
	if (size_known)
		put(r->blobs, sizeof(r->blobs), "%.*s %llu\n", (int)len, path,
		    (unsigned long long)size);
	else
		put(r->blobs, sizeof(r->blobs), "%.*s ?\n", (int)len, path);
	return r->fail ? -1 : 0;
}

static repo_sink
sink_for(rec *r)
{
	repo_sink s = { on_file, on_link, on_blob, NULL };

	memset(r, 0, sizeof(*r));
	s.arg = r;
	return s;
}

/* ---- fixtures ---------------------------------------------------- */

static int
setup(void **state)
{
	(void)state;
	if (tl_git_setup(T, "sr-git.") != 0)
		return -1;
	/* a.txt, sub/b.env and an executable sub/deep/c in one commit,
	 * then a second commit adding d; a gitlink (a submodule's commit
	 * with no checkout) staged on top */
	return sh("mkdir repo && cd repo && " GIT " init -q && "
	    "printf hello >a.txt && mkdir -p sub/deep && printf x=1 >sub/b.env"
	    " && printf '#!/bin/sh\\n' >sub/deep/c && chmod +x sub/deep/c && "
	    GIT " add -A && " GIT " commit -qm one && printf dd >d && "
	    GIT " add d && " GIT " commit -qm two && " GIT " update-index "
	    "--add --cacheinfo 160000,%s,mod", "0123456789abcdef0123456789abcdef"
	    "01234567") == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return tl_rmtree(T);
}

/* ---- the tests --------------------------------------------------- */

static void
test_hex(void **state)
{
	static const unsigned char raw[3] = { 0x00, 0xab, 0xff };
	unsigned char back[3];
	char hex[7];

	(void)state;
	repo_hex(hex, raw, sizeof(raw));
	assert_string_equal(hex, "00abff");
	assert_int_equal(repo_unhex(back, hex, sizeof(back)), 0);
	assert_memory_equal(back, raw, sizeof(raw));
	/* only the lower-case form git writes, and exactly 2 n digits */
	assert_int_equal(repo_unhex(back, "00ABFF", sizeof(back)), -1);
	assert_int_equal(repo_unhex(back, "00abff0", sizeof(back)), -1);
	assert_int_equal(repo_unhex(back, "00abf", sizeof(back)), -1);
}

static void
test_open(void **state)
{
	char want[PATH_MAX], hex[REPO_OID_HEX + 1];
	unsigned char commit[REPO_OID_RAW], tree[REPO_OID_RAW];
	sr_err err = SR_ERR_INIT;
	repo_git *g;

	(void)state;
	assert_null(repo_env_var());
	/* outside any repository: 0, nothing opened */
	assert_int_equal(repo_git_open(&g, tp("home"), &err), 0);
	assert_null(g);

	assert_int_equal(repo_git_open(&g, tp("repo/sub/deep"), &err), 1);
	assert_string_equal(repo_git_root(g), tp("repo"));
	assert_string_equal(repo_git_gitdir(g), tp("repo/.git"));
	assert_string_equal(repo_git_index_path(g), tp("repo/.git/index"));
	assert_int_equal(repo_git_bare(g), 0);
	assert_int_equal(repo_git_head(g, commit, tree, &err), 1);
	git_says(want, sizeof(want), "rev-parse HEAD");
	repo_hex(hex, commit, REPO_OID_RAW);
	assert_string_equal(hex, want);
	git_says(want, sizeof(want), "rev-parse 'HEAD^{tree}'");
	repo_hex(hex, tree, REPO_OID_RAW);
	assert_string_equal(hex, want);
	assert_int_equal(repo_git_hooks_dir(g, want, sizeof(want), &err), 0);
	assert_string_equal(want, tp("repo/.git/hooks"));
	repo_git_close(g);
}

/* The index, as git lists it: every path, gitlinks apart, and each
 * regular file's blob with the size the index holds. */
static void
test_index(void **state)
{
	char want[64], hex[REPO_OID_HEX + 1];
	unsigned char commit[REPO_OID_RAW], tree[REPO_OID_RAW];
	const unsigned char *cached;
	sr_err err = SR_ERR_INIT;
	repo_index ix;
	repo_git *g;
	rec r;
	repo_sink s = sink_for(&r);

	(void)state;
	assert_int_equal(repo_index_read(&ix, &s, tp("repo/.git/index"),
	    tp("repo/.git"), &err), 0);
	assert_string_equal(r.files, "a.txt\nd\nmod\nsub/b.env\nsub/deep/c\n");
	assert_string_equal(r.links, "mod\n");
	assert_string_equal(r.blobs, "a.txt 5\nd 2\nsub/b.env 3\n"
	    "sub/deep/c 10\n");
	assert_int_equal(ix.entries, 5);
	/* update-index left the root's cache tree invalid, not sub's */
	assert_null(repo_index_tree(&ix, "", 0));
	assert_non_null(cached = repo_index_tree(&ix, "sub", 3));
	git_says(want, sizeof(want), "rev-parse 'HEAD:sub'");
	repo_hex(hex, cached, REPO_OID_RAW);
	assert_string_equal(hex, want);
	/* a missing index is an empty one */
	repo_index_free(&ix);
	s = sink_for(&r);
	assert_int_equal(repo_index_read(&ix, &s, tp("repo/.git/none"),
	    tp("repo/.git"), &err), 0);
	assert_string_equal(r.files, "");
	repo_index_free(&ix);

	/* HEAD's tree walked: every file, under the prefix (a tree holds
	 * no sizes) */
	assert_int_equal(repo_git_open(&g, tp("repo"), &err), 1);
	assert_int_equal(repo_git_head(g, commit, tree, &err), 1);
	s = sink_for(&r);
	assert_int_equal(repo_git_walk(g, tree, "pre/", NULL, &s, &err), 0);
	assert_string_equal(r.files, "pre/a.txt\npre/d\npre/sub/b.env\n"
	    "pre/sub/deep/c\n");
	assert_string_equal(r.blobs, "pre/a.txt ?\npre/d ?\npre/sub/b.env ?\n"
	    "pre/sub/deep/c ?\n");
	/* with the index: subtrees its cache tree holds are skipped */
	assert_int_equal(repo_index_read(&ix, &s, tp("repo/.git/index"),
	    tp("repo/.git"), &err), 0);
	s = sink_for(&r);
	assert_int_equal(repo_git_walk(g, tree, "", &ix, &s, &err), 0);
	assert_string_equal(r.files, "a.txt\nd\n");
	repo_index_free(&ix);
	repo_git_close(g);
}

/* A sink out of memory fails the reader, with that message. */
static void
test_sink_fails(void **state)
{
	unsigned char commit[REPO_OID_RAW], tree[REPO_OID_RAW];
	sr_err err = SR_ERR_INIT;
	repo_index ix;
	repo_git *g;
	rec r;
	repo_sink s = sink_for(&r);

	(void)state;
	r.fail = 1;
	assert_int_equal(repo_index_read(&ix, &s, tp("repo/.git/index"),
	    tp("repo/.git"), &err), -1);
	assert_string_equal(err.msg, "out of memory");
	repo_index_free(&ix);

	sr_err_clear(&err);
	assert_int_equal(repo_git_open(&g, tp("repo"), &err), 1);
	assert_int_equal(repo_git_head(g, commit, tree, &err), 1);
	s = sink_for(&r);
	r.fail = 1;
	assert_int_equal(repo_git_walk(g, tree, "", NULL, &s, &err), -1);
	assert_string_equal(err.msg, "out of memory");
	assert_int_equal(r.nblob, 1);	/* it stopped at the first file */
	repo_git_close(g);
}

static int
count_file(void *arg, const char *path, size_t len, unsigned mode,
    const unsigned char oid[REPO_OID_RAW])
{
	(void)path;
	(void)len;
	(void)mode;
	(void)oid;
	++*(int *)arg;
	return 0;
}

static int
count_commit(void *arg, const unsigned char commit[REPO_OID_RAW],
    const unsigned char tree[REPO_OID_RAW])
{
	(void)commit;
	(void)tree;
	++*(int *)arg;
	return 0;
}

static int
take_blob(void *arg, const unsigned char *data, size_t len)
{
	snprintf(arg, 16, "%.*s", (int)len, (const char *)data);
	return 0;
}

/* What the leak check walks: the index, trees, blobs, history. */
static void
test_each(void **state)
{
	unsigned char commit[REPO_OID_RAW], tree[REPO_OID_RAW];
	unsigned char oid[REPO_OID_RAW];
	char hex[64], text[16];
	sr_err err = SR_ERR_INIT;
	repo_git *g;
	int n = 0;

	(void)state;
	assert_int_equal(repo_git_open(&g, tp("repo"), &err), 1);
	assert_int_equal(repo_git_index_each(g, count_file, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(repo_git_head(g, commit, tree, &err), 1);
	n = 0;
	assert_int_equal(repo_git_tree_each(g, tree, "", count_file, NULL, &n,
	    &err), 0);
	assert_int_equal(n, 4);
	n = 0;
	assert_int_equal(repo_git_history(g, count_commit, &n, &err), 0);
	assert_int_equal(n, 2);
	git_says(hex, sizeof(hex), "rev-parse HEAD:a.txt");
	assert_int_equal(repo_unhex(oid, hex, REPO_OID_RAW), 0);
	assert_int_equal(repo_git_blob(g, oid, take_blob, text, &err), 0);
	assert_string_equal(text, "hello");
	repo_git_close(g);
}

/* The cache: the layout found by hand, a key that follows the patterns
 * and the index, an entry that comes back as stored. */
static void
test_cache(void **state)
{
	static const char *const one[] = { ".env" }, *const two[] = { "*.x" };
	repo_layout l;
	repo_key a, b;
	repo_entry e, back;
	char dir[PATH_MAX];

	(void)state;
	repo_layout_find(&l, tp("repo/sub"));
	assert_true(l.found && l.simple);
	assert_string_equal(l.gitdir, tp("repo/.git"));
	assert_string_equal(l.workdir, tp("repo"));
	repo_key_make(&a, &l, one, 1, "");
	repo_key_make(&b, &l, one, 1, "");
	assert_true(a.ok && b.ok);
	assert_memory_equal(a.repo, b.repo, REPO_KEY_BYTES);
	assert_memory_equal(a.state, b.state, REPO_KEY_BYTES);
	assert_int_equal(repo_key_head(&a, &l), 1);
	git_says(dir, sizeof(dir), "rev-parse HEAD");
	assert_string_equal(a.head, dir);
	repo_key_make(&b, &l, two, 1, "");
	assert_memory_not_equal(a.repo, b.repo, REPO_KEY_BYTES);
	assert_memory_equal(a.state, b.state, REPO_KEY_BYTES);
	assert_int_equal(sh(GIT " -C repo rm -q --cached d"), 0);
	repo_key_make(&b, &l, one, 1, "");
	assert_memory_not_equal(a.state, b.state, REPO_KEY_BYTES);
	assert_int_equal(sh(GIT " -C repo add d"), 0);

	assert_int_equal(repo_cache_dir(dir, sizeof(dir), tp("cache")), 0);
	assert_string_equal(dir, tp("cache"));
	memset(&e, 0, sizeof(e));
	memcpy(e.repo, a.repo, REPO_KEY_BYTES);
	memcpy(e.state, a.state, REPO_KEY_BYTES);
	snprintf(e.root, sizeof(e.root), "%s", tp("repo"));
	memcpy(e.head, a.head, sizeof(e.head));
	memset(e.tree, 'f', REPO_OID_HEX);
	assert_int_equal(repo_cache_load(&back, dir, l.gitdir), -1);
	assert_int_equal(repo_cache_store(&e, dir, l.gitdir), 0);
	assert_int_equal(repo_cache_load(&back, dir, l.gitdir), 0);
	assert_memory_equal(&back, &e, sizeof(e));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_sink_fails),
		cmocka_unit_test(test_each),
		cmocka_unit_test(test_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
