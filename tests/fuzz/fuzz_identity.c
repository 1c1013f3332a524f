/*
 * fuzz_identity.c - libFuzzer target for the identity text handed over in
 * memory (sr_identity_parse: SCOPERUN_IDENTITY_KEY, --identity-fd) and
 * for the terminal escaping every message goes through (term.h).
 *
 * What must stay true, and traps when it does not:
 * - parse returns 0 with an identity, or -1 with a message, and its
 *   message never holds the input's key characters (a refusal names the
 *   fault, never quotes a line of a key);
 * - an identity parsed from its own text form parses to the same key;
 * - the escaped text holds no byte below 0x20, no DEL and no C1 control,
 *   its length is what was asked for, and a cut one is terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "secalloc.h"
#include "term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_escape(const char *s, size_t len)
{
	size_t need = sr_term_escape(NULL, 0, s, len), i;
	char *out = malloc(need + 1), cut[7];

	if (out == NULL)
		return;
	if (sr_term_escape(out, need + 1, s, len) != need ||
	    strlen(out) != need)
		abort();
	for (i = 0; i < need; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < need &&
		    (unsigned char)out[i + 1] < 0xa0 &&
		    (unsigned char)out[i + 1] >= 0x80))
			abort();
	}
	if (sr_term_clean(s, len) != (need == len && memcmp(out, s, len) == 0))
		abort();
	sr_term_escape(cut, sizeof(cut), s, len);
	if (strlen(cut) >= sizeof(cut))
		abort();
	free(out);
}

/* Parse again from the identity's own text: the same secret key. */
static void
check_roundtrip(const sr_identity *id)
{
	sr_identity *again = NULL;
	sr_err err = SR_ERR_INIT;
	char *text = NULL;
	size_t len;

	if (sr_identity_text(&text, &len, id, &err) != 0)
		return;
	if (sr_identity_parse(&again, text, len, "fuzz", &err) != 0 ||
	    memcmp(again->sk, id->sk, sizeof(id->sk)) != 0 ||
	    memcmp(again->pk, id->pk, sizeof(id->pk)) != 0)
		abort();
	sr_identity_free(again);
	sr_secalloc_free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	sr_identity *id = NULL;
	sr_err err = SR_ERR_INIT;
	const char *p;

	check_escape(s, size);
	if (sr_identity_parse(&id, s, size, "fuzz", &err) == 0) {
		check_roundtrip(id);
		sr_identity_free(id);
		return 0;
	}
	if (err.msg[0] == '\0')
		abort();
	/* a message may name the prefix, never what follows it */
	p = strstr(err.msg, SR_IDENTITY_PREFIX);
	if (p != NULL && p[sizeof(SR_IDENTITY_PREFIX) - 1] != ' ' &&
	    p[sizeof(SR_IDENTITY_PREFIX) - 1] != '\0')
		abort();
	return 0;
}
