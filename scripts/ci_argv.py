#!/usr/bin/env python3
"""Every `imagebump` command line the CI integrations build, recorded by running them.

Runs the GitLab component's and the classic template's job script (rendered and run as GitLab Runner runs it,
with the job variables expanded: scripts/ci_yaml.py) and the GitHub Action's entrypoint (INPUT_* as the Actions
runner sets them), with IMAGEBUMP_BIN pointing at a recorder instead of imagebump, for each source × mode ×
dry-run × token set/unset × scope (files and environment given, files only, neither). Every other input is
given a value, so a test can check that each one reaches imagebump in every mode, with and without an
environment. Prints one JSON line per run:
  {"source": "gitlab-component", "mode": "push", "dry_run": false, "token": true, "scope": "env", "exit": 0,
   "argv": [...] or null}
(argv null: the template refused that combination before running imagebump). Then, for mode update, one run per
source and policy input of POLICIES ("policy": its name, scope env, no dry-run, token set; semver not given). The modes tried are a superset of
every documented mode, so whatever a template accepts is covered. Used by the in-process routing test
(Tests/CLITests/CommandModelTests.swift). Needs PyYAML.
"""
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ci_yaml  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = ["push", "merge-request", "pull-request", "dry-run", "check", "none", "promote", "update"]
# mode update's policy inputs, one at a time beside the matrix (two policies are a usage error): name → value;
# semver (with tag_regex and tag_extract) is given in every run of the matrix
POLICIES = {"numerical": "asc", "alphabetical": "desc", "digest": "true"}
# env: files and environment given; files: no environment; none: neither (the templates refuse that)
SCOPES = {"env": ("apps", "production"), "files": ("apps", ""), "none": ("", "")}


def captured(fn, *args) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fn(*args)
    return out.getvalue()


def run(cmd, env, cwd, argv_file):
    rc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    argv = None
    if os.path.exists(argv_file):
        with open(argv_file, "rb") as fh:
            argv = fh.read().decode().split("\0")[:-1]
        os.remove(argv_file)
    return rc, argv


def main() -> None:
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as work:
        recorder, argv_file = os.path.join(work, "record"), os.path.join(work, "argv")
        with open(recorder, "w") as fh:
            fh.write(f"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done >'{argv_file}'\n")
        os.chmod(recorder, 0o755)
        project, workspace = os.path.join(work, "project"), os.path.join(work, "workspace")
        os.makedirs(project)
        os.makedirs(workspace)
        base = {"PATH": os.environ["PATH"], "HOME": work, "CI": "true", "IMAGEBUMP_BIN": recorder}
        gitlab = {**base, "GITLAB_CI": "true", "CI_COMMIT_SHA": "0123456789abcdef0123456789abcdef01234567",
                  "CI_REGISTRY_IMAGE": "registry.example.test/acme/app", "CI_PROJECT_DIR": project,
                  "IMAGEBUMP_SIGNING_KEY": "-----BEGIN PGP PRIVATE KEY BLOCK-----\nsk\n-----END PGP PRIVATE KEY BLOCK-----\n"}
        sources = {
            "gitlab-component": ("ci-templates/templates/imagebump/template.yml", "$[[ inputs.job_name ]]",
                                 lambda m, d, f, e, p=None: ["--input", "repo=https://gitlab.example.test/acme/config.git",
                                                     "--input", f"files={f}", "--input", f"mode={m}", "--input", f"dry_run={d}",
                                                     "--input", "labels=a,b", "--input", "auto_merge=true",
                                                     "--input", "branch=release", "--input", "message=msg {images}",
                                                     "--input", f"environment={e}", "--input", "promote_from=staging",
                                                     "--input", "verify=true", "--input", "pin_digest=true",
                                                     "--input", "signing_key_variable=IMAGEBUMP_SIGNING_KEY",
                                                     "--input", "signing_format=openpgp"]
                                 + ([] if p and p[0] == "digest" else ["--input", "tag_regex=^main-(?P<v>.+)$", "--input", "tag_extract=$v"])
                                 + (["--input", f"{p[0]}={p[1]}"] if p else ["--input", "semver=^1.2"])),
            "gitlab-classic": ("ci-templates/imagebump.gitlab-ci.yml", ".imagebump",
                               lambda m, d, f, e, p=None: ["--set", "IMAGEBUMP_REPO=https://gitlab.example.test/acme/config.git",
                                                   "--set", f"IMAGEBUMP_FILES={f}", "--set", f"IMAGEBUMP_MODE={m}",
                                                   "--set", f"IMAGEBUMP_DRY_RUN={d}", "--set", "IMAGEBUMP_LABELS=a,b",
                                                   "--set", "IMAGEBUMP_AUTO_MERGE=true", "--set", "IMAGEBUMP_TARGET_BRANCH=release",
                                                   "--set", "IMAGEBUMP_MESSAGE=msg {images}",
                                                   "--set", f"IMAGEBUMP_ENVIRONMENT={e}", "--set", "IMAGEBUMP_PROMOTE_FROM=staging",
                                                   "--set", "IMAGEBUMP_VERIFY=true", "--set", "IMAGEBUMP_PIN_DIGEST=true",
                                                   "--set", "IMAGEBUMP_SIGNING_KEY_VAR=IMAGEBUMP_SIGNING_KEY",
                                                   "--set", "IMAGEBUMP_SIGNING_FORMAT=openpgp"]
                               # an extending job's variable is expanded: $$ is a literal $
                               + ([] if p and p[0] == "digest" else ["--set", "IMAGEBUMP_TAG_REGEX=^main-(?P<v>.+)$$", "--set", "IMAGEBUMP_TAG_EXTRACT=$$v"])
                               + (["--set", f"IMAGEBUMP_{p[0].upper()}={p[1]}"] if p else ["--set", "IMAGEBUMP_SEMVER=^1.2"])),
        }
        def gitlab_run(source, path, job, script, mode, dry, token, scope, policy=None):
            files, environment = SCOPES[scope]
            env = {**gitlab, **({"IMAGEBUMP_TOKEN": "x"} if token else {})}
            saved = dict(os.environ)
            os.environ.clear()
            os.environ.update(env)  # job-variables expands $VARS from the environment
            try:
                pairs = captured(ci_yaml.cmd_job_variables, path, job, sources[source][2](mode, dry, files, environment, policy))
            finally:
                os.environ.clear()
                os.environ.update(saved)
            env.update(p.split("=", 1) for p in pairs.split("\0") if p)
            rc, argv = run(["sh", script], env, project, argv_file)
            print(json.dumps({"source": source, "mode": mode, "dry_run": dry == "true", "token": token,
                              "scope": scope, "exit": rc, "argv": argv, **({"policy": policy[0]} if policy else {})}))

        for source, (path, job, render) in sources.items():
            script = os.path.join(work, "script.sh")
            with open(script, "w") as fh:
                fh.write(captured(ci_yaml.cmd_job_script, path, job, ["--runner"]))
            for mode in MODES:
                for dry in ("false", "true"):
                    for token in (True, False):
                        for scope in SCOPES:
                            gitlab_run(source, path, job, script, mode, dry, token, scope)
            for policy in POLICIES.items():
                gitlab_run(source, path, job, script, "update", "false", True, "env", policy)
        github = {**base, "GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.example.test",
                  "GITHUB_WORKSPACE": workspace}
        def github_run(source, repository, mode, dry, token, scope, policy=None):
                            files, environment = SCOPES[scope]
                            # mode update takes image names, set image specs
                            image = "ghcr.io/acme/app" if mode == "update" else "ghcr.io/acme/app:1.2.3"
                            policies = [f"{policy[0]}={policy[1]}"] if policy else ["semver=^1.2"]
                            given = [f"images={image}", f"files={files}", f"repository={repository}",
                                     f"mode={mode}", f"dry-run={dry}", "labels=a,b", "reviewers=r", "assignees=s",
                                     "draft=true", "auto-merge=true", "title=t", "push-branch=bot", "author=A <a@b.c>",
                                     "branch=release", "commit-message=msg {images}",
                                     f"environment={environment}", "promote-from=staging", f"token={'x' if token else ''}",
                                     "source-repository=https://github.example.test/acme/app.git", "source-token=st",
                                     "verify=true", "pin-digest=true",
                                     "signing-key=-----BEGIN PGP PRIVATE KEY BLOCK-----\nsk\n-----END PGP PRIVATE KEY BLOCK-----",
                                     "signing-format=openpgp"] + policies
                            if not (policy and policy[0] == "digest"):
                                given += ["tag-regex=^main-(?P<v>.+)$", "tag-extract=$v"]
                            inputs = captured(ci_yaml.cmd_action_env, "action/action.yml", given)
                            env = {**github, **dict(p.split("=", 1) for p in inputs.split("\0") if p)}
                            rc, argv = run(["bash", os.path.join(ROOT, "action/entrypoint.sh")], env, workspace, argv_file)
                            print(json.dumps({"source": source, "mode": mode, "dry_run": dry == "true", "token": token,
                                              "scope": scope, "exit": rc, "argv": argv, **({"policy": policy[0]} if policy else {})}))

        for repository in ("", "acme/config"):
            source = "github-action" + ("-repository" if repository else "")
            for mode in MODES:
                for dry in ("false", "true"):
                    for token in (True, False):
                        for scope in SCOPES:
                            github_run(source, repository, mode, dry, token, scope)
            for policy in POLICIES.items():
                github_run(source, repository, "update", "false", True, "env", policy)

if __name__ == "__main__":
    main()
