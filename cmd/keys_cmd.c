/*
 * keys_cmd.c - `scoperun init`, `keygen` and `recipient ls|add|rm`.
 *
 * init never overwrites: an identity that exists may be the only key to a
 * vault, so losing it would lose every secret in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "vault_session.h"
#include "secalloc.h"

#define EXAMPLE_POLICY \
	"# An example policy: edit it, or copy a template from scoperun's\n" \
	"# policies/ directory. `scoperun policy explain example` shows what\n" \
	"# it gives; `scoperun example -- env` runs under it.\n" \
	"[agent]\n" \
	"name = \"example\"\n" \
	"owner = \"you@example.com\"\n" \
	"purpose = \"try scoperun\"\n" \
	"expires = 2027-12-31T00:00:00Z\n\n" \
	"[env]\n" \
	"inherit = [\"PATH\", \"HOME\", \"TERM\", \"LANG\", \"LC_*\"]\n\n" \
	"# [secrets]\n" \
	"# API_TOKEN = \"example/token\"   # after: scoperun secret set " \
	"example/token\n\n" \
	"[exec]\n" \
	"allow = [\"env\", \"sh\"]\n"

static int
parent_dirs(const char *path, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	return sr_file_mkdirs(dir, err);
}

static int
write_example_policy(sr_err *err)
{
	char dir[SR_ERR_PATH_MAX], path[SR_ERR_PATH_MAX + 16];

	if (sr_path_get(dir, sizeof(dir), SR_PATH_POLICIES, NULL, err) != 0 ||
	    sr_file_mkdirs(dir, err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/example.toml", dir);
	if (access(path, F_OK) == 0)
		return 0;
	if (sr_file_write_new(path, EXAMPLE_POLICY, strlen(EXAMPLE_POLICY),
	    0600, err) != 0)
		return -1;
	printf("example policy: %s\n", cli_esc(path));
	return 0;
}

const char cli_usage_init[] =
    "usage: scoperun init [--vault FILE] [--identity FILE]\n"
    "create your identity (unless you have one), an empty vault for it and\n"
    "an example policy; never overwrites\n"
    "  --vault FILE       where the vault goes ($SCOPERUN_VAULT): a team\n"
    "                     vault to commit, secrets/vault.sealed\n"
    "  --identity FILE    where the identity goes ($SCOPERUN_IDENTITY)\n";

/* The identity init uses: the one at ipath when there is one (a new
 * vault for it, `init --vault FILE`), else a new one; *made says which. */
static int
init_identity(sr_identity **id, int *made, const char *ipath, sr_err *err)
{
	*made = access(ipath, F_OK) != 0;
	if (*made)
		return sr_identity_generate(id, err);
	return sr_identity_load(id, ipath, err);
}

static int
init(const vault_args *a, sr_err *err)
{
	char vpath[SR_ERR_PATH_MAX], ipath[SR_ERR_PATH_MAX];
	char text[SR_RECIPIENT_TEXT_MAX], *vtext = NULL;
	sr_identity *id = NULL;
	sr_vault *v = NULL;
	size_t len;
	int rc = -1, made;

	if (sr_path_get(vpath, sizeof(vpath), SR_PATH_VAULT, a->vault,
	    err) != 0 || sr_path_get(ipath, sizeof(ipath), SR_PATH_IDENTITY,
	    a->identity, err) != 0)
		return -1;
	if (access(vpath, F_OK) == 0)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "%s already "
		    "exists; init never overwrites", vpath);
	if (init_identity(&id, &made, ipath, err) != 0 ||
	    sr_vault_create(&v, id, err) != 0 ||
	    sr_vault_serialize(&vtext, &len, v, err) != 0 ||
	    parent_dirs(ipath, err) != 0 || parent_dirs(vpath, err) != 0 ||
	    (made && sr_identity_save(id, ipath, err) != 0) ||
	    sr_file_write_new(vpath, vtext, len, 0600, err) != 0 ||
	    write_example_policy(err) != 0)
		goto done;
	vs_pin_created(v, vpath);
	sr_recipient_format(text, id->pk);
	printf(made ? "identity: %s (keep it safe: it opens the vault)\n" :
	    "identity: %s (yours already; the new vault opens with it)\n",
	    cli_esc(ipath));
	printf("vault:    %s\n", cli_esc(vpath));
	printf("recipient: %s\n", text);
	rc = 0;
done:
	free(vtext);
	sr_vault_free(v);
	sr_identity_free(id);
	return rc;
}

int
cmd_init(int argc, char **argv)
{
	vault_args a;
	sr_err err = SR_ERR_INIT;

	if (vault_args_parse(&a, argc, argv, "init") != 0 || a.npos != 0) {
		if (a.npos)
			cli_usage_error("init", cli_usage_init);
		return SR_EXIT_USAGE;
	}
	if (init(&a, &err) != 0) {
		cli_error("init", &err);
		return SR_EXIT_USAGE;
	}
	return SR_EXIT_OK;
}

const char cli_usage_keygen[] =
    "usage: scoperun keygen [-o FILE]\n"
    "a new identity: written to FILE (mode 0600) with its recipient on\n"
    "stdout, or itself on stdout with the recipient on stderr\n"
    "  -o FILE            write the identity to FILE\n";

int
cmd_keygen(int argc, char **argv)
{
	vault_args a;
	sr_err err = SR_ERR_INIT;
	sr_identity *id = NULL;
	char text[SR_RECIPIENT_TEXT_MAX], *idtext = NULL;
	size_t len;
	int rc = SR_EXIT_USAGE;

	if (vault_args_parse(&a, argc, argv, "keygen") != 0 || a.npos != 0) {
		if (a.npos)
			cli_usage_error("keygen", cli_usage_keygen);
		return SR_EXIT_USAGE;
	}
	if (sr_identity_generate(&id, &err) != 0)
		goto done;
	sr_recipient_format(text, id->pk);
	if (a.output != NULL) {
		if (parent_dirs(a.output, &err) != 0 ||
		    sr_identity_save(id, a.output, &err) != 0)
			goto done;
		printf("%s\n", text);
	} else {
		if (sr_identity_text(&idtext, &len, id, &err) != 0)
			goto done;
		fwrite(idtext, 1, len, stdout);
		fprintf(stderr, "recipient: %s\n", text);
	}
	rc = SR_EXIT_OK;
done:
	if (idtext)
		sr_secure_free(idtext);
	sr_identity_free(id);
	if (rc != SR_EXIT_OK)
		cli_error("keygen", &err);
	return rc;
}

static int
recipient_ls(const vault_args *a, sr_err *err)
{
	vault_session s;
	char text[SR_RECIPIENT_TEXT_MAX];
	size_t i;

	/* with a recipient's identity the list is checked (the header MAC,
	 * at unlock); without one it is the file's word, and said so */
	if (vs_open(&s, a, VS_READ | VS_TRY_UNLOCK, err) != 0) {
		vs_close(&s);
		return -1;
	}
	for (i = 0; i < sr_vault_recipient_count(s.vault); i++) {
		sr_recipient_format(text, sr_vault_recipient_at(s.vault, i));
		printf("%s\n", text);
	}
	if (sr_vault_epochs(s.vault) == 0)
		fprintf(stderr, "scoperun: recipient: list not verified: %s is "
		    "not a recipient's identity (or there is none)\n",
		    cli_esc(s.identity_path));
	else if (sr_vault_version(s.vault) == 1)
		fprintf(stderr, "scoperun: recipient: list not verified: format "
		    "1 cannot (`scoperun vault upgrade`)\n");
	else
		vs_pin_seen(&s);
	vs_close(&s);
	return 0;
}

/* Your own recipient, from your identity. */
static int
recipient_self(const vault_args *a, sr_err *err)
{
	char path[SR_ERR_PATH_MAX], text[SR_RECIPIENT_TEXT_MAX];
	sr_identity *id = NULL;

	if (vs_identity_load(&id, a, path, sizeof(path), err) != 0)
		return -1;
	sr_recipient_format(text, id->pk);
	sr_identity_free(id);
	printf("%s\n", text);
	return 0;
}

static int
recipient_change(const vault_args *a, int add, sr_err *err)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	vault_session s;
	int rc = -1;

	if (sr_recipient_parse(pk, a->pos[1], err) != 0)
		return -1;
	if (vs_open(&s, a, VS_WRITE | VS_UNLOCK, err) == 0 &&
	    (add ? sr_vault_recipient_add(s.vault, pk, err) :
	    sr_vault_recipient_remove(s.vault, pk, err)) == 0 &&
	    vs_commit(&s, err) == 0 &&
	    vs_record(add ? "recipient.add" : "recipient.rm", NULL,
	    a->pos[1], err) == 0)
		rc = 0;
	vs_close(&s);
	if (rc == 0 && !add)
		fprintf(stderr, "removed; it cannot read secrets set from now "
		    "on, but it could read the others: rotate them\n");
	return rc;
}

const char cli_usage_recipient[] =
    "usage: scoperun recipient ls | add RECIPIENT | rm RECIPIENT | self\n"
    "who can open the vault: add a teammate's or a CI runner's recipient\n"
    "(`scoperun keygen` prints one); rm, then rotate what it could read;\n"
    "self prints your own recipient, for a teammate to add\n"
    "  --vault FILE       the sealed vault ($SCOPERUN_VAULT)\n"
    "  --identity FILE    the identity that opens it ($SCOPERUN_IDENTITY)\n";

int
cmd_recipient(int argc, char **argv)
{
	vault_args a;
	sr_err err = SR_ERR_INIT;
	const char *sub;
	int rc;

	if (vault_args_parse(&a, argc, argv, "recipient") != 0)
		return SR_EXIT_USAGE;
	sub = a.npos > 0 ? a.pos[0] : "";
	if (strcmp(sub, "ls") == 0 && a.npos == 1)
		rc = recipient_ls(&a, &err);
	else if (strcmp(sub, "self") == 0 && a.npos == 1)
		rc = recipient_self(&a, &err);
	else if ((strcmp(sub, "add") == 0 || strcmp(sub, "rm") == 0) &&
	    a.npos == 2)
		rc = recipient_change(&a, strcmp(sub, "add") == 0, &err);
	else {
		cli_usage_error("recipient", cli_usage_recipient);
		return SR_EXIT_USAGE;
	}
	if (rc != 0) {
		cli_error("recipient", &err);
		return SR_EXIT_USAGE;
	}
	return SR_EXIT_OK;
}
