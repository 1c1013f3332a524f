/*
 * provider_spec.h - [providers.NAME] as written (SPEC §10): what the
 * policy loader fills (policy.h) and the providers run from (provider.h,
 * provider_cache.h), so that they need nothing else of the policy.
 */
#ifndef SR_PROVIDER_SPEC_H
#define SR_PROVIDER_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* A vault secret that only a provider's command receives. */
typedef struct sr_provider_input {
	const char *env;
	const char *from;
	unsigned line;
} sr_provider_input;

/* [providers.NAME] (SPEC §10): a command run at launch that mints the
 * values its grants take. */
typedef struct sr_provider {
	const char *name;
	sr_strlist command;		/* argv; [0] resolved like exec.allow */
	sr_provider_input *inputs;
	size_t ninputs;
	sr_strlist inherit;		/* the caller's variables it gets */
	int inherit_default;		/* inherit absent: PATH and HOME */
	int json;			/* format = "json" */
	int64_t timeout;		/* seconds (SR_PROVIDER_TIMEOUT) */
	int64_t max_ttl;		/* seconds; 0 = no cap */
	int64_t cache;			/* seconds; 0 = mint every run */
	unsigned line, max_ttl_line;
} sr_provider;

#define SR_PROVIDER_TIMEOUT 10		/* seconds, when timeout is absent */

#endif
