/*
 * bytes.h - fixed-width integers in the big-endian order of scoperun's
 * files (the rate and suspension rings, provider cache entries, the audit
 * MAC's sequence number): one spelling, so the formats cannot drift.
 */
#ifndef SR_BYTES_H
#define SR_BYTES_H

#include <stdint.h>

/* v into p[0..7], most significant byte first. */
void sr_bytes_put64(unsigned char p[8], uint64_t v);

/* The value of p[0..7], most significant byte first. */
uint64_t sr_bytes_get64(const unsigned char p[8]);

#endif
