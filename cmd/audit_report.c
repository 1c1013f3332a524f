/*
 * audit_report.c - `scoperun audit report [FILE] [--json]`.
 *
 * Answers, per agent found in the log or with a policy (one that never
 * ran is the plainest case of grants that can go): how often it ran and
 * was refused (by reason), which granted variables its runs received and
 * when last, which grants of its current policy no run received in 30
 * days, and what expires within 7 days or is past rotate_after.
 *
 * The log is read whole (every file of a rotated set) with jansson; the
 * policies are loaded as a run would; the vault is read for metadata only
 * (no identity, nothing decrypted) and skipped quietly when there is none.
 * SCOPERUN_NOW (2026-12-01T00:00:00Z) sets the report's clock, for tests
 * and for "what will the report say next week"; nothing else reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "audit_report.h"
#include "cli.h"
#include "paths.h"
#include "policy.h"
#include "suspend.h"
#include "timeutil.h"
#include "vault.h"

#define DAY 86400
#define ORPHAN_AFTER (30 * DAY)
#define EXPIRING_WITHIN (7 * DAY)
#define TS_LEN 24	/* 2026-11-23T18:33:35.123Z */

struct use {
	char name[256];		/* a variable name */
	unsigned long long runs;
	int64_t last;
	char last_ts[TS_LEN + 1];
};

struct reason {
	char code[64];
	unsigned long long n;
};

/* SPEC §10: what a provider minted for the agent's runs. */
struct minted {
	char name[80];
	unsigned long long runs, cached;
	char last_expires[SR_TIME_RFC3339_LEN];
};

struct agent {
	char *name;
	struct minted *minted;
	size_t nminted;
	unsigned long long suspensions, resumes;
	unsigned long long runs, denials;
	int64_t last_run, last_deny;
	char last_ts[TS_LEN + 1], deny_ts[TS_LEN + 1];
	struct use *uses;
	size_t nuses;
	struct reason *reasons;
	size_t nreasons;
};

struct report {
	int64_t now;
	int64_t since;		/* --since: records before it are left out */
	const char *log;
	unsigned long long records;
	struct agent *agents;
	size_t n;
	sr_vault *vault;	/* NULL: none, or unreadable */
	/* the vault's metadata is authentic: unlocked with this user's
	 * identity, and its end MAC holds; else it is marked unverified */
	int vault_verified;
};

/* ---- reading the log ---------------------------------------------- */

static void *
grow(void *v, size_t n, size_t size)
{
	/* n elements in use; room for one more, doubling at powers of 2 */
	if (n == 0 || (n & (n - 1)) == 0) {
		void *p = realloc(v, (n ? 2 * n : 1) * size);
		if (p == NULL) {
			fprintf(stderr, "scoperun: audit: out of memory\n");
			exit(SR_EXIT_USAGE);
		}
		return p;
	}
	return v;
}

static struct agent *
agent_get(struct report *r, const char *name)
{
	struct agent *a;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->agents[i].name, name) == 0)
			return &r->agents[i];
	r->agents = grow(r->agents, r->n, sizeof(*r->agents));
	a = &r->agents[r->n++];
	memset(a, 0, sizeof(*a));
	if ((a->name = strdup(name)) == NULL) {
		fprintf(stderr, "scoperun: audit: out of memory\n");
		exit(SR_EXIT_USAGE);
	}
	return a;
}

/* The record's time in seconds, 0 when it has none. */
static int64_t
record_time(const char *ts)
{
	char whole[21];
	int64_t t;

	if (ts == NULL || strlen(ts) != TS_LEN)
		return 0;
	memcpy(whole, ts, 19);
	whole[19] = 'Z';
	whole[20] = '\0';
	return sr_time_parse(&t, whole, 20) == 0 ? t : 0;
}

static void
count_use(struct agent *a, const char *name, int64_t t, const char *ts)
{
	struct use *u = NULL;
	size_t i;

	for (i = 0; i < a->nuses && u == NULL; i++)
		if (strcmp(a->uses[i].name, name) == 0)
			u = &a->uses[i];
	if (u == NULL) {
		a->uses = grow(a->uses, a->nuses, sizeof(*a->uses));
		u = &a->uses[a->nuses++];
		memset(u, 0, sizeof(*u));
		snprintf(u->name, sizeof(u->name), "%s", name);
	}
	u->runs++;
	if (t >= u->last) {
		u->last = t;
		snprintf(u->last_ts, sizeof(u->last_ts), "%s", ts);
	}
}

static void
count_denial(struct agent *a, const char *reason)
{
	size_t i;

	a->denials++;
	for (i = 0; i < a->nreasons; i++)
		if (strcmp(a->reasons[i].code, reason) == 0) {
			a->reasons[i].n++;
			return;
		}
	a->reasons = grow(a->reasons, a->nreasons, sizeof(*a->reasons));
	snprintf(a->reasons[a->nreasons].code, sizeof(a->reasons[0].code),
	    "%s", reason);
	a->reasons[a->nreasons++].n = 1;
}

static void
count_minted(struct agent *a, json_t *providers)
{
	const char *name, *exp;
	struct minted *m;
	json_t *p;
	size_t i, k;

	json_array_foreach(providers, i, p) {
		if ((name = json_string_value(json_object_get(p, "name"))) ==
		    NULL)
			continue;
		for (k = 0; k < a->nminted && strcmp(a->minted[k].name, name);
		    k++)
			;
		if (k == a->nminted) {
			a->minted = grow(a->minted, a->nminted,
			    sizeof(*a->minted));
			m = &a->minted[a->nminted++];
			memset(m, 0, sizeof(*m));
			snprintf(m->name, sizeof(m->name), "%s", name);
		}
		m = &a->minted[k];
		m->runs++;
		m->cached += json_is_true(json_object_get(p, "cache"));
		if ((exp = json_string_value(json_object_get(p, "expires"))))
			snprintf(m->last_expires, sizeof(m->last_expires), "%s",
			    exp);
	}
}

static void
take(struct report *r, json_t *rec)
{
	const char *event = json_string_value(json_object_get(rec, "event"));
	const char *name = json_string_value(json_object_get(rec, "agent"));
	const char *ts = json_string_value(json_object_get(rec, "ts"));
	const char *reason = json_string_value(json_object_get(rec, "reason"));
	json_t *secrets = json_object_get(rec, "secrets"), *s;
	int64_t t = record_time(ts);
	struct agent *a;
	size_t i;

	r->records++;
	if (event == NULL || name == NULL || t == 0 || t < r->since)
		return;
	if (strcmp(event, "agent.suspend") == 0)
		agent_get(r, name)->suspensions++;
	else if (strcmp(event, "agent.resume") == 0)
		agent_get(r, name)->resumes++;
	if (strcmp(event, "run") == 0) {
		a = agent_get(r, name);
		a->runs++;
		if (t >= a->last_run) {
			a->last_run = t;
			snprintf(a->last_ts, sizeof(a->last_ts), "%s", ts);
		}
		json_array_foreach(secrets, i, s)
			if (json_is_string(s))
				count_use(a, json_string_value(s), t, ts);
		count_minted(a, json_object_get(rec, "providers"));
	} else if (strcmp(event, "deny") == 0) {
		a = agent_get(r, name);
		count_denial(a, reason ? reason : "-");
		if (t >= a->last_deny) {
			a->last_deny = t;
			snprintf(a->deny_ts, sizeof(a->deny_ts), "%s", ts);
		}
	}
}

static int
read_log(struct report *r, const char *path)
{
	char **files = NULL, *line = NULL;
	size_t nfiles = 0, i, cap = 0;
	sr_err err = SR_ERR_INIT;
	ssize_t len;
	FILE *f;

	if (sr_audit_files(&files, &nfiles, path, &err) != 0) {
		cli_error("audit", &err);
		return -1;
	}
	for (i = 0; i < nfiles; i++) {
		if ((f = fopen(files[i], "re")) == NULL) {
			if (i == nfiles - 1 && nfiles > 1)
				continue;	/* just rotated */
			cli_errorf("audit", "cannot open %s", files[i]);
			sr_audit_files_free(files, nfiles);
			return -1;
		}
		while ((len = getline(&line, &cap, f)) > 0) {
			json_t *rec = json_loadb(line, (size_t)len, 0, NULL);
			if (rec != NULL)
				take(r, rec);
			json_decref(rec);
		}
		fclose(f);
	}
	free(line);
	sr_audit_files_free(files, nfiles);
	return 0;
}

/* ---- what the policies and the vault say --------------------------- */

static const struct use *
use_of(const struct agent *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nuses; i++)
		if (strcmp(a->uses[i].name, name) == 0)
			return &a->uses[i];
	return NULL;
}

static json_t *
jtime(int64_t t)
{
	char buf[SR_TIME_RFC3339_LEN];

	return t ? json_string(sr_time_format(buf, sizeof(buf), t)) :
	    json_null();
}

/* "expires" entries for what ends within 7 days (or has ended). */
static void
expiring(json_t *list, const char *kind, const char *name, const char *via,
    int64_t at, int64_t now)
{
	json_t *e;

	if (at == 0 || at > now + EXPIRING_WITHIN)
		return;
	e = json_object();
	json_object_set_new(e, "kind", json_string(kind));
	json_object_set_new(e, "name", json_string(name));
	if (via != NULL)
		json_object_set_new(e, strcmp(kind, "grant") == 0 ? "from" :
		    "grant", json_string(via));
	json_object_set_new(e, "expires", jtime(at));
	json_object_set_new(e, "expired", json_boolean(at <= now));
	json_array_append_new(list, e);
}

/* The vault's side of a grant: expiry and rotation of its secret. */
static void
secret_checks(json_t *exp, json_t *rot, json_t *ages, const struct report *r,
    const sr_grant *g)
{
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	long i;
	json_t *e;

	int verified;

	if (r->vault == NULL || g->from == NULL ||
	    (i = sr_vault_find(r->vault, g->from)) < 0 ||
	    sr_vault_meta_at(&m, r->vault, (size_t)i, &err) != 0)
		return;
	verified = r->vault_verified &&
	    sr_vault_check_entry(r->vault, (size_t)i, &err) == 0;
	expiring(exp, "secret", g->from, g->env, m.expires, r->now);
	if ((e = json_array_get(exp, json_array_size(exp) - 1)) != NULL &&
	    strcmp(json_string_value(json_object_get(e, "name")), g->from) == 0)
		json_object_set_new(e, "verified", json_boolean(verified));
	if (g->max_age) {	/* SPEC §10: the age max_age judges */
		e = json_object();
		json_object_set_new(e, "grant", json_string(g->env));
		json_object_set_new(e, "secret", json_string(g->from));
		json_object_set_new(e, "updated", jtime(m.updated));
		json_object_set_new(e, "age_days", json_integer(
		    (json_int_t)((r->now - m.updated) / DAY)));
		json_object_set_new(e, "max_age_days", json_integer(
		    (json_int_t)(g->max_age / DAY)));
		json_object_set_new(e, "stale", json_boolean(r->now -
		    m.updated > g->max_age));
		json_array_append_new(ages, e);
	}
	if (m.rotate_after > 0 && m.updated + m.rotate_after <= r->now) {
		e = json_object();
		json_object_set_new(e, "verified", json_boolean(verified));
		json_object_set_new(e, "secret", json_string(g->from));
		json_object_set_new(e, "grant", json_string(g->env));
		json_object_set_new(e, "updated", jtime(m.updated));
		json_object_set_new(e, "due", jtime(m.updated + m.rotate_after));
		json_array_append_new(rot, e);
	}
}

static void
policy_checks(json_t *ja, const struct agent *a, const struct report *r)
{
	json_t *orphans = json_array(), *exp = json_array(), *rot =
	    json_array(), *ages = json_array(), *o;
	sr_policy *p = NULL;
	sr_err err = SR_ERR_INIT;
	const struct use *u;
	char *path = NULL;
	size_t i;

	if (sr_policy_find(&path, a->name, &err) == 0)
		sr_policy_load(&p, path, r->now, &err);
	json_object_set_new(ja, "policy", p ? json_string(p->path) :
	    json_null());
	if (err.msg[0] != '\0')
		json_object_set_new(ja, "policy_error", json_string(err.msg));
	for (i = 0; p != NULL && i < p->ngrants; i++) {
		const sr_grant *g = &p->grants[i];
		u = use_of(a, g->env);
		if (u == NULL || u->last < r->now - ORPHAN_AFTER) {
			o = json_object();
			json_object_set_new(o, "grant", json_string(g->env));
			json_object_set_new(o, "from", json_string(g->from ?
			    g->from : g->provider));
			json_object_set_new(o, "last_used", u ?
			    json_string(u->last_ts) : json_null());
			json_array_append_new(orphans, o);
		}
		expiring(exp, "grant", g->env, g->from ? g->from : g->provider,
		    g->expires, r->now);
		secret_checks(exp, rot, ages, r, g);
	}
	if (p != NULL)
		expiring(exp, "policy", p->name ? p->name : a->name, NULL,
		    p->expires, r->now);
	json_object_set_new(ja, "orphans", orphans);
	json_object_set_new(ja, "expiring", exp);
	json_object_set_new(ja, "rotate_overdue", rot);
	json_object_set_new(ja, "ages", ages);
	sr_policy_free(p);
	free(path);
}

/* SPEC §10-11: providers that minted for it, and its suspensions. */
static void
minted_json(json_t *ja, const struct agent *a, const struct report *r)
{
	json_t *list = json_array(), *m, *su = json_object();
	char path[SR_ERR_PATH_MAX];
	sr_err err = SR_ERR_INIT;
	int64_t since = 0;
	size_t i;

	for (i = 0; i < a->nminted; i++) {
		m = json_object();
		json_object_set_new(m, "name", json_string(a->minted[i].name));
		json_object_set_new(m, "runs",
		    json_integer((json_int_t)a->minted[i].runs));
		json_object_set_new(m, "cached",
		    json_integer((json_int_t)a->minted[i].cached));
		json_object_set_new(m, "last_expires",
		    a->minted[i].last_expires[0] ?
		    json_string(a->minted[i].last_expires) : json_null());
		json_array_append_new(list, m);
	}
	json_object_set_new(ja, "providers", list);
	json_object_set_new(su, "count",
	    json_integer((json_int_t)a->suspensions));
	json_object_set_new(su, "resumes", json_integer((json_int_t)a->resumes));
	if (sr_agent_name_valid(a->name) && sr_suspend_path(path, sizeof(path),
	    r->log, a->name, &err) == 0 && sr_suspend_check(path, &since,
	    &err) == 1)
		json_object_set_new(su, "suspended_since", jtime(since));
	else
		json_object_set_new(su, "suspended_since", json_null());
	json_object_set_new(ja, "suspensions", su);
}

static json_t *
agent_json(const struct agent *a, const struct report *r)
{
	json_t *ja = json_object(), *by = json_object(), *uses = json_array();
	json_t *d = json_object(), *u;
	size_t i;

	json_object_set_new(ja, "agent", json_string(a->name));
	json_object_set_new(ja, "runs", json_integer((json_int_t)a->runs));
	json_object_set_new(ja, "last_run", a->runs ?
	    json_string(a->last_ts) : json_null());
	for (i = 0; i < a->nreasons; i++)
		json_object_set_new(by, a->reasons[i].code,
		    json_integer((json_int_t)a->reasons[i].n));
	json_object_set_new(d, "total", json_integer((json_int_t)a->denials));
	json_object_set_new(d, "by_reason", by);
	json_object_set_new(ja, "denials", d);
	for (i = 0; i < a->nuses; i++) {
		u = json_object();
		json_object_set_new(u, "name", json_string(a->uses[i].name));
		json_object_set_new(u, "runs",
		    json_integer((json_int_t)a->uses[i].runs));
		json_object_set_new(u, "last_used",
		    json_string(a->uses[i].last_ts));
		json_array_append_new(uses, u);
	}
	json_object_set_new(ja, "secrets", uses);
	minted_json(ja, a, r);
	policy_checks(ja, a, r);
	return ja;
}

/* ---- printing ------------------------------------------------------ */

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	/* for the text report only: names and paths as a terminal may see
	 * them */
	return s ? cli_esc(s) : "-";
}

/* What the vault says is marked when it could not be verified. */
static const char *
unverified(json_t *o)
{
	return json_is_false(json_object_get(o, "verified")) ?
	    " (unverified)" : "";
}

/* SPEC §10-11 in the text report: minted, ages, suspensions. */
static void
print_lifecycle(json_t *ja)
{
	json_t *v, *su = json_object_get(ja, "suspensions");
	size_t i;

	json_array_foreach(json_object_get(ja, "providers"), i, v)
		printf("  minted      %-24s %lld runs (%lld from the cache), "
		    "last expiry %s\n", jstr(v, "name"),
		    (long long)json_integer_value(json_object_get(v, "runs")),
		    (long long)json_integer_value(json_object_get(v, "cached")),
		    jstr(v, "last_expires"));
	json_array_foreach(json_object_get(ja, "ages"), i, v)
		printf("  %-11s %-24s granted as %s: set %lldd ago, max_age "
		    "%lldd\n", json_is_true(json_object_get(v, "stale")) ?
		    "stale" : "age", jstr(v, "secret"), jstr(v, "grant"),
		    (long long)json_integer_value(json_object_get(v,
		    "age_days")), (long long)json_integer_value(
		    json_object_get(v, "max_age_days")));
	if (json_integer_value(json_object_get(su, "count")) > 0 ||
	    !json_is_null(json_object_get(su, "suspended_since")))
		printf("  suspended   %lld times, resumed %lld; %s%s\n",
		    (long long)json_integer_value(json_object_get(su, "count")),
		    (long long)json_integer_value(json_object_get(su,
		    "resumes")), json_is_null(json_object_get(su,
		    "suspended_since")) ? "not suspended now" :
		    "suspended since ", json_is_null(json_object_get(su,
		    "suspended_since")) ? "" : jstr(su, "suspended_since"));
}

static void
print_agent(json_t *ja)
{
	json_t *v, *d = json_object_get(ja, "denials");
	const char *k;
	size_t i;

	printf("\n%s  (policy %s)\n", jstr(ja, "agent"), jstr(ja, "policy"));
	if (json_object_get(ja, "policy_error"))
		printf("  policy      %s\n", jstr(ja, "policy_error"));
	printf("  runs        %lld, last %s\n", (long long)json_integer_value(
	    json_object_get(ja, "runs")), jstr(ja, "last_run"));
	printf("  denials     %lld", (long long)json_integer_value(
	    json_object_get(d, "total")));
	json_object_foreach(json_object_get(d, "by_reason"), k, v)
		printf(" %s %lld", k, (long long)json_integer_value(v));
	printf("\n");
	json_array_foreach(json_object_get(ja, "secrets"), i, v)
		printf("  used        %-24s %lld runs, last %s\n", jstr(v,
		    "name"), (long long)json_integer_value(json_object_get(v,
		    "runs")), jstr(v, "last_used"));
	json_array_foreach(json_object_get(ja, "orphans"), i, v)
		printf("  orphan      %-24s from %s: no run received it in 30 "
		    "days (last used %s)\n", jstr(v, "grant"), jstr(v, "from"),
		    json_is_null(json_object_get(v, "last_used")) ? "never" :
		    jstr(v, "last_used"));
	json_array_foreach(json_object_get(ja, "expiring"), i, v)
		printf("  %-11s %s %-17s %s %s%s\n", json_is_true(
		    json_object_get(v, "expired")) ? "expired" : "expiring",
		    jstr(v, "kind"), jstr(v, "name"), json_is_true(
		    json_object_get(v, "expired")) ? "expired" : "expires",
		    jstr(v, "expires"), unverified(v));
	json_array_foreach(json_object_get(ja, "rotate_overdue"), i, v)
		printf("  rotate      %-24s granted as %s: rotation was due %s%s\n",
		    jstr(v, "secret"), jstr(v, "grant"), jstr(v, "due"),
		    unverified(v));
	print_lifecycle(ja);
}

/* Names refused for want of a policy: typos of a verb, or something
 * trying names; apart from the agents, so they never pass for one. */
static void
print_unknown(json_t *doc)
{
	json_t *u = json_object_get(doc, "unknown_names"), *v;
	size_t i;

	if (json_array_size(u) == 0)
		return;
	printf("\nnames without a policy (refused: a typo, or something "
	    "trying names)\n");
	json_array_foreach(u, i, v)
		printf("  %-24s %lld refusal%s, last %s\n", jstr(v, "name"),
		    (long long)json_integer_value(json_object_get(v,
		    "refusals")), json_integer_value(json_object_get(v,
		    "refusals")) == 1 ? "" : "s", jstr(v, "last_refused"));
}

static void
print_report(json_t *doc)
{
	json_t *ja;
	size_t i;

	printf("audit report at %s: %lld records in %s\n", jstr(doc, "now"),
	    (long long)json_integer_value(json_object_get(doc, "records")),
	    jstr(doc, "log"));
	if (strcmp(jstr(doc, "vault_metadata"), "unverified") == 0)
		printf("vault metadata (expiry, rotation) is unverified: your "
		    "identity is not a recipient, or the vault failed its "
		    "checks\n");
	printf("\n%-24s %6s %-24s %7s %7s\n", "AGENT", "RUNS", "LAST RUN",
	    "DENIALS", "ORPHANS");
	json_array_foreach(json_object_get(doc, "agents"), i, ja)
		printf("%-24s %6lld %-24s %7lld %7zu\n", jstr(ja, "agent"),
		    (long long)json_integer_value(json_object_get(ja, "runs")),
		    jstr(ja, "last_run"), (long long)json_integer_value(
		    json_object_get(json_object_get(ja, "denials"), "total")),
		    json_array_size(json_object_get(ja, "orphans")));
	json_array_foreach(json_object_get(doc, "agents"), i, ja)
		print_agent(ja);
	print_unknown(doc);
}

/* ---- the verb ------------------------------------------------------ */

/* A name the log holds only refusals for, with no policy now. */
static int
unknown(const struct agent *a)
{
	sr_err err = SR_ERR_INIT;
	char *path = NULL;
	int rc;

	if (a->runs > 0)
		return 0;
	rc = sr_policy_find(&path, a->name, &err);
	free(path);
	return rc != 0;
}

static json_t *
unknown_json(const struct agent *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(a->name));
	json_object_set_new(o, "refusals",
	    json_integer((json_int_t)a->denials));
	json_object_set_new(o, "last_refused", a->denials ?
	    json_string(a->deny_ts) : json_null());
	return o;
}

static int
report_now(int64_t *now)
{
	const char *s = getenv("SCOPERUN_NOW");

	*now = sr_time_now();
	if (s == NULL || s[0] == '\0')
		return 0;
	if (sr_time_parse(now, s, strlen(s)) != 0) {
		cli_errorf("audit", "SCOPERUN_NOW wants a time like "
		    "2026-12-01T00:00:00Z");
		return -1;
	}
	return 0;
}

/* Agents with a policy and no record yet, after those of the log. */
static void
add_policy_agents(struct report *r)
{
	sr_err err = SR_ERR_INIT;
	char **names;
	size_t n, i;

	if (sr_policy_names(&names, &n, &err) != 0)
		return;		/* the log's agents are still reported */
	for (i = 0; i < n; i++)
		agent_get(r, names[i]);
	sr_policy_names_free(names, n);
}

/* Unlock with the user's identity when it is a recipient: then the
 * metadata shown can be verified (one key agreement). */
static void
verify_vault(struct report *r)
{
	char path[SR_ERR_PATH_MAX];
	sr_err err = SR_ERR_INIT;
	sr_identity *id = NULL;

	if (sr_path_get(path, sizeof(path), SR_PATH_IDENTITY, NULL,
	    &err) == 0 && sr_identity_load(&id, path, &err) == 0 &&
	    sr_vault_unlock(r->vault, id, &err) == 0 &&
	    sr_vault_check_body(r->vault, &err) == 0)
		r->vault_verified = 1;
	sr_identity_free(id);
}

static void
open_vault(struct report *r)
{
	char path[SR_ERR_PATH_MAX];
	sr_err err = SR_ERR_INIT;

	/* metadata only; no vault, or one that cannot be read, is no
	 * vault for the report */
	if (sr_path_get(path, sizeof(path), SR_PATH_VAULT, NULL, &err) != 0 ||
	    sr_vault_open(&r->vault, path, &err) != 0)
		r->vault = NULL;
	else
		verify_vault(r);
}

static void
report_free(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->agents[i].minted);
		free(r->agents[i].name);
		free(r->agents[i].uses);
		free(r->agents[i].reasons);
	}
	free(r->agents);
	sr_vault_free(r->vault);
}

/* --since: a duration back from now ("1d"), or a date ("2026-12-01",
 * "2026-12-01T09:00:00Z"). */
static int
parse_since(int64_t *out, const char *s, int64_t now)
{
	char day[32];
	int64_t d;

	*out = 0;
	if (s == NULL)
		return 0;
	if ((d = sr_duration_parse(s)) > 0) {
		*out = now - d;
		return 0;
	}
	if (sr_time_parse_rfc3339(out, s, strlen(s)) == 0)
		return 0;
	if (strlen(s) == 10 && snprintf(day, sizeof(day), "%sT00:00:00Z", s) ==
	    20 && sr_time_parse_rfc3339(out, day, 20) == 0)
		return 0;
	cli_errorf("audit", "--since wants a duration like 1d or a date like "
	    "2026-12-01");
	return -1;
}

int
audit_report(const char *file, int json)
{
	return audit_report_with(file, json ? "json" : "text", NULL);
}

int
audit_report_with(const char *file, const char *format, const char *since)
{
	int json = format != NULL && strcmp(format, "json") == 0;
	int md = format != NULL && strcmp(format, "markdown") == 0;

	char path[SR_ERR_PATH_MAX];
	struct report r;
	sr_err err = SR_ERR_INIT;
	json_t *doc, *agents, *unknowns;
	size_t i;

	memset(&r, 0, sizeof(r));
	if (format != NULL && !json && !md && strcmp(format, "text") != 0) {
		cli_errorf("audit", "--format wants text, json or markdown");
		return SR_EXIT_USAGE;
	}
	if (report_now(&r.now) != 0 || parse_since(&r.since, since, r.now) != 0)
		return SR_EXIT_USAGE;
	r.log = path;
	if (sr_path_get(path, sizeof(path), SR_PATH_AUDIT, file, &err) != 0) {
		cli_error("audit", &err);
		return SR_EXIT_USAGE;
	}
	if (read_log(&r, path) != 0) {
		report_free(&r);
		return SR_EXIT_USAGE;
	}
	add_policy_agents(&r);
	open_vault(&r);
	doc = json_object();
	agents = json_array();
	unknowns = json_array();
	json_object_set_new(doc, "now", jtime(r.now));
	json_object_set_new(doc, "log", json_string(path));
	json_object_set_new(doc, "records", json_integer((json_int_t)r.records));
	json_object_set_new(doc, "vault_metadata", json_string(r.vault ==
	    NULL ? "none" : r.vault_verified ? "verified" : "unverified"));
	json_object_set_new(doc, "since", r.since ? jtime(r.since) :
	    json_null());
	for (i = 0; i < r.n; i++) {
		if (unknown(&r.agents[i]))
			json_array_append_new(unknowns,
			    unknown_json(&r.agents[i]));
		else
			json_array_append_new(agents, agent_json(&r.agents[i],
			    &r));
	}
	json_object_set_new(doc, "agents", agents);
	json_object_set_new(doc, "unknown_names", unknowns);
	if (json)
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	else if (md)
		audit_report_markdown(doc);
	else
		print_report(doc);
	if (json)
		printf("\n");
	json_decref(doc);
	report_free(&r);
	return SR_EXIT_OK;
}
