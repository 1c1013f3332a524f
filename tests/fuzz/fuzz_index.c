/*
 * fuzz_index.c - libFuzzer target for the git index reader
 * (lib/git/repo_index.c), which the repository guard runs on every agent
 * run against a file anyone with write access to the repository can
 * shape. It reads into the guard's own scan (lib/guard/repo_impl.h), so
 * the name rule is fuzzed with it.
 *
 * The input is the index file, served from a memfd through its
 * /proc/self/fd path (the reader opens a path); gitdir is an empty
 * directory, so a split index's link finds no shared part. The seed
 * corpus (corpus/fuzz_index) holds index files the real git wrote:
 * versions 2, 3 (intent-to-add) and 4, a cache tree, a resolved merge,
 * a sparse index with a directory entry.
 *
 * What must stay true, and traps when it does not:
 * - a refusal carries a message, and a success leaves no message;
 * - every path scanned is a string with no '/' at either end, its file
 *   name part the one the name rule saw;
 * - the cache tree is sorted and each of its paths is found again.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gitindex.h"
#include "repo_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];
static char gitdir[] = "/tmp/fuzz_index.XXXXXX";
static repo_match match;

static void
cleanup(void)
{
	rmdir(gitdir);
}

static void
setup(void)
{
	if (fd >= 0)
		return;
	if ((fd = memfd_create("fuzz_index", MFD_CLOEXEC)) < 0 ||
	    mkdtemp(gitdir) == NULL || atexit(cleanup) != 0 ||
	    repo_match_init(&match, NULL, 0) != 0)
		__builtin_trap();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
}

static void
serve(const uint8_t *data, size_t size)
{
	size_t off = 0;
	ssize_t n;

	if (ftruncate(fd, 0) != 0)
		__builtin_trap();
	while (off < size) {
		if ((n = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			__builtin_trap();
		off += (size_t)n;
	}
}

static void
check_paths(const repo_scan *s)
{
	size_t i, len;

	for (i = 0; i < s->n; i++) {
		if (s->paths[i] == NULL)
			__builtin_trap();
		len = strlen(s->paths[i]);
		if (len == 0 || s->paths[i][0] == '/')
			__builtin_trap();
		/* only names the rule matched are kept */
		if (!repo_match_name(&match, strrchr(s->paths[i], '/') ?
		    strrchr(s->paths[i], '/') + 1 : s->paths[i]))
			__builtin_trap();
	}
}

static void
check_trees(const repo_index *ix)
{
	size_t i;

	for (i = 0; i < ix->ntrees; i++) {
		if (i > 0 && strcmp(ix->trees[i - 1].path,
		    ix->trees[i].path) > 0)
			__builtin_trap();
		if (repo_index_tree(ix, ix->trees[i].path,
		    strlen(ix->trees[i].path)) == NULL)
			__builtin_trap();
	}
	(void)repo_index_tree(ix, "no/such/dir", 11);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	repo_index ix;
	repo_scan s;
	repo_sink sink;
	sr_err err = SR_ERR_INIT;
	size_t i;
	int rc;

	setup();
	serve(data, size);
	memset(&s, 0, sizeof(s));
	s.m = &match;
	s.id_dir = "keys/";
	s.id_dirlen = 5;
	s.id_name = "identity";
	repo_scan_sink(&sink, &s);
	rc = repo_index_read(&ix, &sink, path, gitdir, &err);
	if (rc != 0 && (rc != -1 || err.msg[0] == '\0'))
		__builtin_trap();
	if (rc == 0) {
		if (err.msg[0] != '\0' || s.oom)
			__builtin_trap();
		check_paths(&s);
		check_trees(&ix);
	}
	/* gitlinks: non-empty paths, each ended by its NUL */
	for (i = 0; i < s.subslen; i += strlen(s.subs + i) + 1)
		if (s.subs[i] == '\0' || s.subs[s.subslen - 1] != '\0')
			__builtin_trap();
	for (i = 0; i < s.n; i++)
		free(s.paths[i]);
	free(s.paths);
	free(s.subs);
	free(s.cand.v);
	repo_index_free(&ix);
	return 0;
}
