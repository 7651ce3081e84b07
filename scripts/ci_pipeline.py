#!/usr/bin/env python3
"""What an example pipeline asks of imagebump, read from the file itself (for scripts/e2e-platforms.sh; PyYAML only).

  ci_pipeline.py gitlab-includes FILE
      One line per `include: - component: …/imagebump@…` entry, in file order: its job_name input.
  ci_pipeline.py gitlab-inputs FILE JOB_NAME
      The inputs of the include whose job_name is JOB_NAME, as `--input NAME=VALUE` words (NUL-separated), the
      way scripts/ci_yaml.py job-variables takes them.
  ci_pipeline.py github-steps FILE [--context KEY=VALUE]...
      One line per run of a step that `uses: imagebump/imagebump/action@…`, in job order (a matrix job once per
      matrix value, in order): `JOB<TAB>INDEX`.
  ci_pipeline.py github-inputs FILE JOB INDEX [--context KEY=VALUE]...
      That run's `with:` inputs as `NAME=VALUE` words (NUL-separated), every `${{ … }}` evaluated: `matrix.X`,
      `env.X` (the workflow's and the job's env), and any KEY given with --context (`needs.build.outputs.tag`,
      `secrets.GITOPS_TOKEN`, `github.sha`). An expression it cannot evaluate is an error, never left in.
  ci_pipeline.py github-run FILE JOB
      The job's `run:` steps as written, one shell script (set -e, as the runner's `bash -e`).
  ci_pipeline.py github-run-env FILE JOB [--context KEY=VALUE]...
      The `env:` of the workflow, the job and those steps as `NAME=VALUE` words (NUL-separated), evaluated so.
"""
from __future__ import annotations

import itertools
import re
import sys

import yaml

EXPR = re.compile(r"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


def die(msg: str) -> None:
    print(f"ci_pipeline: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path: str):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def components(doc) -> list[dict]:
    inc = doc.get("include") or []
    return [i for i in (inc if isinstance(inc, list) else [inc])
            if isinstance(i, dict) and "/imagebump@" in str(i.get("component", ""))]


def cmd_gitlab_includes(path: str) -> None:
    for i in components(load(path)):
        print((i.get("inputs") or {}).get("job_name", "update-manifest"))


def cmd_gitlab_inputs(path: str, job: str) -> None:
    for i in components(load(path)):
        inputs = i.get("inputs") or {}
        if inputs.get("job_name", "update-manifest") == job:
            for k, v in inputs.items():
                sys.stdout.write(f"--input\0{k}={'true' if v is True else 'false' if v is False else v}\0")
            return
    die(f"{path}: no imagebump component include with job_name {job}")


def action_runs(doc) -> list[tuple[str, int, dict, dict, dict]]:
    """(job, index, matrix values, job env, step) for every run of an imagebump action step."""
    runs = []
    for name, job in (doc.get("jobs") or {}).items():
        matrix = ((job.get("strategy") or {}).get("matrix") or {})
        axes = [(k, v) for k, v in matrix.items() if isinstance(v, list)]
        combos = [dict(zip([k for k, _ in axes], c)) for c in itertools.product(*[v for _, v in axes])] or [{}]
        steps = [s for s in job.get("steps") or [] if str(s.get("uses", "")).startswith("imagebump/imagebump/action@")]
        for m in combos:
            for s in steps:
                runs.append((name, len([r for r in runs if r[0] == name]), m, job.get("env") or {}, s))
    return runs


def evaluate(text: str, scope: dict) -> str:
    def one(m):
        if m.group(1) not in scope:
            die(f"cannot evaluate ${{{{ {m.group(1)} }}}} (give it with --context)")
        return str(scope[m.group(1)])
    return EXPR.sub(one, text)


def context(argv: list[str]) -> dict:
    out = {}
    it = iter(argv)
    for a in it:
        if a != "--context":
            die(f"unexpected argument {a}")
        k, _, v = next(it).partition("=")
        out[k] = v
    return out


def cmd_github_steps(path: str) -> None:
    for job, index, _, _, _ in action_runs(load(path)):
        print(f"{job}\t{index}")


def cmd_github_inputs(path: str, job: str, index: str, argv: list[str]) -> None:
    doc = load(path)
    for name, i, matrix, job_env, step in action_runs(doc):
        if name == job and str(i) == index:
            scope = context(argv)
            scope.update({f"matrix.{k}": v for k, v in matrix.items()})
            for k, v in {**(doc.get("env") or {}), **job_env}.items():
                scope[f"env.{k}"] = evaluate(str(v), scope)
            for k, v in (step.get("with") or {}).items():
                sys.stdout.write(f"{k}={evaluate(str(v), scope)}\0")
            return
    die(f"{path}: no imagebump action run {job} #{index}")


def run_steps(doc, job: str) -> list[dict]:
    """The `run:` steps of a job, in order."""
    j = (doc.get("jobs") or {}).get(job)
    if j is None:
        die(f"no job {job}")
    return [s for s in j.get("steps") or [] if "run" in s]


def cmd_github_run(path: str, job: str) -> None:
    """The job's run: scripts as written, one after the other (the runner runs each with `bash -e`)."""
    sys.stdout.write("set -e\n" + "\n".join(str(s["run"]).rstrip("\n") for s in run_steps(load(path), job)) + "\n")


def cmd_github_run_env(path: str, job: str, argv: list[str]) -> None:
    """NAME=VALUE words (NUL-separated) for the env: of the workflow, the job and its run: steps, evaluated."""
    doc = load(path)
    scope = context(argv)
    j = doc["jobs"][job]
    for env in [doc.get("env") or {}, j.get("env") or {}] + [s.get("env") or {} for s in run_steps(doc, job)]:
        for k, v in env.items():
            sys.stdout.write(f"{k}={evaluate(str(v), scope)}\0")


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[0] == "gitlab-includes":
        cmd_gitlab_includes(argv[1])
    elif len(argv) == 3 and argv[0] == "gitlab-inputs":
        cmd_gitlab_inputs(argv[1], argv[2])
    elif len(argv) >= 2 and argv[0] == "github-steps":
        cmd_github_steps(argv[1])
    elif len(argv) >= 4 and argv[0] == "github-inputs":
        cmd_github_inputs(argv[1], argv[2], argv[3], argv[4:])
    elif len(argv) == 3 and argv[0] == "github-run":
        cmd_github_run(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "github-run-env":
        cmd_github_run_env(argv[1], argv[2], argv[3:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)


if __name__ == "__main__":
    main(sys.argv[1:])
