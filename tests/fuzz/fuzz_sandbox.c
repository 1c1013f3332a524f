/*
 * fuzz_sandbox.c - libFuzzer target for [sandbox]: the policy loader's
 * section (lib/policy/policy.c) and the plan that resolves it
 * (lib/run/sandbox.c), with the kernel's ABI taken from the input.
 *
 * The first byte is the ABI (0-7), the rest a policy body after a fixed
 * [agent]. What must stay true, and traps when it does not:
 * - loading and planning never crash, whatever the paths and ports;
 * - every port kept is 1-65535;
 * - a plan that succeeds with ABI 0 and required = true is impossible;
 * - the plan's JSON is an object.
 * The plan is never built or applied: the fuzzer stays unconfined.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char head[] = "[agent]\nname = \"fz\"\nowner = \"o\"\n"
    "purpose = \"p\"\nexpires = 2099-01-01T00:00:00Z\n";

static void
check_ports(const sr_portlist *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		if (pl->v[i] == 0)
			abort();
}

static void
plan(const sr_policy *p, int abi)
{
	/* an odd ABI also plans hiding with mounts, an even one with rules */
	sr_sandbox_ctx ctx = { "/nonexistent-home", "/tmp", NULL, NULL, 0, abi,
	    SR_SANDBOX_HIDE_AUTO, abi & 1, NULL, NULL };
	sr_err err = SR_ERR_INIT;
	sr_sandbox *sb = NULL;
	char *json;
	int rc = sr_sandbox_plan(&sb, &p->sandbox, p->path, &ctx, &err);

	if (rc == 0 && abi == 0 && p->sandbox.required)
		abort();
	if (sb != NULL && (json = sr_sandbox_json(sb)) != NULL) {
		if (json[0] != '{' || json[strlen(json) - 1] != '}')
			abort();
		free(json);
	}
	sr_sandbox_free(sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	sr_policy *p = NULL;
	sr_err err = SR_ERR_INIT;
	FILE *f;

	if (size < 1 || size > 4096)
		return 0;
	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz-sandbox-%d/fz.toml",
		    (int)getpid());
	if ((f = fopen(path, "w")) == NULL) {
		char dir[64];
		snprintf(dir, sizeof(dir), "/tmp/fuzz-sandbox-%d", (int)getpid());
		if (mkdir(dir, 0700) != 0 || (f = fopen(path, "w")) == NULL)
			return 0;
	}
	fputs(head, f);
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	sr_policy_load(&p, path, 0, &err);
	if (p != NULL && p->nerrors == 0 && p->sandbox.present) {
		check_ports(&p->sandbox.tcp_connect);
		check_ports(&p->sandbox.tcp_bind);
		plan(p, data[0] % 8);
	}
	sr_policy_free(p);
	return 0;
}
