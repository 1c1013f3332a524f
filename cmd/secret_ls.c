/*
 * secret_ls.c - `scoperun secret ls --json` and `--names`: the vault's
 * metadata for scripts, and its names alone for shell completion. Never
 * a value: the vault is read without the identity, nothing is decrypted.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "timeutil.h"
#include "vault_session.h"

static json_t *
jtime(int64_t t)
{
	char buf[SR_TIME_RFC3339_LEN];

	return t ? json_string(sr_time_format(buf, sizeof(buf), t)) :
	    json_null();
}

/* "k=v,k2=v2" as an object. */
static json_t *
jlabels(const char *labels)
{
	json_t *o = json_object();
	char buf[SR_LABELS_MAX + 1], *kv, *save = NULL, *eq;

	snprintf(buf, sizeof(buf), "%s", labels);
	for (kv = strtok_r(buf, ",", &save); kv != NULL;
	    kv = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(kv, '=')) == NULL)
			continue;
		*eq = '\0';
		json_object_set_new(o, kv, json_string(eq + 1));
	}
	return o;
}

static json_t *
secret_json(const sr_secret_meta *m, int64_t now)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(m->name));
	json_object_set_new(o, "created", jtime(m->created));
	json_object_set_new(o, "updated", jtime(m->updated));
	json_object_set_new(o, "expires", jtime(m->expires));
	json_object_set_new(o, "rotate_after_seconds", m->rotate_after ?
	    json_integer((json_int_t)m->rotate_after) : json_null());
	json_object_set_new(o, "labels", jlabels(m->labels));
	json_object_set_new(o, "expired", json_boolean(m->expires &&
	    m->expires <= now));
	json_object_set_new(o, "rotation_due", json_boolean(m->rotate_after &&
	    m->updated + m->rotate_after <= now));
	return o;
}

int
secret_ls_json(const vault_args *a, sr_err *err)
{
	vault_session s;
	sr_secret_meta m;
	json_t *doc = NULL, *arr;
	int64_t now = sr_time_now();
	size_t i;
	int rc = 0;

	if (vs_open(&s, a, VS_READ, err) != 0) {
		vs_close(&s);
		return -1;
	}
	doc = json_object();
	arr = json_array();
	json_object_set_new(doc, "vault", json_string(s.vault_path));
	for (i = 0; i < sr_vault_count(s.vault) && rc == 0; i++)
		if ((rc = sr_vault_meta_at(&m, s.vault, i, err)) == 0)
			json_array_append_new(arr, secret_json(&m, now));
	json_object_set_new(doc, "secrets", arr);
	if (rc == 0) {
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		printf("\n");
	}
	json_decref(doc);
	vs_close(&s);
	return rc;
}

int
secret_ls_names(const vault_args *a, sr_err *err)
{
	vault_session s;
	sr_secret_meta m;
	size_t i;
	int rc = 0;

	if (vs_open(&s, a, VS_READ, err) != 0) {
		vs_close(&s);
		return -1;
	}
	for (i = 0; i < sr_vault_count(s.vault) && rc == 0; i++)
		if ((rc = sr_vault_meta_at(&m, s.vault, i, err)) == 0)
			printf("%s\n", m.name);
	vs_close(&s);
	return rc;
}
