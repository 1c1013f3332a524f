/*
 * run_providers.c - minting at launch (SPEC §10).
 *
 * For each provider some grant names, once: take its output from the
 * cache when a fresh sealed entry is there, else run its command with an
 * environment built from nothing (its inherit list and its inputs, which
 * only it receives), then read every grant's value out of that one
 * output, so that values minted together (AWS's key, secret and session
 * token) match. The output lives in sodium memory and is wiped as soon
 * as its values are in the child's environment (or its memfds).
 *
 * The vault and the identity are opened only when needed: the vault for
 * inputs, the identity for the cache (and by the vault). With no
 * identity a provider still runs; its output is just not cached.
 */
#include "run_providers.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "identity.h"
#include "paths.h"
#include "provider.h"
#include "provider_cache.h"
#include "secalloc.h"
#include "secfile.h"
#include "secmem.h"
#include "timeutil.h"
#include "vault_session.h"

extern char **environ;

int
grant_put(sr_env *env, const sr_grant *g, const unsigned char *value,
    size_t len, grant_files *files, sr_err *err)
{
	char path[SR_SECFILE_PATH_MAX];
	int fd, *grown;

	if (!g->as_file)
		return sr_env_set_secret(env, g->env, value, len, err);
	if ((grown = realloc(files->fd, (files->n + 1) * sizeof(*grown))) ==
	    NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	files->fd = grown;
	if (sr_secfile_create(&fd, path, g->env, value, len, err) != 0)
		return -1;
	files->fd[files->n++] = fd;
	return sr_env_set(env, g->env, path, strlen(path), err);
}

void
grant_files_close(grant_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		close(f->fd[i]);
	free(f->fd);
	f->fd = NULL;
	f->n = 0;
}

size_t
vault_grant_count(const sr_policy *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->ngrants; i++)
		n += p->grants[i].provider == NULL;
	return n;
}

/* What minting shares across providers. */
typedef struct minter {
	mint_state *m;
	sr_env *env;
	const sr_policy *p;
	const sr_run_opts *o;
	grant_files *files;
	int64_t now;
	vault_session vs;
	int vs_open;
	sr_identity *id;		/* loaded for the cache alone */
	int id_tried;
	/* the grants of the provider at hand */
	const sr_grant **grants;
	const char **fields;
	size_t n;
} minter;

static int
need_vault(minter *t, sr_err *err)
{
	vault_args a = { 0 };

	if (t->vs_open)
		return 0;
	a.vault = t->o->vault;
	a.identity = t->o->identity;
	t->m->reason = "vault.error";
	if (vs_open(&t->vs, &a, VS_UNLOCK, err) != 0) {
		vs_close(&t->vs);
		return -1;
	}
	t->vs_open = 1;
	return 0;
}

/* The identity, for the cache: NULL when there is none to be had. */
static const sr_identity *
identity(minter *t)
{
	char path[SR_ERR_PATH_MAX];
	sr_err ignored = SR_ERR_INIT;

	if (t->vs_open)
		return t->vs.id;
	if (!t->id_tried) {
		t->id_tried = 1;
		if (sr_path_get(path, sizeof(path), SR_PATH_IDENTITY,
		    t->o->identity, &ignored) != 0 ||
		    sr_identity_load(&t->id, path, &ignored) != 0)
			t->id = NULL;
	}
	return t->id;
}

/* The provider's environment: its inherit list, then its inputs. */
static int
provider_env(minter *t, const sr_provider *pv, sr_env **pe, sr_err *err)
{
	unsigned char *val = NULL;
	size_t cap = 0, len, i;
	sr_secret_meta meta;
	int rc = -1;

	if (sr_env_new(pe) != 0 || sr_env_inherit(*pe, environ,
	    pv->inherit.v, pv->inherit.n) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	for (i = 0; i < pv->ninputs; i++) {
		const sr_provider_input *in = &pv->inputs[i];
		if (need_vault(t, err) != 0)
			goto done;
		if (sr_vault_get_reuse(&val, &cap, &len, &meta, t->vs.vault,
		    in->from, err) != 0) {
			t->m->reason = err->kind == SR_ERR_NOTFOUND ?
			    "grant.missing" : "vault.error";
			sr_err_set(err, SR_ERR_CONFIG, t->p->path, in->line,
			    "provider %s: input %s: no secret '%s' in the vault",
			    pv->name, in->env, in->from);
			goto done;
		}
		if (sr_env_set_secret(*pe, in->env, val, len, err) != 0)
			goto done;
	}
	rc = 0;
done:
	sr_secure_free(val);
	return rc;
}

/* Run pv's command; its output in r. */
static int
run_command(minter *t, const sr_provider *pv, sr_provider_result *r,
    sr_err *err)
{
	sr_env *pe = NULL;
	char *const *envp;
	char *path = NULL, **argv = NULL;
	size_t i;
	int rc = -1;

	if (provider_env(t, pv, &pe, err) != 0)
		goto done;
	t->m->reason = "provider.failed";
	if ((envp = sr_env_envp(pe)) == NULL ||
	    (argv = calloc(pv->command.n + 1, sizeof(*argv))) == NULL) {
		sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
		goto done;
	}
	for (i = 0; i < pv->command.n; i++)
		argv[i] = (char *)pv->command.v[i];
	if (sr_exec_resolve(&path, argv[0], sr_env_get(pe, "PATH"), err) != 0)
		goto done;
	rc = sr_provider_exec(r, pv->name, path, argv, envp, pv->timeout *
	    1000, err);
	if (rc != 0 && (r->timed_out || r->too_big))
		t->m->reason = r->timed_out ? "provider.timeout" :
		    "provider.output";
done:
	if (rc != 0 && err->kind != SR_ERR_DENIED) {
		char msg[SR_ERR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		sr_err_set(err, SR_ERR_DENIED, NULL, 0, "denied: provider %s: "
		    "%s", pv->name, msg);
	}
	sr_env_free(pe);
	free(argv);
	free(path);
	return rc;
}

static int
put_value(void *ctx, size_t i, const unsigned char *value, size_t len,
    sr_err *err)
{
	minter *t = ctx;

	return grant_put(t->env, t->grants[i], value, len, t->files, err);
}

/* SPEC §10: never a credential past max_ttl, nor one already dead. */
static int
check_expiry(minter *t, const sr_provider *pv, int64_t expires, sr_err *err)
{
	char when[SR_TIME_RFC3339_LEN];

	if (expires != 0 && expires <= t->now) {
		t->m->reason = "provider.expired";
		return sr_err_set(err, SR_ERR_DENIED, t->p->path, pv->line,
		    "denied: provider %s: its credential expired %s", pv->name,
		    sr_time_format(when, sizeof(when), expires));
	}
	if (pv->max_ttl == 0)
		return 0;
	t->m->reason = "provider.max_ttl";
	if (expires == 0)
		return sr_err_set(err, SR_ERR_DENIED, t->p->path,
		    pv->max_ttl_line, "denied: provider %s states no expiry, "
		    "and max_ttl wants one", pv->name);
	if (expires - t->now > pv->max_ttl)
		return sr_err_set(err, SR_ERR_DENIED, t->p->path,
		    pv->max_ttl_line, "denied: provider %s: its credential "
		    "expires %s, further away than max_ttl (%llds)", pv->name,
		    sr_time_format(when, sizeof(when), expires),
		    (long long)pv->max_ttl);
	return 0;
}

/* The values of out into the grants, then the expiry rules. */
static int
take_values(minter *t, const sr_provider *pv, const unsigned char *out,
    size_t len, int64_t *expires, sr_err *err)
{
	char msg[SR_ERR_MSG_MAX];

	t->m->reason = "provider.output";
	if (sr_provider_values(out, len, pv->json, t->fields, t->n, put_value,
	    t, expires, err) != 0) {
		snprintf(msg, sizeof(msg), "%s", err->msg);
		return sr_err_set(err, SR_ERR_DENIED, t->p->path, pv->line,
		    "denied: provider %s: %s", pv->name, msg);
	}
	return check_expiry(t, pv, *expires, err);
}

/* The grants that name provider index pi, and their fields. */
static int
collect(minter *t, size_t pi, sr_err *err)
{
	size_t i;

	t->n = 0;
	for (i = 0; i < t->p->ngrants; i++) {
		const sr_grant *g = &t->p->grants[i];
		if (g->provider == NULL || g->provider_index != pi)
			continue;
		t->grants[t->n] = g;
		t->fields[t->n++] = g->field ? g->field : "";
	}
	(void)err;
	return 0;
}

static const char *
state_dir(char *buf, size_t size)
{
	sr_err ignored = SR_ERR_INIT;
	char *slash;

	if (sr_path_get(buf, size, SR_PATH_AUDIT, NULL, &ignored) != 0)
		return NULL;
	if ((slash = strrchr(buf, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return buf;
}

/* pv's output from the cache: 1 hit, 0 none. */
static int
from_cache(minter *t, const sr_provider *pv, char *path, size_t size,
    sr_provider_result *r, int64_t *expires)
{
	char dir[SR_ERR_PATH_MAX];
	const sr_identity *id;
	sr_err ignored = SR_ERR_INIT;

	path[0] = '\0';
	if (pv->cache == 0 || (id = identity(t)) == NULL ||
	    state_dir(dir, sizeof(dir)) == NULL ||
	    sr_pcache_path(path, size, dir, id, t->p->path, pv, &ignored) != 0) {
		path[0] = '\0';
		return 0;
	}
	return sr_pcache_get(&r->out, &r->len, expires, path, id, t->now,
	    pv->cache, &ignored) == 1;
}

static int
mint_one(minter *t, size_t pi, sr_err *err)
{
	const sr_provider *pv = &t->p->providers[pi];
	sr_audit_provider *rec = &t->m->rec[t->m->nrec];
	sr_provider_result r = { 0 };
	char cpath[SR_ERR_PATH_MAX];
	sr_err ignored = SR_ERR_INIT;
	int64_t expires = 0;
	int hit, rc = -1;

	if (collect(t, pi, err) != 0 || t->n == 0)
		return 0;	/* a provider no grant names never runs */
	if (!(hit = from_cache(t, pv, cpath, sizeof(cpath), &r, &expires)) &&
	    run_command(t, pv, &r, err) != 0) {
		err->line = pv->line;
		snprintf(err->file, sizeof(err->file), "%s", t->p->path);
		goto done;
	}
	if (take_values(t, pv, r.out, r.len, &expires, err) != 0)
		goto done;
	if (!hit && cpath[0] != '\0')	/* best effort: next run mints */
		(void)sr_pcache_put(cpath, identity(t), r.out, r.len, t->now,
		    expires, &ignored);
	*rec = (sr_audit_provider){ pv->name, hit ? 0 : r.duration_ms, expires,
	    hit };
	t->m->nrec++;
	rc = 0;
done:
	sr_provider_result_free(&r);
	return rc;
}

int
providers_mint(mint_state *m, sr_env *env, const sr_policy *p,
    const sr_run_opts *o, grant_files *files, int64_t now, sr_err *err)
{
	minter t;
	size_t i;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (p->nproviders == 0 || p->ngrants == vault_grant_count(p))
		return 0;
	memset(&t, 0, sizeof(t));
	t = (minter){ m, env, p, o, files, now, .vs.lockfd = -1 };
	m->rec = calloc(p->nproviders, sizeof(*m->rec));
	t.grants = calloc(p->ngrants, sizeof(*t.grants));
	t.fields = calloc(p->ngrants, sizeof(*t.fields));
	if (m->rec == NULL || t.grants == NULL || t.fields == NULL) {
		sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
		goto done;
	}
	m->reason = "system";
	if (secure_memory_begin(err) != 0)
		goto done;
	for (i = 0; i < p->nproviders; i++)
		if (mint_one(&t, i, err) != 0)
			goto done;
	rc = 0;
done:
	if (t.vs_open)
		vs_close(&t.vs);
	sr_identity_free(t.id);
	free(t.grants);
	free(t.fields);
	return rc;
}

void
mint_state_free(mint_state *m)
{
	free(m->rec);
	m->rec = NULL;
	m->nrec = 0;
}
