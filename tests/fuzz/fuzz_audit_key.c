/*
 * fuzz_audit_key.c - libFuzzer target for the audit log's small parsers
 * that audit_verify reads from files anyone with the directory could
 * write: the sealed initial key (audit key --seal-to), the checkpoints
 * beside the log read without checking every signature, and the head.
 *
 * The input is split at its first NUL byte: before it, a sealed key line
 * opened with a fixed identity (the seed corpus is sealed to it) and a
 * head; after it, a checkpoints file parsed with a fixed key, each
 * signature then checked. An opened key must name the log it says: a key
 * that opens and does not trap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "audit_impl.h"
#include "identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The identity's secret key and the checkpoint key's seed: bytes 1..32. */
static void
fixed(unsigned char out[32])
{
	int i;

	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(i + 1);
}

static void
sealed(const uint8_t *data, size_t n)
{
	static sr_identity id;
	static int ready;
	unsigned char key[SR_AUDIT_HASH_BYTES];
	sr_err err = SR_ERR_INIT;
	struct audit_head h;
	char *text = malloc(n + 1);

	if (!ready) {
		fixed(id.sk);
		crypto_scalarmult_base(id.pk, id.sk);
		ready = 1;
	}
	if (text == NULL)
		return;
	memcpy(text, data, n);
	text[n] = '\0';
	(void)sr_audit_key0_open(key, text, n, &id, &err);
	(void)audit_head_parse(&h, text);
	free(text);
}

static void
checkpoints(const uint8_t *data, size_t n)
{
	unsigned char pk[32], sk[64], seed[32];
	sr_audit_checkpoint *cps = NULL;
	sr_err err = SR_ERR_INIT;
	size_t i, ncps = 0;

	fixed(seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	if (audit_checkpoints_parse_lazy(&cps, &ncps, (const char *)data, n,
	    pk, &err) == 0) {
		for (i = 0; i < ncps; i++) {
			if (!cps[i].unchecked)
				__builtin_trap();
			(void)audit_checkpoint_sig_ok(&cps[i], pk);
		}
	}
	free(cps);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t n = nul ? (size_t)(nul - data) : size;

	if (sodium_init() < 0)
		return 0;
	sealed(data, n);
	if (nul != NULL)
		checkpoints(nul + 1, size - n - 1);
	return 0;
}
