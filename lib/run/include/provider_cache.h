/*
 * provider_cache.h - a minted credential kept between runs, sealed
 * (SPEC §10, `cache = "50m"`).
 *
 * An entry is one file in the state directory, named by a hash of the
 * identity's public key, the policy's path, the provider's name and its
 * command, and encrypted (XChaCha20-Poly1305) under a key derived from
 * the identity's *secret* key (lib/FORMAT.md). Nothing minted is ever on
 * disk in plaintext. A key derived from the secret key, rather than
 * crypto_box_seal to the public key: a sealed box can be made by anyone
 * who knows the recipient, which is public, so whoever can write the
 * state directory could plant a credential of their choosing for the
 * agent; the AEAD key can only come from the identity. It also spares
 * the X25519 of a sealed box on every hit.
 *
 * An entry serves a run only while it is younger than the policy's
 * cache duration and SR_PCACHE_MARGIN short of the expiry the provider
 * stated; a stale, damaged or foreign entry is removed when it is
 * looked at.
 */
#ifndef SR_PROVIDER_CACHE_H
#define SR_PROVIDER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "identity.h"
#include "provider_spec.h"

#define SR_PCACHE_MARGIN 60	/* seconds: never hand out a nearly dead one */

/* Where provider pv's entry is, for the identity id and the policy at
 * policy_path, under state_dir (the audit log's directory). */
int sr_pcache_path(char *buf, size_t size, const char *state_dir,
    const sr_identity *id, const char *policy_path, const sr_provider *pv,
    sr_err *err);

/*
 * The entry at path, fresh at now for a cache of ttl seconds: 1 with the
 * provider's output in *out (sodium memory, NUL-ended; sr_secalloc_free)
 * and its stated expiry in *expires; 0 when there is none usable (a
 * stale or bad one is removed); -1 on an error.
 */
int sr_pcache_get(unsigned char **out, size_t *len, int64_t *expires,
    const char *path, const sr_identity *id, int64_t now, int64_t ttl,
    sr_err *err);

/* Store out[0..len), minted at now and stating expires (0: none). */
int sr_pcache_put(const char *path, const sr_identity *id,
    const unsigned char *out, size_t len, int64_t now, int64_t expires,
    sr_err *err);

#endif
