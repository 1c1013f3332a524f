/*
 * hex.h - reading back the hex scoperun writes.
 *
 * Every hex string scoperun writes (hashes and MACs in audit records and
 * heads, log ids, the repo guard's cache keys and object ids) is lower
 * case, from sodium_bin2hex. This is the one decoder for it: strict (lower
 * case only, exactly 2 n digits, nothing skipped), so a record or cache
 * line has one spelling, and table-driven, since audit verify decodes
 * three hashes per record. Hex a person types (a --key on the command
 * line) is read by sodium_hex2bin in cmd/, which also takes upper case.
 */
#ifndef SR_HEX_H
#define SR_HEX_H

#include <stddef.h>

/* hex[0..2n) into out[0..n); 0, or -1 at a byte that is not [0-9a-f]
 * (out then partly written). What follows the digits is the caller's. */
int sr_hex_decode(unsigned char *out, size_t n, const char *hex);

#endif
