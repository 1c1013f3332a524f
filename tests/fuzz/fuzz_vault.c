/*
 * fuzz_vault.c - libFuzzer target for the vault reader.
 *
 * Parses the input, then uses it the way the CLI would: metadata of every
 * entry (secret ls), a lookup of every name, an unlock with a fixed
 * identity and a read of every secret (a run), and a save. The seed
 * corpus (corpus/fuzz_vault) was written by the real binary for this same
 * identity, so the fuzzer starts past the key agreement and reaches the
 * AEAD and metadata checks of each entry.
 *
 * What must stay true, and traps when it does not:
 * - every refusal carries a message;
 * - a name meta_at reports is found again at its own index;
 * - a read secret's metadata is the entry's metadata;
 * - what serialize writes parses again, and is the input byte for byte:
 *   the format has one spelling (FORMAT.md), so a vault that parses is
 *   already canonical;
 * - a vault that verifies (what every write checks first) reads every
 *   secret, and each line passes its own check;
 * - a version 1 vault that verifies upgrades, and the version 2 text
 *   parses, unlocks, verifies and reads the same values.
 * The seeds (corpus/fuzz_vault) hold version 1 vaults and, named v2-*,
 * the same vaults upgraded.
 */
#include "vault.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "secalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The secret key of the fixed identity: the seed corpus is sealed to its
 * public key (recipient scoperun1...); see corpus/fuzz_vault. */
static const unsigned char fixed_sk[crypto_box_SECRETKEYBYTES] =
    "scoperun-fuzz-fixed-identity-32b";

static const sr_identity *
fixed_identity(void)
{
	static sr_identity *id;

	if (id != NULL)
		return id;
	if (sodium_init() < 0 || (id = sr_secalloc_alloc(sizeof(*id))) == NULL)
		__builtin_trap();
	memcpy(id->sk, fixed_sk, sizeof(id->sk));
	if (crypto_scalarmult_base(id->pk, id->sk) != 0)
		__builtin_trap();
	return id;
}

static void
check_err(const sr_err *err)
{
	if (err->msg[0] == '\0')
		__builtin_trap();	/* every refusal has a message */
}

/* Metadata and lookup of every entry: what `secret ls` does. */
static void
walk_meta(const sr_vault *v)
{
	size_t i, n = sr_vault_count(v);
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;

	for (i = 0; i < n; i++) {
		if (sr_vault_meta_at(&m, v, i, &err) != 0) {
			check_err(&err);
			continue;
		}
		if (sr_vault_find(v, m.name) != (long)i)
			__builtin_trap();
	}
	if (sr_vault_meta_at(&m, v, n, &err) == 0)
		__builtin_trap();	/* one past the end */
}

/* Unlock with the fixed identity and read every secret: a run. */
static void
read_all(sr_vault *v)
{
	size_t i, len, n = sr_vault_count(v);
	sr_secret_meta m, got;
	sr_err err = SR_ERR_INIT;
	unsigned char *value;

	if (sr_vault_unlock(v, fixed_identity(), &err) != 0) {
		check_err(&err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (sr_vault_meta_at(&m, v, i, &err) != 0)
			continue;
		if (sr_vault_get(&value, &len, &got, v, m.name, &err) != 0) {
			check_err(&err);
			if (value != NULL)
				__builtin_trap();
			continue;
		}
		if (value == NULL || value[len] != '\0' ||
		    memcmp(&m, &got, sizeof(m)) != 0)
			__builtin_trap();
		sr_secalloc_free(value);
	}
}

/* A vault that verifies reads every secret: verify and get agree. */
static void
verified_reads_all(sr_vault *v)
{
	sr_err err = SR_ERR_INIT;
	unsigned char *value;
	sr_secret_meta m, got;
	size_t i, len;

	if (sr_vault_verify(v, &err) != 0) {
		check_err(&err);
		return;
	}
	if (sr_vault_check_body(v, &err) != 0)
		__builtin_trap();
	for (i = 0; i < sr_vault_count(v); i++) {
		if (sr_vault_check_entry(v, i, &err) != 0 ||
		    sr_vault_meta_at(&m, v, i, &err) != 0 ||
		    sr_vault_get(&value, &len, &got, v, m.name, &err) != 0)
			__builtin_trap();
		sr_secalloc_free(value);
	}
}

/* A verified version 1 vault upgrades to a version 2 that reads the
 * same: every value compared. */
static void
upgrade_reads_same(sr_vault *v)
{
	sr_err err = SR_ERR_INIT;
	sr_vault *w;
	unsigned char *a, *b;
	sr_secret_meta m, ma, mb;
	size_t i, la, lb, len;
	char *text;

	if (sr_vault_version(v) != 1 || sr_vault_verify(v, &err) != 0)
		return;
	/* a copy is upgraded: v keeps its version 1 lines to compare with */
	if (sr_vault_serialize(&text, &len, v, &err) != 0)
		__builtin_trap();
	if (sr_vault_parse(&w, text, len, "fuzz-v1", &err) != 0 ||
	    sr_vault_unlock(w, fixed_identity(), &err) != 0)
		__builtin_trap();
	free(text);
	if (sr_vault_upgrade(w, &err) != 0 ||
	    sr_vault_serialize(&text, &len, w, &err) != 0)
		__builtin_trap();
	sr_vault_free(w);
	if (sr_vault_parse(&w, text, len, "fuzz-v2", &err) != 0 ||
	    sr_vault_unlock(w, fixed_identity(), &err) != 0 ||
	    sr_vault_version(w) != 2 || sr_vault_verify(w, &err) != 0 ||
	    sr_vault_count(w) != sr_vault_count(v))
		__builtin_trap();
	for (i = 0; i < sr_vault_count(v); i++) {
		if (sr_vault_meta_at(&m, v, i, &err) != 0 ||
		    sr_vault_get(&a, &la, &ma, v, m.name, &err) != 0 ||
		    sr_vault_get(&b, &lb, &mb, w, m.name, &err) != 0)
			__builtin_trap();
		if (la != lb || memcmp(a, b, la) != 0 ||
		    memcmp(&ma, &mb, sizeof(ma)) != 0)
			__builtin_trap();
		sr_secalloc_free(a);
		sr_secalloc_free(b);
	}
	sr_vault_free(w);
	free(text);
}

/* Serialize: the input again; and that text parses. */
static void
round_trip(const sr_vault *v, const uint8_t *data, size_t size)
{
	sr_vault *again;
	sr_err err = SR_ERR_INIT;
	char *text, *text2;
	size_t len, len2;

	if (sr_vault_serialize(&text, &len, v, &err) != 0) {
		check_err(&err);
		return;
	}
	if (sr_vault_parse(&again, text, len, "fuzz-again", &err) != 0)
		__builtin_trap();	/* what we write, we read */
	if (len != size || memcmp(text, data, size) != 0)
		__builtin_trap();	/* one spelling per vault */
	if (sr_vault_serialize(&text2, &len2, again, &err) != 0)
		__builtin_trap();
	if (len2 != len || memcmp(text, text2, len) != 0)
		__builtin_trap();
	free(text2);
	sr_vault_free(again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sr_vault *v;
	sr_err err = SR_ERR_INIT;

	if (sr_vault_parse(&v, (const char *)data, size, "fuzz", &err) != 0) {
		check_err(&err);
		if (v != NULL)
			__builtin_trap();
		return 0;
	}
	walk_meta(v);
	read_all(v);
	round_trip(v, data, size);
	if (sr_vault_epochs(v) > 0) {
		verified_reads_all(v);
		upgrade_reads_same(v);
	}
	sr_vault_free(v);
	return 0;
}
