/*
 * sandbox_spec.h - [sandbox] as written (SPEC §9): what the policy loader
 * fills (policy.h) and the sandbox plans from (sandbox.h), so that the
 * sandbox needs nothing else of the policy.
 */
#ifndef SR_SANDBOX_SPEC_H
#define SR_SANDBOX_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* TCP ports of [sandbox] tcp_connect / tcp_bind. */
typedef struct sr_portlist {
	int limited;			/* the key is present: only these */
	uint16_t *v;
	unsigned *line;
	size_t n;
	unsigned key_line;
} sr_portlist;

/*
 * sandbox.h resolves it against the caller's HOME and working
 * directory. Paths are "." or absolute or start with "~"; a hide entry
 * may end in a '*' glob.
 */
typedef struct sr_sandbox_spec {
	int present;
	unsigned line;			/* the [sandbox] header's line */
	int write_set, read_set;	/* the key is present */
	sr_strlist write, hide, read;
	sr_portlist tcp_connect, tcp_bind;
	int required;			/* default 1 */
	unsigned required_line;
} sr_sandbox_spec;

#endif
