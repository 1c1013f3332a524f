/*
 * policy_lint.c - what `policy check` sees that the loader cannot (issue
 * 14): a grant naming a secret the vault does not hold (it would fail
 * only at run time), masked values too short to mask (only when one is:
 * the values are decrypted when your identity opens the vault), and a
 * template's CHANGE markers left in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "file.h"
#include "mask.h"
#include "policy.h"
#include "secalloc.h"
#include "vault.h"
#include "vault_session.h"

/* The vault's name nearest to want, within two edits; NULL when none. */
static const char *
nearest(const sr_vault *v, const char *want, sr_secret_meta *m)
{
	size_t i, d, best = 3;
	const char *name = NULL;
	sr_err err = SR_ERR_INIT;

	for (i = 0; i < sr_vault_count(v); i++) {
		if (sr_vault_meta_at(&m[0], v, i, &err) != 0)
			continue;
		if ((d = cli_distance(want, m[0].name)) < best) {
			best = d;
			m[1] = m[0];
			name = m[1].name;
		}
	}
	return name;
}

/* 1 when the granted value is shorter than masking takes (decrypted,
 * measured, wiped); 0 when not, or when it cannot be read. */
static int
too_short(const sr_vault *v, const char *name, unsigned char *buf)
{
	long i = sr_vault_find(v, name);
	size_t len = 0;
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	int r;

	if (i < 0 || sr_vault_get_into(buf, SR_SECRET_VALUE_MAX + 1, &len, &m,
	    v, (size_t)i, &err) != 0)
		return 0;
	r = len < SR_MASK_MIN_LEN;
	sodium_memzero(buf, len);
	return r;
}

static void
lint_grants(const char *agent, const sr_policy *p, size_t *nerr,
    size_t *nwarn)
{
	vault_args a = { 0 };
	vault_session s;
	sr_secret_meta m[2];
	sr_err err = SR_ERR_INIT;
	unsigned char *buf = NULL;
	char msg[1024];
	const char *near;
	size_t i;

	/* no vault here (a policy for CI, say): nothing to check against */
	if (vs_open(&s, &a, VS_READ | VS_TRY_UNLOCK, &err) != 0)
		goto done;
	if (p->mask_output && sr_vault_epochs(s.vault) > 0)
		buf = sr_secalloc_alloc(SR_SECRET_VALUE_MAX + 1);
	for (i = 0; i < p->ngrants; i++) {
		const sr_grant *g = &p->grants[i];
		if (g->from == NULL)
			continue;	/* minted by a provider */
		if (sr_vault_find(s.vault, g->from) < 0) {
			near = nearest(s.vault, g->from, m);
			snprintf(msg, sizeof(msg), "grant %.64s: no secret "
			    "'%.128s' in the vault at %.200s%s%.128s%s", g->env,
			    g->from, s.vault_path, near ? " (did you mean '" : "",
			    near ? near : "", near ? "'?)" : "");
			cli_policy_say(agent, p->path, g->line, 1, msg);
			++*nerr;
		} else if (buf != NULL && too_short(s.vault, g->from, buf)) {
			snprintf(msg, sizeof(msg), "exec.mask_output: the value "
			    "of %.64s is shorter than %d bytes and is not masked",
			    g->env, SR_MASK_MIN_LEN);
			cli_policy_say(agent, p->path, g->line, 0, msg);
			++*nwarn;
		}
	}
done:
	sr_secalloc_free(buf);
	vs_close(&s);
}

/* A template's lines marked CHANGE left in. */
static void
lint_template(const char *agent, const sr_policy *p, size_t *nwarn)
{
	char *text = NULL, *line, *next, *hash;
	size_t len = 0;
	unsigned n = 0;
	sr_err err = SR_ERR_INIT;

	if (sr_file_read_strict(&text, &len, p->path, 1 << 20, 0, &err) != 0)
		return;
	for (line = text; line != NULL && line < text + len; line = next) {
		n++;
		if ((next = memchr(line, '\n', (size_t)(text + len - line))))
			*next++ = '\0';
		/* "# CHANGE" or "# CHANGE: ...": a marker, not prose */
		if ((hash = strchr(line, '#')) != NULL &&
		    strncmp(hash + 1 + strspn(hash + 1, " \t"), "CHANGE",
		    6) == 0) {
			cli_policy_say(agent, p->path, n, 0, "a template's "
			    "CHANGE marker: edit what it marks, then delete "
			    "the marker");
			++*nwarn;
		}
	}
	free(text);
}

void
cli_policy_lint(const char *agent, const struct sr_policy *p, size_t *nerr,
    size_t *nwarn)
{
	lint_template(agent, p, nwarn);
	lint_grants(agent, p, nerr, nwarn);
}
