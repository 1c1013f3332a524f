/*
 * fuzz_keep.c - libFuzzer target for the holder's reading of a kept
 * namespace's key (sb_keep_parse, lib/run/sandbox_keep.c), which says
 * what the holder mounts over.
 *
 * What must stay true, and traps when it does not:
 * - an accepted key names absolute covers and absolute paths only, each
 *   a line of the input (the paths point into it);
 * - parsing never reads outside the input.
 */
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* NUL-terminated, exactly size + 1 bytes, as the holder reads it */
	char *text = malloc(size + 1);
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
	free(text);
	return 0;
}
