/*
 * fuzz_vault_pin.c - libFuzzer target for the rollback pin's file
 * (vault_pin.h, FORMAT.md "Rollback pin").
 *
 * What must stay true, and traps when it does not: a text that parses
 * holds 1..255 epochs, and is exactly what format writes for what was
 * read (one spelling per pin); a text that does not parse leaves the pin
 * empty.
 */
#include "vault_pin.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sr_vault_pin pin;
	char again[256];
	int n;

	if (sodium_init() < 0)
		__builtin_trap();
	if (sr_vault_pin_parse(&pin, (const char *)data, size) != 0) {
		if (pin.epochs != 0)
			__builtin_trap();
		return 0;
	}
	if (pin.epochs == 0 || pin.epochs > SR_VAULT_MAX_EPOCHS)
		__builtin_trap();
	n = sr_vault_pin_format(again, sizeof(again), pin.epochs, pin.keyring);
	if (n < 0 || (size_t)n != size || memcmp(again, data, size) != 0)
		__builtin_trap();
	return 0;
}
