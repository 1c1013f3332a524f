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

struct agent {
	char *name;
	unsigned long long runs, denials;
	int64_t last_run;
	char last_ts[TS_LEN + 1];
	struct use *uses;
	size_t nuses;
	struct reason *reasons;
	size_t nreasons;
};

struct report {
	int64_t now;
	unsigned long long records;
	struct agent *agents;
	size_t n;
	sr_vault *vault;	/* NULL: none, or unreadable */
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
	if (event == NULL || name == NULL || t == 0)
		return;
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
	} else if (strcmp(event, "deny") == 0) {
		count_denial(agent_get(r, name), reason ? reason : "-");
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
secret_checks(json_t *exp, json_t *rot, const struct report *r,
    const sr_grant *g)
{
	sr_secret_meta m;
	sr_err err = SR_ERR_INIT;
	long i;
	json_t *e;

	if (r->vault == NULL || g->from == NULL ||
	    (i = sr_vault_find(r->vault, g->from)) < 0 ||
	    sr_vault_meta_at(&m, r->vault, (size_t)i, &err) != 0)
		return;
	expiring(exp, "secret", g->from, g->env, m.expires, r->now);
	if (m.rotate_after > 0 && m.updated + m.rotate_after <= r->now) {
		e = json_object();
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
	    json_array(), *o;
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
		secret_checks(exp, rot, r, g);
	}
	if (p != NULL)
		expiring(exp, "policy", p->name ? p->name : a->name, NULL,
		    p->expires, r->now);
	json_object_set_new(ja, "orphans", orphans);
	json_object_set_new(ja, "expiring", exp);
	json_object_set_new(ja, "rotate_overdue", rot);
	sr_policy_free(p);
	free(path);
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
	policy_checks(ja, a, r);
	return ja;
}

/* ---- printing ------------------------------------------------------ */

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
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
		printf("  %-11s %s %-17s %s %s\n", json_is_true(
		    json_object_get(v, "expired")) ? "expired" : "expiring",
		    jstr(v, "kind"), jstr(v, "name"), json_is_true(
		    json_object_get(v, "expired")) ? "expired" : "expires",
		    jstr(v, "expires"));
	json_array_foreach(json_object_get(ja, "rotate_overdue"), i, v)
		printf("  rotate      %-24s granted as %s: rotation was due %s\n",
		    jstr(v, "secret"), jstr(v, "grant"), jstr(v, "due"));
}

static void
print_report(json_t *doc)
{
	json_t *ja;
	size_t i;

	printf("audit report at %s: %lld records in %s\n", jstr(doc, "now"),
	    (long long)json_integer_value(json_object_get(doc, "records")),
	    jstr(doc, "log"));
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
}

/* ---- the verb ------------------------------------------------------ */

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
}

static void
report_free(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->agents[i].name);
		free(r->agents[i].uses);
		free(r->agents[i].reasons);
	}
	free(r->agents);
	sr_vault_free(r->vault);
}

int
audit_report(const char *file, int json)
{
	char path[SR_ERR_PATH_MAX];
	struct report r;
	sr_err err = SR_ERR_INIT;
	json_t *doc, *agents;
	size_t i;

	memset(&r, 0, sizeof(r));
	if (report_now(&r.now) != 0)
		return SR_EXIT_USAGE;
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
	json_object_set_new(doc, "now", jtime(r.now));
	json_object_set_new(doc, "log", json_string(path));
	json_object_set_new(doc, "records", json_integer((json_int_t)r.records));
	for (i = 0; i < r.n; i++)
		json_array_append_new(agents, agent_json(&r.agents[i], &r));
	json_object_set_new(doc, "agents", agents);
	if (json)
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	else
		print_report(doc);
	if (json)
		printf("\n");
	json_decref(doc);
	report_free(&r);
	return SR_EXIT_OK;
}
