/*
 * fuzz_keep.c - libFuzzer target for the holders' reading of their keys:
 * a kept namespace's (sb_keep_parse, lib/run/sandbox_keep.c), which says
 * what the holder mounts over, and a kept ruleset's (sb_rules_parse,
 * lib/run/sandbox_rules_keep.c), which says where it registers and what
 * it watches.
 *
 * What must stay true, and traps when it does not:
 * - an accepted key names absolute covers and absolute paths only, each
 *   a line of the input (the paths point into it);
 * - a rules key gives an absolute directory and absolute paths only;
 * - parsing never reads outside the input.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(char *const *v, size_t n, const char *text, size_t size)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] < text || v[i] >= text + size || v[i][0] != '/')
			abort();
}

static void
absolute(const char *path, void *arg)
{
	(void)arg;
	if (path[0] != '/' || strlen(path) >= PATH_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* NUL-terminated, exactly size + 1 bytes, as the holder reads it */
	char *text = malloc(size + 1), dir[PATH_MAX];
	sb_ns ns;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&ns, 0, sizeof(ns));
	if (sb_keep_parse(&ns, text) == 0) {
		if (ns.cover_d[0] != '/' || ns.cover_f[0] != '/')
			abort();
		check(ns.dirs, ns.ndirs, text, size);
		check(ns.files, ns.nfiles, text, size);
	}
	free(ns.dirs);
	free(ns.files);
	memcpy(text, data, size);	/* sb_keep_parse cut it into lines */
	if (sb_rules_parse(text, dir, sizeof(dir), absolute, NULL) == 0 &&
	    dir[0] != '/')
		abort();
	free(text);
	return 0;
}
