/*
 * fuzz_proctree.c - libFuzzer target for the /proc/N/stat parser
 * (lib/run/proctree.c), which decides whose processes the supervisor kills.
 *
 * What must stay true, and traps when it does not:
 * - an accepted text has a ')' followed by " S " (any state letter) and
 *   the parent in decimal, then a space; the state is the letter after
 *   the LAST ')', so a command name cannot fake the fields;
 * - the parent is never negative;
 * - parsing never reads outside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proctree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past it. */
	char *buf = malloc(size ? size : 1);
	const char *last = NULL;
	char state = 0;
	pid_t ppid = -1;
	size_t i;

	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	for (i = 0; i < size; i++)
		if (buf[i] == ')')
			last = buf + i;
	if (sr_proctree_parse_stat(buf, size, &state, &ppid) == 0) {
		if (last == NULL || last + 5 > buf + size || last[1] != ' ' ||
		    state != last[2] || last[3] != ' ' || ppid < 0 ||
		    last[4] < '0' || last[4] > '9')
			abort();
	}
	free(buf);
	return 0;
}
