/*
 * policy.c - the policy schema of SPEC §3 on top of the TOML parser.
 *
 * Each section has one checker. A checker never stops at a problem: it
 * records a diagnostic and goes on, so `policy check` can list them all.
 */
#include "policy.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "file.h"
#include "mask.h"
#include "paths.h"
#include "ratelimit.h"
#include "settings.h"
#include "suspend.h"
#include "timeutil.h"
#include "toml.h"
#include "vault.h"

#define SYSTEM_POLICY_DIR "/etc/scoperun/policies"

/* ---- diagnostics ------------------------------------------------- */

static void __attribute__((format(printf, 4, 5)))
diag(sr_policy *p, sr_diag_level level, unsigned line, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	sr_diag_vadd(&p->diags, &p->ndiags, &p->nerrors, level, NULL, line,
	    fmt, ap);
	va_end(ap);
}

/* An error that is a refusal: a sound policy that says no, for reason. */
static void __attribute__((format(printf, 4, 5)))
deny(sr_policy *p, const char *reason, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sr_diag_vadd(&p->diags, &p->ndiags, &p->nerrors, SR_DIAG_ERROR,
	    reason, line, fmt, ap);
	va_end(ap);
}

/* at is the TOML value the diagnostic is about; its line is kept. */
#define ERROR(p, at, ...) \
	diag((p), SR_DIAG_ERROR, sr_toml_line(at), __VA_ARGS__)
#define WARN(p, at, ...) \
	diag((p), SR_DIAG_WARNING, sr_toml_line(at), __VA_ARGS__)
#define DENY(p, at, reason, ...) \
	deny((p), (reason), sr_toml_line(at), __VA_ARGS__)

static const char *
quote(char *buf, size_t size, const char *s)
{
	return sr_err_quote(buf, size, s, strlen(s));
}

/* ---- names ------------------------------------------------------- */

int
sr_policy_agent_name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > SR_AGENT_NAME_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

int64_t
sr_policy_duration_parse(const char *s)
{
	int64_t total = 0;
	int any = 0;

	while (*s != '\0') {
		int64_t n = 0, unit;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9') {
			if (n > INT32_MAX)
				return -1;
			n = n * 10 + (*s++ - '0');
		}
		switch (*s++) {
		case 'd': unit = 86400; break;
		case 'h': unit = 3600; break;
		case 'm': unit = 60; break;
		case 's': unit = 1; break;
		default: return -1;
		}
		total += n * unit;
		if (total > INT32_MAX)
			return -1;
		any = 1;
	}
	return any ? total : -1;
}

/* ---- typed fields ------------------------------------------------ */

/* Every key of t must be in allowed (NULL-terminated). */
static void
check_keys(sr_policy *p, const sr_toml_value *t, const char *section,
    const char *const *allowed)
{
	size_t i, k;
	const char *key;
	char q[400];

	for (i = 0; i < sr_toml_count(t); i++) {
		const sr_toml_value *v = sr_toml_table_at(t, i, &key, NULL);
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(key, allowed[k]) == 0)
				break;
		if (allowed[k] == NULL)
			ERROR(p, v, "unknown key '%s' in [%s]",
			    quote(q, sizeof(q), key), section);
	}
}

static const sr_toml_value *
field(sr_policy *p, const sr_toml_value *t, const char *section,
    const char *key, sr_toml_type want)
{
	const sr_toml_value *v = sr_toml_table_get(t, key);

	if (v == NULL)
		return NULL;
	if (sr_toml_type_of(v) != want) {
		ERROR(p, v, "%s.%s must be a%s %s, not %s", section, key,
		    want == SR_TOML_ARRAY || want == SR_TOML_INTEGER ? "n" :
		    "", sr_toml_type_name(want),
		    sr_toml_type_name(sr_toml_type_of(v)));
		return NULL;
	}
	return v;
}

static const char *
field_string(sr_policy *p, const sr_toml_value *t, const char *section,
    const char *key, int required)
{
	const sr_toml_value *v = field(p, t, section, key, SR_TOML_STRING);
	const char *s = NULL;
	size_t len;

	if (v == NULL) {
		if (required && sr_toml_table_get(t, key) == NULL)
			ERROR(p, t, "%s.%s is required", section, key);
		return NULL;
	}
	sr_toml_string(&s, &len, v);
	if (len == 0 || strlen(s) != len) {
		ERROR(p, v, "%s.%s must not be empty or hold NUL", section,
		    key);
		return NULL;
	}
	return s;
}

static int
field_bool(sr_policy *p, const sr_toml_value *t, const char *section,
    const char *key, int dflt)
{
	const sr_toml_value *v = field(p, t, section, key, SR_TOML_BOOL);
	int b = dflt;

	if (v != NULL)
		sr_toml_bool(&b, v);
	return b;
}

/*
 * An expiry: an offset date-time, or a local date meaning the start of
 * that day in UTC. A local date-time has no zone and is refused rather
 * than guessed.
 */
static int64_t
field_expiry(sr_policy *p, const sr_toml_value *t, const char *what,
    const char *reason, int64_t now)
{
	const sr_toml_value *v = sr_toml_table_get(t, "expires");
	sr_toml_datetime dt;
	char when[SR_TIME_RFC3339_LEN];
	int64_t at;

	if (v == NULL)
		return 0;
	if (sr_toml_type_of(v) == SR_TOML_DATE_LOCAL) {
		sr_toml_datetime_get(&dt, v);
		dt.offset_z = 1;
		sr_toml_datetime_unix(&at, &dt, SR_TOML_DATETIME);
	} else if (sr_toml_type_of(v) == SR_TOML_DATETIME) {
		sr_toml_datetime_get(&dt, v);
		sr_toml_datetime_unix(&at, &dt, SR_TOML_DATETIME);
	} else {
		ERROR(p, v, "%s expires must be a date-time with a zone, like "
		    "2026-12-31T00:00:00Z", what);
		return 0;
	}
	if (at <= now)
		DENY(p, v, reason, "denied: %s expired %s", what,
		    sr_time_format(when, sizeof(when), at));
	return at;
}

/* An array of non-empty strings into *list. */
static void
field_strlist(sr_policy *p, sr_strlist *list, const sr_toml_value *t,
    const char *section, const char *key)
{
	const sr_toml_value *a = field(p, t, section, key, SR_TOML_ARRAY);
	size_t i, n = sr_toml_count(a);

	if (a == NULL || n == 0)
		return;
	list->v = calloc(n, sizeof(*list->v));
	list->line = calloc(n, sizeof(*list->line));
	if (list->v == NULL || list->line == NULL) {
		ERROR(p, a, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const sr_toml_value *e = sr_toml_array_at(a, i);
		const char *s;
		size_t len;
		if (sr_toml_string(&s, &len, e) != 0 || len == 0 ||
		    strlen(s) != len) {
			ERROR(p, e, "%s.%s[%zu] must be a non-empty string",
			    section, key, i);
			continue;
		}
		list->line[list->n] = sr_toml_line(e);
		list->v[list->n++] = s;
	}
}

/* ---- sections ---------------------------------------------------- */

static void
check_agent(sr_policy *p, const sr_toml_value *root, const char *want,
    int64_t now)
{
	static const char *const keys[] = { "name", "owner", "purpose",
	    "expires", NULL };
	const sr_toml_value *t = field(p, root, "policy", "agent",
	    SR_TOML_TABLE);
	char q[400];

	if (t == NULL) {
		if (sr_toml_table_get(root, "agent") == NULL)
			ERROR(p, NULL, "missing [agent] section");
		return;
	}
	check_keys(p, t, "agent", keys);
	p->name = field_string(p, t, "agent", "name", 1);
	p->owner = field_string(p, t, "agent", "owner", 1);
	p->purpose = field_string(p, t, "agent", "purpose", 1);
	p->expires = field_expiry(p, t, "policy", "policy.expired", now);
	p->expires_line = sr_toml_line(sr_toml_table_get(t, "expires"));
	if (p->name != NULL && strcmp(p->name, want) != 0)
		ERROR(p, sr_toml_table_get(t, "name"), "agent.name '%s' does "
		    "not match the file name '%s.toml'",
		    quote(q, sizeof(q), p->name), want);
	if (p->expires == 0 && sr_toml_table_get(t, "expires") == NULL)
		WARN(p, t, "the policy has no expiry (agent.expires)");
}

static void
check_inherit(sr_policy *p)
{
	size_t i;
	char q[400];

	for (i = 0; i < p->inherit.n; i++) {
		const char *pat = p->inherit.v[i];
		unsigned line = p->inherit.line[i];
		quote(q, sizeof(q), pat);
		if (!sr_env_pattern_valid(pat))
			diag(p, SR_DIAG_ERROR, line, "env.inherit: '%s' is not "
			    "a variable name or pattern", q);
		else if (strncmp(pat, SR_ENV_OWN_PREFIX,
		    strlen(SR_ENV_OWN_PREFIX)) == 0)
			diag(p, SR_DIAG_WARNING, line, "env.inherit: '%s' "
			    "names scoperun's own settings; they never reach "
			    "the command", q);
		else if (sr_env_pattern_only_dangerous(pat))
			diag(p, SR_DIAG_ERROR, line, "env.inherit: '%s' only "
			    "matches names that make programs load code or run "
			    "commands; they are never inherited", q);
		else if (sr_env_pattern_broad(pat))
			diag(p, SR_DIAG_WARNING, line, "env.inherit: '%s' lets "
			    "in most of the caller's environment (dangerous "
			    "names such as LD_* and SCOPERUN_* are still "
			    "skipped)", q);
	}
}

static void
check_env(sr_policy *p, const sr_toml_value *root)
{
	static const char *const keys[] = { "inherit", "set", NULL };
	const sr_toml_value *t = field(p, root, "policy", "env", SR_TOML_TABLE);
	const sr_toml_value *set;
	size_t i;
	char q[400];

	if (t == NULL)
		return;
	check_keys(p, t, "env", keys);
	field_strlist(p, &p->inherit, t, "env", "inherit");
	check_inherit(p);
	if ((set = field(p, t, "env", "set", SR_TOML_TABLE)) == NULL)
		return;
	p->set = calloc(sr_toml_count(set) + 1, sizeof(*p->set));
	for (i = 0; p->set != NULL && i < sr_toml_count(set); i++) {
		const char *name, *val;
		size_t len, vlen;
		const sr_toml_value *v = sr_toml_table_at(set, i, &name, &len);
		if (!sr_env_name_valid(name, len) ||
		    sr_env_name_dangerous(name, len)) {
			ERROR(p, v, "env.set: %s '%s' cannot be set",
			    sr_env_name_valid(name, len) ? "variable" :
			    "invalid variable name", quote(q, sizeof(q), name));
			continue;
		}
		if (sr_toml_string(&val, &vlen, v) != 0 ||
		    strlen(val) != vlen) {
			ERROR(p, v, "env.set.%.80s must be a string without NUL",
			    name);
			continue;
		}
		p->set[p->nset++] = (sr_setvar){ name, val, vlen,
		    sr_toml_line(v) };
	}
}

static int
set_has(const sr_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nset; i++)
		if (strcmp(p->set[i].name, name) == 0)
			return 1;
	return 0;
}

/* A duration key of a table: seconds, 0 when absent (or invalid, with
 * an error). */
static int64_t
table_duration(sr_policy *p, const sr_toml_value *t, const char *section,
    const char *key)
{
	const char *s = field_string(p, t, section, key, 0);
	int64_t d;

	if (s == NULL)
		return 0;
	if ((d = sr_policy_duration_parse(s)) <= 0) {
		ERROR(p, sr_toml_table_get(t, key), "%s.%s must be a duration "
		    "like \"90s\", \"50m\", \"24h\" or \"30d\"", section, key);
		return 0;
	}
	return d;
}

static const sr_provider *
provider_named(const sr_policy *p, const char *name, size_t *index)
{
	size_t i;

	for (i = 0; i < p->nproviders; i++)
		if (strcmp(p->providers[i].name, name) == 0) {
			*index = i;
			return &p->providers[i];
		}
	return NULL;
}

/*
 * The SPEC §10 keys of a grant table: provider and field, as, max_age.
 * A grant takes from the vault or from a provider, never both; a json
 * provider's grant names its field, a text one's does not.
 */
static void
check_grant_source(sr_policy *p, sr_grant *g, const sr_toml_value *v,
    const char *what)
{
	const sr_provider *pv;
	const char *as;
	char q[400];

	g->provider = field_string(p, v, what, "provider", 0);
	g->field = field_string(p, v, what, "field", 0);
	if ((as = field_string(p, v, what, "as", 0)) != NULL) {
		if (strcmp(as, "file") == 0)
			g->as_file = 1;
		else if (strcmp(as, "env") != 0)
			ERROR(p, sr_toml_table_get(v, "as"), "%s.as must be "
			    "\"env\" or \"file\"", what);
	}
	g->max_age = table_duration(p, v, what, "max_age");
	if (g->provider == NULL) {
		if (g->field != NULL)
			ERROR(p, sr_toml_table_get(v, "field"), "%s.field needs "
			    "a provider", what);
		return;
	}
	if (sr_toml_table_get(v, "from") != NULL)
		ERROR(p, v, "%s takes from a vault secret or a provider, not "
		    "both", what);
	if (g->max_age != 0)
		ERROR(p, sr_toml_table_get(v, "max_age"), "%s.max_age applies "
		    "to vault secrets, not to a provider's", what);
	g->provider_index = SIZE_MAX;	/* none, until found */
	if ((pv = provider_named(p, g->provider, &g->provider_index)) == NULL)
		ERROR(p, sr_toml_table_get(v, "provider"), "%s: no "
		    "[providers.%s] in this policy", what,
		    quote(q, sizeof(q), g->provider));
	else if (pv->json && g->field == NULL)
		ERROR(p, v, "%s.field is required: provider %s has format = "
		    "\"json\"", what, pv->name);
	else if (!pv->json && g->field != NULL)
		ERROR(p, sr_toml_table_get(v, "field"), "%s.field needs a "
		    "provider with format = \"json\"", what);
}

/* ---- providers (SPEC §10) ----------------------------------------- */

static const char *const provider_default_inherit[] = { "PATH", "HOME" };

/* inputs = { ENV = "vault/name" }: what only the provider receives. */
static void
check_provider_inputs(sr_policy *p, sr_provider *pv, const sr_toml_value *t,
    const char *what)
{
	const sr_toml_value *in = field(p, t, what, "inputs", SR_TOML_TABLE);
	size_t i, n = sr_toml_count(in), len, flen;
	const char *env, *from;
	char q[400];

	if (in == NULL || n == 0)
		return;
	if ((pv->inputs = calloc(n, sizeof(*pv->inputs))) == NULL) {
		ERROR(p, in, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const sr_toml_value *v = sr_toml_table_at(in, i, &env, &len);
		if (!sr_env_name_valid(env, len) ||
		    sr_env_name_dangerous(env, len)) {
			ERROR(p, v, "%s.inputs: '%s' cannot be a variable", what,
			    quote(q, sizeof(q), env));
			continue;
		}
		if (sr_toml_string(&from, &flen, v) != 0 ||
		    !sr_vault_name_valid(from)) {
			ERROR(p, v, "%s.inputs.%.80s must be a secret name", what,
			    env);
			continue;
		}
		pv->inputs[pv->ninputs++] = (sr_provider_input){ env, from,
		    sr_toml_line(v) };
	}
}

static void
check_provider_inherit(sr_policy *p, sr_provider *pv, const sr_toml_value *t,
    const char *what)
{
	size_t i;
	char q[400];

	if (sr_toml_table_get(t, "inherit") == NULL) {
		pv->inherit_default = 1;
		pv->inherit.v = (const char **)provider_default_inherit;
		pv->inherit.n = 2;
		return;
	}
	field_strlist(p, &pv->inherit, t, what, "inherit");
	for (i = 0; i < pv->inherit.n; i++)
		if (!sr_env_pattern_valid(pv->inherit.v[i]))
			diag(p, SR_DIAG_ERROR, pv->inherit.line[i], "%s.inherit: "
			    "'%s' is not a variable name or pattern", what,
			    quote(q, sizeof(q), pv->inherit.v[i]));
}

static void
check_provider_command(sr_policy *p, sr_provider *pv, const sr_toml_value *t,
    const char *what)
{
	char q[400];

	field_strlist(p, &pv->command, t, what, "command");
	if (pv->command.n == 0) {
		ERROR(p, t, "%s.command is required: the program and its "
		    "arguments", what);
		return;
	}
	if (strchr(pv->command.v[0], '/') != NULL && pv->command.v[0][0] != '/')
		diag(p, SR_DIAG_ERROR, pv->command.line[0], "%s.command: '%s' "
		    "must be a command name or an absolute path", what,
		    quote(q, sizeof(q), pv->command.v[0]));
}

static void
check_provider(sr_policy *p, sr_provider *pv, const char *name, size_t nlen,
    const sr_toml_value *t)
{
	static const char *const keys[] = { "command", "inputs", "inherit",
	    "format", "timeout", "max_ttl", "cache", NULL };
	char what[128], q[400];
	const char *fmt;

	pv->name = name;
	pv->line = sr_toml_line(t);
	snprintf(what, sizeof(what), "providers.%.80s", name);
	if (strlen(name) != nlen || !sr_policy_agent_name_valid(name))
		ERROR(p, t, "providers: '%s' is not a provider name (letters, "
		    "digits, '.', '_', '-')", quote(q, sizeof(q), name));
	if (sr_toml_type_of(t) != SR_TOML_TABLE) {
		ERROR(p, t, "%s must be a table", what);
		return;
	}
	check_keys(p, t, what, keys);
	check_provider_command(p, pv, t, what);
	check_provider_inputs(p, pv, t, what);
	check_provider_inherit(p, pv, t, what);
	if ((fmt = field_string(p, t, what, "format", 0)) != NULL) {
		pv->json = strcmp(fmt, "json") == 0;
		if (!pv->json && strcmp(fmt, "text") != 0)
			ERROR(p, sr_toml_table_get(t, "format"), "%s.format must "
			    "be \"text\" or \"json\"", what);
	}
	if ((pv->timeout = table_duration(p, t, what, "timeout")) == 0)
		pv->timeout = SR_PROVIDER_TIMEOUT;
	pv->max_ttl = table_duration(p, t, what, "max_ttl");
	pv->max_ttl_line = sr_toml_line(sr_toml_table_get(t, "max_ttl"));
	pv->cache = table_duration(p, t, what, "cache");
	if (pv->max_ttl != 0 && !pv->json)
		ERROR(p, sr_toml_table_get(t, "max_ttl"), "%s.max_ttl needs "
		    "format = \"json\": text output states no expiry", what);
}

static void
check_providers(sr_policy *p, const sr_toml_value *root)
{
	const sr_toml_value *t = field(p, root, "policy", "providers",
	    SR_TOML_TABLE);
	size_t i, n = sr_toml_count(t), len;
	const char *name;

	if (t == NULL || n == 0)
		return;
	if ((p->providers = calloc(n, sizeof(*p->providers))) == NULL) {
		ERROR(p, t, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const sr_toml_value *v = sr_toml_table_at(t, i, &name, &len);
		check_provider(p, &p->providers[p->nproviders++], name, len, v);
	}
}

/* A provider no grant names never runs: most likely a typo. */
static void
check_providers_used(sr_policy *p)
{
	size_t i, k;

	for (i = 0; i < p->nproviders; i++) {
		for (k = 0; k < p->ngrants; k++)
			if (p->grants[k].provider != NULL &&
			    p->grants[k].provider_index == i)
				break;
		if (k == p->ngrants && p->providers[i].name != NULL)
			diag(p, SR_DIAG_WARNING, p->providers[i].line,
			    "providers.%.80s is named by no grant: it never "
			    "runs", p->providers[i].name);
	}
}

static void
providers_free(sr_policy *p)
{
	size_t i;

	for (i = 0; i < p->nproviders; i++) {
		sr_provider *pv = &p->providers[i];
		free(pv->command.v);
		free(pv->command.line);
		free(pv->inputs);
		if (!pv->inherit_default) {
			free(pv->inherit.v);
			free(pv->inherit.line);
		}
	}
	free(p->providers);
}

/* One grant: `ENV = "secret"` or `[secrets.ENV] from = ..., expires`. */
static void
check_grant(sr_policy *p, const char *env, size_t envlen,
    const sr_toml_value *v, int64_t now)
{
	static const char *const keys[] = { "from", "expires", "provider",
	    "field", "as", "max_age", NULL };
	sr_grant *g = &p->grants[p->ngrants];
	char q[400], what[400];
	const char *from = NULL;
	size_t len;

	if (!sr_env_name_valid(env, envlen) ||
	    sr_env_name_dangerous(env, envlen)) {
		ERROR(p, v, "secrets: %s '%s' cannot be granted",
		    sr_env_name_valid(env, envlen) ? "variable" :
		    "invalid variable name", quote(q, sizeof(q), env));
		return;
	}
	if (set_has(p, env)) {
		ERROR(p, v, "secrets.%.80s: %.80s is also in env.set", env, env);
		return;
	}
	memset(g, 0, sizeof(*g));
	if (sr_toml_type_of(v) == SR_TOML_TABLE) {
		snprintf(what, sizeof(what), "secrets.%.80s", env);
		check_keys(p, v, what, keys);
		check_grant_source(p, g, v, what);
		if (g->provider == NULL)
			from = field_string(p, v, what, "from", 1);
		snprintf(what, sizeof(what), "grant %.80s", env);
		g->expires = field_expiry(p, v, what, "grant.expired", now);
	} else if (sr_toml_string(&from, &len, v) != 0) {
		ERROR(p, v, "secrets.%.80s must be a secret name or a table with "
		    "from and expires", env);
		return;
	}
	if (from == NULL && g->provider == NULL)
		return;
	if (from != NULL && !sr_vault_name_valid(from)) {
		ERROR(p, v, "secrets.%.80s: '%s' is not a secret name "
		    "([A-Za-z0-9._/-], at most %d bytes)", env,
		    quote(q, sizeof(q), from), SR_SECRET_NAME_LEN_MAX);
		return;
	}
	if (g->expires == 0 && sr_toml_table_get(v, "expires") == NULL &&
	    p->expires == 0 && g->provider == NULL)
		WARN(p, v, "grant %.80s never expires (neither it nor the "
		    "policy has an expiry)", env);
	g->env = env;
	g->from = from;
	g->line = sr_toml_line(v);
	p->ngrants++;
}

static void
check_secrets(sr_policy *p, const sr_toml_value *root, int64_t now)
{
	const sr_toml_value *t = field(p, root, "policy", "secrets",
	    SR_TOML_TABLE);
	size_t i, n = sr_toml_count(t);

	if (t == NULL || n == 0)
		return;
	if ((p->grants = calloc(n, sizeof(*p->grants))) == NULL) {
		ERROR(p, t, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const char *env;
		size_t len;
		const sr_toml_value *v = sr_toml_table_at(t, i, &env, &len);
		check_grant(p, env, len, v, now);
	}
}

static void
check_allow(sr_policy *p, const sr_toml_value *t)
{
	size_t i;
	char q[400];

	p->allow_any = sr_toml_table_get(t, "allow") == NULL;
	field_strlist(p, &p->allow, t, "exec", "allow");
	for (i = 0; i < p->allow.n; i++) {
		const char *a = p->allow.v[i];
		if (strchr(a, '/') != NULL && a[0] != '/')
			diag(p, SR_DIAG_ERROR, p->allow.line[i], "exec.allow: "
			    "'%s' must be a command name or an absolute path",
			    quote(q, sizeof(q), a));
	}
	if (p->allow_any)
		WARN(p, t, "no [exec] allow list: any command may run");
	else if (p->allow.n == 0 && sr_toml_count(sr_toml_table_get(t,
	    "allow")) == 0)
		WARN(p, sr_toml_table_get(t, "allow"), "exec.allow is empty: "
		    "no command may run");
}

/* A duration key of [exec]: seconds, 0 when absent, -1 when invalid. */
static int64_t
field_duration(sr_policy *p, const sr_toml_value *t, const char *key,
    const char *example)
{
	const char *s = field_string(p, t, "exec", key, 0);
	int64_t d;

	if (s == NULL)
		return 0;
	if ((d = sr_policy_duration_parse(s)) <= 0)
		ERROR(p, sr_toml_table_get(t, key), "exec.%s must be a "
		    "duration like %s", key, example);
	return d;
}

/*
 * Supervised mode (SPEC §7): max_runtime and mask_output need scoperun to
 * stay as the parent, so they imply supervise; an explicit
 * `supervise = false` beside them is a contradiction, refused rather than
 * guessed.
 */
static void
check_supervise(sr_policy *p, const sr_toml_value *t)
{
	const sr_toml_value *sv = sr_toml_table_get(t, "supervise");
	const char *k = p->mask_output ? "mask_output" : "max_runtime";

	if (p->mask_output || p->max_runtime > 0) {
		if (sv != NULL && !p->supervise)
			ERROR(p, sv, "exec.supervise = false, but exec.%s "
			    "needs supervised mode", k);
		p->supervise = 1;
	}
	if (p->supervise)
		p->supervise_line = sr_toml_line(sv ? sv :
		    sr_toml_table_get(t, k));
	/* a value too short to mask: policy check says so when one is
	 * (cmd/policy_lint.c), and a run names it */
	/* Supervised, kill_grace also times what the agent leaves behind. */
	if (sr_toml_table_get(t, "kill_grace") != NULL && !p->supervise)
		WARN(p, sr_toml_table_get(t, "kill_grace"), "exec.kill_grace "
		    "has no effect without supervision");
}

static void
check_exec(sr_policy *p, const sr_toml_value *root)
{
	static const char *const keys[] = { "allow", "supervise",
	    "max_runtime", "mask_output", "kill_grace", NULL };
	const sr_toml_value *t = field(p, root, "policy", "exec",
	    SR_TOML_TABLE);

	p->kill_grace = SR_POLICY_KILL_GRACE;
	if (t == NULL) {
		p->allow_any = 1;
		if (sr_toml_table_get(root, "exec") == NULL)
			WARN(p, NULL, "no [exec] allow list: any command may "
			    "run");
		return;
	}
	check_keys(p, t, "exec", keys);
	check_allow(p, t);
	p->supervise = field_bool(p, t, "exec", "supervise", 0);
	p->mask_output = field_bool(p, t, "exec", "mask_output", 0);
	p->max_runtime = field_duration(p, t, "max_runtime",
	    "\"90s\", \"15m\" or \"2h\"");
	if ((p->kill_grace = field_duration(p, t, "kill_grace", "\"5s\"")) <= 0)
		p->kill_grace = SR_POLICY_KILL_GRACE;
	if (p->max_runtime < 0)
		p->max_runtime = 0;
	check_supervise(p, t);
}

/* Patterns match a tracked file's name: one with a '/' never matches,
 * and an empty list would silently mean the defaults. */
static void
check_env_patterns(sr_policy *p, const sr_toml_value *t)
{
	const sr_toml_value *a = sr_toml_table_get(t, "env_patterns");
	char q[400];
	size_t i;

	if (a != NULL && sr_toml_type_of(a) == SR_TOML_ARRAY &&
	    sr_toml_count(a) == 0)
		ERROR(p, a, "repo.env_patterns is empty: leave it out for the "
		    "defaults, or set refuse_committed_env = false");
	for (i = 0; i < p->env_patterns.n; i++)
		if (strchr(p->env_patterns.v[i], '/') != NULL)
			diag(p, SR_DIAG_ERROR, p->env_patterns.line[i],
			    "repo.env_patterns: '%s' holds a '/', but patterns "
			    "match file names only", quote(q, sizeof(q),
			    p->env_patterns.v[i]));
}

static void
check_repo(sr_policy *p, const sr_toml_value *root)
{
	static const char *const keys[] = { "refuse_committed_env",
	    "env_patterns", NULL };
	const sr_toml_value *t = field(p, root, "policy", "repo",
	    SR_TOML_TABLE), *v;

	p->refuse_committed_env = 1;
	if (t == NULL)
		return;
	check_keys(p, t, "repo", keys);
	v = sr_toml_table_get(t, "refuse_committed_env");
	p->repo_line = sr_toml_line(v ? v : t);
	p->refuse_committed_env = field_bool(p, t, "repo",
	    "refuse_committed_env", 1);
	field_strlist(p, &p->env_patterns, t, "repo", "env_patterns");
	check_env_patterns(p, t);
	if (!p->refuse_committed_env)
		WARN(p, sr_toml_table_get(t, "refuse_committed_env"), "the "
		    "repository guard is off for this agent");
}

/* SPEC §11: that many refusals within the window suspend the agent
 * (suspend.h). */
static void
check_suspend(sr_policy *p, const sr_toml_value *t)
{
	const sr_toml_value *v = field(p, t, "limits", "suspend_after_denials",
	    SR_TOML_INTEGER);

	p->suspend_window = table_duration(p, t, "limits", "suspend_window");
	if (v == NULL) {
		if (p->suspend_window != 0)
			ERROR(p, sr_toml_table_get(t, "suspend_window"),
			    "limits.suspend_window needs "
			    "limits.suspend_after_denials");
		return;
	}
	p->suspend_line = sr_toml_line(v);
	if (sr_toml_int(&p->suspend_after_denials, v) != 0 ||
	    p->suspend_after_denials < 1 ||
	    p->suspend_after_denials > SR_SUSPEND_MAX) {
		ERROR(p, v, "limits.suspend_after_denials must be from 1 to %d",
		    SR_SUSPEND_MAX);
		p->suspend_after_denials = 0;
	}
	if (p->suspend_window == 0)
		p->suspend_window = SR_SUSPEND_WINDOW;
}

/* A run past max_runs_per_hour is refused (ratelimit.h). */
static void
check_limits(sr_policy *p, const sr_toml_value *root)
{
	static const char *const keys[] = { "max_runs_per_hour",
	    "suspend_after_denials", "suspend_window", NULL };
	const sr_toml_value *t = field(p, root, "policy", "limits",
	    SR_TOML_TABLE);
	const sr_toml_value *v;

	if (t == NULL)
		return;
	check_keys(p, t, "limits", keys);
	check_suspend(p, t);
	v = field(p, t, "limits", "max_runs_per_hour", SR_TOML_INTEGER);
	if (v == NULL)
		return;
	p->limits_line = sr_toml_line(v);
	if (sr_toml_int(&p->max_runs_per_hour, v) != 0 ||
	    p->max_runs_per_hour <= 0 ||
	    p->max_runs_per_hour > SR_RATELIMIT_MAX) {
		ERROR(p, v, "limits.max_runs_per_hour must be from 1 to %d",
		    SR_RATELIMIT_MAX);
		p->max_runs_per_hour = 0;
	}
}

/* [audit] syslog = true: this agent's records also go to syslog. */
static void
check_audit(sr_policy *p, const sr_toml_value *root)
{
	static const char *const keys[] = { "syslog", NULL };
	const sr_toml_value *t = field(p, root, "policy", "audit",
	    SR_TOML_TABLE);

	if (t == NULL)
		return;
	check_keys(p, t, "audit", keys);
	p->audit_syslog = field_bool(p, t, "audit", "syslog", 0);
}

/* ---- [sandbox] (SPEC §9; resolved by lib/run/sandbox.c) --------------- */

/* "." (where the run starts), "~" or "~/...", or an absolute path; a
 * '*' only in a hide entry's last component. */
static void
check_sandbox_paths(sr_policy *p, const sr_strlist *l, const char *key,
    int glob_ok)
{
	size_t i;
	char q[400];

	for (i = 0; i < l->n; i++) {
		const char *s = l->v[i], *star = strchr(s, '*');
		quote(q, sizeof(q), s);
		if (strcmp(s, ".") != 0 && s[0] != '/' && strcmp(s, "~") != 0 &&
		    strncmp(s, "~/", 2) != 0)
			diag(p, SR_DIAG_ERROR, l->line[i], "sandbox.%s: '%s' is "
			    "a relative path (use \".\", \"~/...\" or an absolute "
			    "path)", key, q);
		else if (star != NULL && (!glob_ok || strchr(star, '/') != NULL))
			diag(p, SR_DIAG_ERROR, l->line[i], "sandbox.%s: '%s': "
			    "a '*' may only end a hide entry's last component",
			    key, q);
		else if (strstr(s, "/../") != NULL || (strlen(s) >= 3 &&
		    strcmp(s + strlen(s) - 3, "/..") == 0))
			diag(p, SR_DIAG_ERROR, l->line[i], "sandbox.%s: '%s' "
			    "holds '..'", key, q);
	}
}

static void
check_ports(sr_policy *p, sr_portlist *pl, const sr_toml_value *t,
    const char *key)
{
	const sr_toml_value *a = field(p, t, "sandbox", key, SR_TOML_ARRAY);
	size_t i, n = sr_toml_count(a);
	int64_t port;

	if (a == NULL)
		return;
	pl->limited = 1;
	pl->key_line = sr_toml_line(a);
	if (n == 0)
		return;
	pl->v = calloc(n, sizeof(*pl->v));
	pl->line = calloc(n, sizeof(*pl->line));
	if (pl->v == NULL || pl->line == NULL) {
		ERROR(p, a, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const sr_toml_value *e = sr_toml_array_at(a, i);
		if (sr_toml_int(&port, e) != 0 || port < 1 || port > 65535) {
			ERROR(p, e, "sandbox.%s[%zu] must be a TCP port from 1 "
			    "to 65535", key, i);
			continue;
		}
		pl->line[pl->n] = sr_toml_line(e);
		pl->v[pl->n++] = (uint16_t)port;
	}
}

static void
check_sandbox(sr_policy *p, const sr_toml_value *root)
{
	static const char *const keys[] = { "write", "hide", "read",
	    "tcp_connect", "tcp_bind", "required", NULL };
	sr_sandbox_spec *sb = &p->sandbox;
	const sr_toml_value *t = field(p, root, "policy", "sandbox",
	    SR_TOML_TABLE);

	sb->required = 1;
	if (t == NULL) {
		if (sr_toml_table_get(root, "sandbox") == NULL)
			WARN(p, NULL, "no [sandbox]: the agent can read your "
			    "identity file, the vault and the audit log, and "
			    "with them every secret");
		return;
	}
	sb->present = 1;
	sb->line = sr_toml_line(t);
	check_keys(p, t, "sandbox", keys);
	sb->write_set = sr_toml_table_get(t, "write") != NULL;
	sb->read_set = sr_toml_table_get(t, "read") != NULL;
	field_strlist(p, &sb->write, t, "sandbox", "write");
	field_strlist(p, &sb->hide, t, "sandbox", "hide");
	field_strlist(p, &sb->read, t, "sandbox", "read");
	check_sandbox_paths(p, &sb->write, "write", 0);
	check_sandbox_paths(p, &sb->hide, "hide", 1);
	check_sandbox_paths(p, &sb->read, "read", 0);
	check_ports(p, &sb->tcp_connect, t, "tcp_connect");
	check_ports(p, &sb->tcp_bind, t, "tcp_bind");
	sb->required = field_bool(p, t, "sandbox", "required", 1);
	sb->required_line = sr_toml_line(sr_toml_table_get(t, "required"));
	if (!sb->required)
		WARN(p, sr_toml_table_get(t, "required"), "sandbox.required "
		    "= false: a kernel without Landlock runs the agent "
		    "unconfined (the run record says what was dropped)");
}

/* ---- finding and loading ----------------------------------------- */

/*
 * The directories AGENT.toml is looked for in, in order, each malloc'd.
 * A relative SCOPERUN_POLICY_DIR is refused: the current directory must
 * never decide which policy applies. A relative XDG_CONFIG_HOME is ignored,
 * as the XDG spec says.
 */
static int
policy_dirs(char *dirs[3], size_t *n, sr_err *err)
{
	const char *d = sr_settings_get()->policy_dir;
	char buf[SR_ERR_PATH_MAX];

	*n = 0;
	if (d != NULL && d[0] != '\0') {
		if (d[0] != '/')
			return sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
			    "SCOPERUN_POLICY_DIR must be an absolute path");
		dirs[(*n)++] = strdup(d);
	}
	/* without a HOME there is no user directory, only the system one */
	if (sr_path_get(buf, sizeof(buf), SR_PATH_POLICIES, NULL, NULL) == 0)
		dirs[(*n)++] = strdup(buf);
	dirs[(*n)++] = strdup(SYSTEM_POLICY_DIR);
	for (size_t i = 0; i < *n; i++)
		if (dirs[i] == NULL)
			return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
			    "out of memory");
	return 0;
}

static void
not_found(const char *agent, char *const dirs[3], size_t n, sr_err *err)
{
	char where[SR_ERR_MSG_MAX] = "";
	size_t i, len = 0;

	for (i = 0; i < n && len < sizeof(where); i++)
		len += (size_t)snprintf(where + len, sizeof(where) - len,
		    "%s%s", i ? ", " : "", dirs[i]);
	sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "no policy for agent '%s' "
	    "(looked for %s.toml in %s)", agent, agent, where);
	sr_err_set_reason(err, "policy.missing");
}

int
sr_policy_find(char **path, const char *agent, sr_err *err)
{
	char *dirs[3] = { NULL, NULL, NULL };
	size_t i, n = 0;
	char q[400];
	int rc = -1;

	*path = NULL;
	if (strchr(agent, '/') != NULL)
		return (*path = strdup(agent)) ? 0 : sr_err_set(err,
		    SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (!sr_policy_agent_name_valid(agent))
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "invalid agent "
		    "name '%s' (letters, digits, '.', '_', '-'; at most %d)",
		    quote(q, sizeof(q), agent), SR_AGENT_NAME_MAX);
	if (policy_dirs(dirs, &n, err) != 0)
		goto done;
	for (i = 0; i < n && *path == NULL; i++) {
		size_t len = strlen(dirs[i]) + strlen(agent) + 7;
		if ((*path = malloc(len)) == NULL) {
			sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
			goto done;
		}
		snprintf(*path, len, "%s/%s.toml", dirs[i], agent);
		if (access(*path, F_OK) != 0 && errno == ENOENT) {
			free(*path);
			*path = NULL;
		}
	}
	if (*path != NULL)
		rc = 0;
	else
		not_found(agent, dirs, n, err);
done:
	for (i = 0; i < 3; i++)
		free(dirs[i]);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the agents dir has AGENT.toml files for, once each. */
static int
add_names(char ***v, size_t *n, size_t *cap, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char agent[SR_AGENT_NAME_MAX + 1], **grown;
	size_t len, i;

	if (d == NULL)
		return 0;	/* a directory that is not there holds none */
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len <= 5 || len - 5 > SR_AGENT_NAME_MAX ||
		    strcmp(e->d_name + len - 5, ".toml") != 0)
			continue;
		memcpy(agent, e->d_name, len - 5);
		agent[len - 5] = '\0';
		for (i = 0; i < *n && strcmp((*v)[i], agent) != 0; i++)
			;
		if (i < *n || !sr_policy_agent_name_valid(agent))
			continue;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			if ((grown = realloc(*v, *cap * sizeof(**v))) == NULL)
				break;
			*v = grown;
		}
		if (((*v)[*n] = strdup(agent)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	return e == NULL ? 0 : -1;
}

int
sr_policy_names(char ***names, size_t *n, sr_err *err)
{
	char *dirs[3] = { NULL, NULL, NULL };
	size_t i, nd = 0, cap = 0;
	int rc = -1;

	*names = NULL;
	*n = 0;
	if (policy_dirs(dirs, &nd, err) != 0)
		goto done;
	for (i = 0; i < nd; i++)
		if (add_names(names, n, &cap, dirs[i]) != 0) {
			sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
			goto done;
		}
	if (*n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(*names, *n, sizeof(**names), name_cmp);
	rc = 0;
done:
	for (i = 0; i < 3; i++)
		free(dirs[i]);
	if (rc != 0) {
		sr_policy_names_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return rc;
}

void
sr_policy_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The agent name a policy file must declare: its base name sans .toml. */
static char *
expected_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);

	if (n > 5 && strcmp(base + n - 5, ".toml") == 0)
		n -= 5;
	return strndup(base, n);
}

static void
check_document(sr_policy *p, const sr_toml_value *root, const char *want,
    int64_t now)
{
	static const char *const sections[] = { "agent", "env", "secrets",
	    "exec", "repo", "limits", "audit", "sandbox", "providers", NULL };

	check_keys(p, root, "policy", sections);
	check_agent(p, root, want, now);
	check_env(p, root);
	check_providers(p, root);
	check_secrets(p, root, now);
	check_providers_used(p);
	check_exec(p, root);
	check_repo(p, root);
	check_limits(p, root);
	check_audit(p, root);
	check_sandbox(p, root);
}

/* The first error becomes the call's error, with the file and line, its
 * kind and its reason. */
static int
first_error(const sr_policy *p, sr_err *err)
{
	const sr_diag *d;
	size_t i;

	for (i = 0; i < p->ndiags; i++) {
		d = &p->diags[i];
		if (d->level != SR_DIAG_ERROR)
			continue;
		sr_err_set(err, d->kind, p->path, d->line, "%s", d->msg);
		return sr_err_set_reason(err, d->reason);
	}
	return sr_err_set(err, SR_ERR_CONFIG, p->path, 0, "invalid policy");
}

static int
parse_policy(sr_policy *p, const char *buf, size_t len, sr_err *err)
{
	sr_toml_doc *doc;
	sr_toml_error terr;

	crypto_generichash(p->hash, sizeof(p->hash),
	    (const unsigned char *)buf, len, NULL, 0);
	if (sr_toml_parse(&doc, buf, len, 16, &terr) != 0)
		return sr_err_set(err, SR_ERR_CONFIG, p->path, terr.line,
		    "invalid TOML at column %u: %s", terr.col, terr.msg);
	p->doc = doc;
	return 0;
}

int
sr_policy_load(sr_policy **out, const char *path, int64_t now, sr_err *err)
{
	sr_policy *p = NULL;
	char *buf = NULL, *want = NULL;
	size_t len;
	int rc = -1;

	*out = NULL;
	if (sodium_init() < 0 || (p = calloc(1, sizeof(*p))) == NULL ||
	    (p->path = strdup(path)) == NULL || (want = expected_name(path)) ==
	    NULL) {
		free(want);
		sr_policy_free(p);
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	}
	if (sr_file_read_strict(&buf, &len, path, SR_POLICY_MAX_BYTES, 0,
	    err) != 0) {
		if (err->kind == SR_ERR_NOTFOUND)
			err->kind = SR_ERR_CONFIG;
		err->line = 0;
		goto done;
	}
	if (parse_policy(p, buf, len, err) != 0)
		goto done;
	check_document(p, sr_toml_root(p->doc), want, now);
	*out = p;
	p = NULL;
	rc = (*out)->nerrors ? first_error(*out, err) : 0;
done:
	sr_policy_free(p);
	free(buf);
	free(want);
	return rc;
}

void
sr_policy_free(sr_policy *p)
{
	if (p == NULL)
		return;
	sr_toml_free(p->doc);
	free(p->inherit.v);
	free(p->inherit.line);
	free(p->allow.v);
	free(p->allow.line);
	free(p->env_patterns.v);
	free(p->env_patterns.line);
	free(p->set);
	free(p->grants);
	free(p->sandbox.write.v);
	free(p->sandbox.write.line);
	free(p->sandbox.hide.v);
	free(p->sandbox.hide.line);
	free(p->sandbox.read.v);
	free(p->sandbox.read.line);
	free(p->sandbox.tcp_connect.v);
	free(p->sandbox.tcp_connect.line);
	free(p->sandbox.tcp_bind.v);
	free(p->sandbox.tcp_bind.line);
	providers_free(p);
	free(p->diags);
	free(p->path);
	free(p);
}
