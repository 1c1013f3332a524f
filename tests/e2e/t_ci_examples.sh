#!/bin/sh
# The CI recipes in examples/, run for real on this machine: the
# GitLab job's script and the GitHub workflow's build steps (all but the
# install, which needs the network, and the actions), in a repository
# with a committed team vault and policy, a runner identity handed over
# as the CI secret, and a local "origin". The build step gets its grant
# and nothing more, the identity never shows, a policy changed in the
# checkout (as a pull request would) is not the one used, and the audit
# log is left for the artifact without the keys that seal it.
. "$SR_TESTS/e2e/lib.sh"

for tool in git make python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "t_ci_examples: no $tool: skipped"; exit 77; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "t_ci_examples: no python3-yaml: skipped"; exit 77; }
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
    GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$T/bin"
ln -s "$SCOPERUN" "$T/bin/scoperun"
export PATH="$T/bin:$PATH"
TOKEN="reg_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

# A developer: the team vault, the runner's identity, the policy.
sr init
git init -q -b main "$T/origin.work" && cd "$T/origin.work" || exit 1
mkdir -p ci/scoperun secrets
"$SCOPERUN" init --vault secrets/vault.sealed >/dev/null 2>&1
"$SCOPERUN" keygen -o "$T/ci.identity" >"$T/ci.recipient" 2>/dev/null
"$SCOPERUN" recipient add "$(cat "$T/ci.recipient")" \
    --vault secrets/vault.sealed 2>/dev/null || bad "recipient add"
printf %s "$TOKEN" | "$SCOPERUN" secret set ci/registry-publish \
    --vault secrets/vault.sealed 2>/dev/null
{ header ci-build
  printf '[env]\ninherit = ["HOME"]\nset = { PATH = "/usr/bin:/bin" }\n'
  printf '[secrets]\nREGISTRY_TOKEN = "ci/registry-publish"\n'
  printf '[exec]\nallow = ["make"]\n'; } >ci/scoperun/ci-build.toml
printf 'release:\n\t@echo "token length $${#REGISTRY_TOKEN}, extra=$${EXTRA:-none}"\n' \
    >Makefile
git add -A && git commit -qm "team vault, policy" || bad "commit"
git clone -q --bare . "$T/origin.git"
KEY=$(grep '^SCOPERUN-SECRET-1' "$T/ci.identity")
rm -f "$T/ci.identity"

# checkout NAME: the runner's clone; a pull request's change to the
# policy in it (an extra grant) must not be what the job uses
checkout() {
	git clone -q "$T/origin.git" "$T/$1" && cd "$T/$1" || exit 1
	sed -i '/^\[secrets\]/a EXTRA = "ci/registry-publish"' \
	    ci/scoperun/ci-build.toml
	grep -q '^EXTRA = ' ci/scoperun/ci-build.toml || bad "the extra grant"
	"$SCOPERUN" policy check "$PWD/ci/scoperun/ci-build.toml" \
	    >/dev/null 2>&1 || bad "the pull request's policy is a valid one"
}
# the runner is another user's machine: no HOME of the developer's
runner_home() {
	export HOME="$T/runner-$1" XDG_CONFIG_HOME="$T/runner-$1/.config" \
	    XDG_DATA_HOME="$T/runner-$1/.local/share" \
	    XDG_STATE_HOME="$T/runner-$1/.local/state" \
	    XDG_CACHE_HOME="$T/runner-$1/.cache"
	mkdir -p "$HOME"
}

# ---- GitLab: the build job's script and after_script --------------------
runner_home gitlab
checkout gitlab
python3 - "$SR_SOURCE/examples/gitlab-ci.yml" >"$T/gitlab.sh" <<'PY'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))["build"]
print("set -e")
print("\n".join(job["script"]))
print("set +e")
print("\n".join(job["after_script"]))
PY
CI_JOB_ID=4242 CI_PROJECT_DIR="$T/gitlab" CI_DEFAULT_BRANCH=main \
    SCOPERUN_IDENTITY_KEY="$KEY" sh "$T/gitlab.sh" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "GitLab: the build job"
expect_out "^token length ${#TOKEN}, extra=none\$" \
    "GitLab: the grant, and not the checkout's extra one"
for f in "$T/out" "$T/err"; do
	grep -qF "$TOKEN" "$f" && bad "GitLab: the token in the log" || ok
	grep -qF "$KEY" "$f" && bad "GitLab: the identity in the log" || ok
done
[ -e /tmp/scoperun-4242/identity ] && bad "GitLab: the identity removed" || ok
rm -rf /tmp/scoperun-4242
A="$T/gitlab/scoperun-audit"
[ -s "$A/audit.jsonl" ] && [ -s "$A/verifier.pub" ] && ok ||
    bad "GitLab: the log and its public key for the artifact"
grep -q '"agent":"ci-build"' "$A/audit.jsonl" && ok || bad "GitLab: the run recorded"
expect_out "records intact: chain ok" "GitLab: the log verified"
python3 - "$SR_SOURCE/examples/gitlab-ci.yml" <<'PY' && ok || bad "GitLab: the artifact leaves the keys out"
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))["build"]["artifacts"]
assert a["when"] == "always" and "scoperun-audit/" in a["paths"]
assert {"scoperun-audit/*.key0", "scoperun-audit/*.sign"} <= set(a["exclude"])
PY

# ---- GitHub: the build job's run steps, GITHUB_ENV carried over ----------
runner_home github
checkout github
mkdir -p "$T/runner-temp"
RUNNER_TEMP="$T/runner-temp" GITHUB_RUN_ID=77 SCOPERUN_IDENTITY_KEY="$KEY" \
python3 - "$SR_SOURCE/examples/github-actions.yml" >"$T/out" 2>"$T/err" <<'PY'
import os, re, subprocess, sys, yaml
job = yaml.safe_load(open(sys.argv[1]))["jobs"]["build"]
ctx = {"secrets.SCOPERUN_IDENTITY_KEY": os.environ["SCOPERUN_IDENTITY_KEY"],
       "github.event.repository.default_branch": "main",
       "runner.temp": os.environ["RUNNER_TEMP"]}
sub = lambda s: re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: ctx[m.group(1)], s)
genv = os.path.join(os.environ["RUNNER_TEMP"], "github_env")
open(genv, "w").close()
base = {k: v for k, v in os.environ.items() if k != "SCOPERUN_IDENTITY_KEY"}
failed = False
for step in job["steps"]:
    if "run" not in step or step.get("name") == "Install scoperun":
        continue
    if failed and "always()" not in str(step.get("if", "")):
        continue
    env = dict(base, GITHUB_ENV=genv)
    for line in open(genv):
        k, _, v = line.rstrip("\n").partition("=")
        env[k] = v
    env.update({k: sub(str(v)) for k, v in step.get("env", {}).items()})
    r = subprocess.run(["sh", "-e", "-c", sub(step["run"])], env=env)
    print("step %s: %d" % (step["name"], r.returncode), file=sys.stderr)
    failed |= r.returncode != 0
sys.exit(1 if failed else 0)
PY
rc=$?
expect_rc 0 "GitHub: the build job's steps"
expect_out "^token length ${#TOKEN}, extra=none\$" \
    "GitHub: the grant, and not the checkout's extra one"
for f in "$T/out" "$T/err"; do
	grep -qF "$TOKEN" "$f" && bad "GitHub: the token in the log" || ok
	grep -qF "$KEY" "$f" && bad "GitHub: the identity in the log" || ok
done
[ -e "$T/runner-temp/scoperun/identity" ] && bad "GitHub: the identity removed" || ok
expect_out "records intact: chain ok" "GitHub: the log verified"
[ -s "$T/runner-temp/scoperun/audit/verifier.pub" ] && ok ||
    bad "GitHub: the public key for the artifact"
python3 - "$SR_SOURCE/examples/github-actions.yml" <<'PY' && ok || bad "GitHub: the artifact"
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["build"]["steps"]
up = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")][0]
assert up["if"] == "always()"
assert "!${{ runner.temp }}/scoperun/audit/*.key0" in up["with"]["path"]
assert "!${{ runner.temp }}/scoperun/audit/*.sign" in up["with"]["path"]
PY

finish
