#!/usr/bin/env python3
"""Helpers for scripts/validate-ci.sh and scripts/e2e-platforms.sh (PyYAML only).

  ci_yaml.py gitlab-split FILE OUTDIR
      For a GitLab CI/CD component (a `spec:` header document, `---`, then the jobs document): check the
      inputs (every `$[[ inputs.x ]]` used is declared, every declared input is used, defaults fit their
      type / options / regex) and write OUTDIR/spec.json (the header alone), OUTDIR/rendered.json (the jobs
      document with every input interpolated with its default, as GitLab renders an `include: component:`
      that passes no inputs) and OUTDIR/rendered-alt.json (every boolean flipped, every input with options
      set to another option). GitLab validates the rendered configuration, not the `$[[ ]]` text, so these
      are what the caller validates against GitLab's schema. `$[[ component.x ]]` (GitLab 18.6+): every field
      used is declared in spec:component and vice versa, and each stands inside a longer string (version is null
      for an include by SHA or branch, so a value that is only the expression would be null); rendered.json has
      a released version, rendered-alt.json the null of an include by SHA.
  ci_yaml.py snippets FILE OUTDIR
      Extract every shell snippet (GitLab `before_script`/`script`/`after_script`; GitHub workflow and
      composite-action `run:`) into OUTDIR/NN-<name>.sh with a shebang for its shell and the job's declared
      variables exported, so shellcheck sees them as defined. GitHub `${{ ... }}` expressions become a
      placeholder word. Prints one line per snippet: `path<TAB>shell<TAB>where`.
  ci_yaml.py job-script FILE JOB [--render] [--input NAME=VALUE]... [--component FIELD=VALUE]...
      Print the `script:` of JOB (joined as the runner joins it) — used to compare the component's and the
      classic template's scripts. With --runner, print it as a POSIX sh script that runs each entry the
      way GitLab Runner does (echo `$ command`, stop at the first failing entry).
  ci_yaml.py job-variables FILE JOB [--input NAME=VALUE]... [--component FIELD=VALUE]... [--set NAME=VALUE]...
      Print `NAME=VALUE` entries (NUL-separated) of the global and job variables, component inputs rendered
      (given --input values, else defaults; component context from --component, else null as for an include
      by SHA) and `$VAR`/`${VAR}` expanded from the environment as the runner
      expands them.
  ci_yaml.py action-env ACTION_YML [NAME=VALUE]...
      Print `INPUT_<NAME>=VALUE` entries (NUL-separated) as the Actions runner sets them for a container
      action: every declared input, given value or default (`${{ github.token }}` → $GITHUB_TOKEN, any
      `${{ github.NAME }}` → $GITHUB_NAME).
  ci_yaml.py action-check ACTION_YML ENTRYPOINT
      Check that every input the entrypoint reads is declared in action.yml and vice versa, and that the
      outputs are the ones imagebump writes to $GITHUB_OUTPUT.
"""
from __future__ import annotations

import json
import os
import re
import sys

import yaml

INTERP = re.compile(r"\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]")
COMPONENT_INTERP = re.compile(r"\$\[\[\s*component\.([A-Za-z0-9_-]+)\s*\]\]")
COMPONENT_FIELDS = {"name", "sha", "version", "reference"}  # spec:component's values (GitLab 18.6+)
GHA_EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)
GITLAB_RESERVED = {
    "default", "include", "stages", "variables", "workflow", "spec", "image", "services", "cache",
    "before_script", "after_script",
}


def die(msg: str) -> None:
    print(f"ci_yaml: {msg}", file=sys.stderr)
    sys.exit(1)


def load_docs(path: str) -> list:
    with open(path, encoding="utf-8") as fh:
        return [d for d in yaml.safe_load_all(fh)]


def split_component(path: str):
    docs = load_docs(path)
    if len(docs) == 2 and isinstance(docs[0], dict) and set(docs[0]) == {"spec"}:
        return docs[0], docs[1]
    if len(docs) == 1:
        return None, docs[0]
    die(f"{path}: expected one document, or a `spec:` header and a jobs document; found {len(docs)}")


def walk_strings(node, fn):
    """Return a copy of node with fn applied to every string (keys included)."""
    if isinstance(node, dict):
        return {walk_strings(k, fn): walk_strings(v, fn) for k, v in node.items()}
    if isinstance(node, list):
        return [walk_strings(v, fn) for v in node]
    if isinstance(node, str):
        return fn(node)
    return node


def used_inputs(node, pattern=INTERP) -> set[str]:
    found: set[str] = set()

    def collect(s: str) -> str:
        found.update(pattern.findall(s))
        return s

    walk_strings(node, collect)
    return found


def whole_component_values(node) -> list[str]:
    """Strings that are nothing but one `$[[ component.x ]]` (null when the field is)."""
    found: list[str] = []

    def collect(s: str) -> str:
        if COMPONENT_INTERP.fullmatch(s.strip()):
            found.append(s)
        return s

    walk_strings(node, collect)
    return found


def _input_value(name: str, decl: dict | None):
    decl = decl or {}
    if "default" in decl and decl["default"] is not None:
        return decl["default"]
    typ = decl.get("type", "string")
    return {"string": f"sample-{name}", "number": 1, "boolean": False, "array": []}[typ]


def render(jobs, inputs: dict, given: dict | None = None, component: dict | None = None):
    """Interpolate as GitLab does: a string that is one expression takes its value's type; inside a longer string
    a value is text (a null component field is empty). component: the context, unset fields null."""
    given = given or {}
    component = component or {}

    def input_value(name, decl):  # noqa: F811 - given values take precedence over defaults
        if name in given:
            return given[name]
        return _input_value(name, decl)

    def fn(s: str):
        m = INTERP.fullmatch(s.strip())
        if m:
            return input_value(m.group(1), inputs.get(m.group(1)))
        m = COMPONENT_INTERP.fullmatch(s.strip())
        if m:
            return component.get(m.group(1))

        def text(mm):
            v = input_value(mm.group(1), inputs.get(mm.group(1)))
            if isinstance(v, bool):
                return "true" if v else "false"
            return str(v)

        s = INTERP.sub(text, s)
        return COMPONENT_INTERP.sub(lambda mm: str(component.get(mm.group(1)) or ""), s)

    return walk_strings(jobs, fn)


def check_inputs(path: str, spec: dict, jobs) -> list[str]:
    errors: list[str] = []
    inputs = (spec.get("spec") or {}).get("inputs") or {}
    used = used_inputs(jobs)
    for name in sorted(used - set(inputs)):
        errors.append(f"{path}: $[[ inputs.{name} ]] is used but not declared in spec:inputs")
    for name in sorted(set(inputs) - used):
        errors.append(f"{path}: input '{name}' is declared but never used")
    types = {"string": str, "number": (int, float), "boolean": bool, "array": list}
    for name, decl in inputs.items():
        decl = decl or {}
        typ = decl.get("type", "string")
        if typ not in types:
            errors.append(f"{path}: input '{name}': unknown type {typ!r}")
            continue
        if "description" not in decl:
            errors.append(f"{path}: input '{name}' has no description")
        if "default" in decl and decl["default"] is not None:
            d = decl["default"]
            if typ == "number" and isinstance(d, bool) or not isinstance(d, types[typ]):
                errors.append(f"{path}: input '{name}': default {d!r} is not a {typ}")
            if "options" in decl and d not in decl["options"]:
                errors.append(f"{path}: input '{name}': default {d!r} not among options {decl['options']}")
            if "regex" in decl and isinstance(d, str) and not re.search(decl["regex"], d):
                errors.append(f"{path}: input '{name}': default {d!r} does not match regex {decl['regex']}")
        if "options" in decl and typ == "boolean":
            errors.append(f"{path}: input '{name}': options are not allowed on a boolean input")
    declared = (spec.get("spec") or {}).get("component") or []
    for field in sorted(set(declared) - COMPONENT_FIELDS):
        errors.append(f"{path}: spec:component: unknown field {field!r} (GitLab knows {sorted(COMPONENT_FIELDS)})")
    used = used_inputs(jobs, COMPONENT_INTERP)
    for field in sorted(used - set(declared)):
        errors.append(f"{path}: $[[ component.{field} ]] is used but not declared in spec:component")
    for field in sorted(set(declared) - used):
        errors.append(f"{path}: spec:component field '{field}' is declared but never used")
    for s in whole_component_values(jobs):
        errors.append(f"{path}: {s!r} is only a component field, null for an include by SHA or branch: "
                      "use it inside a longer string")
    return errors


def cmd_gitlab_split(path: str, outdir: str) -> None:
    spec, jobs = split_component(path)
    os.makedirs(outdir, exist_ok=True)
    if spec is None:
        die(f"{path}: no spec: header (not a component)")
    errors = check_inputs(path, spec, jobs)
    inputs = spec["spec"].get("inputs") or {}
    # A catalog release (every declared field set), and an include by SHA (version null).
    released = {"name": "imagebump", "sha": "0" * 40, "version": "1.2.3", "reference": "1.2.3"}
    by_sha = {"name": "imagebump", "sha": "0" * 40, "version": None, "reference": "0" * 40}
    rendered = render(jobs, inputs, None, released)
    alt = {}
    for name, decl in inputs.items():
        decl = decl or {}
        if decl.get("type") == "boolean":
            alt[name] = not decl.get("default", False)
        elif decl.get("options"):
            others = [o for o in decl["options"] if o != decl.get("default")]
            if others:
                alt[name] = others[-1]
    rendered_alt = render(jobs, inputs, alt, by_sha)
    leftover = used_inputs(rendered) | used_inputs(rendered_alt)
    leftover |= used_inputs(rendered, COMPONENT_INTERP) | used_inputs(rendered_alt, COMPONENT_INTERP)
    if leftover:
        errors.append(f"{path}: inputs left after rendering: {sorted(leftover)}")
    for name, data in (("spec", spec), ("rendered", rendered), ("rendered-alt", rendered_alt)):
        with open(os.path.join(outdir, f"{name}.json"), "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    print(f"{path}: {len(inputs)} inputs declared and used; rendered with defaults and with {alt}")


def shell_for(platform: str, declared: str | None) -> str:
    if platform == "gitlab":
        return "sh"
    shell = (declared or "bash").split()[0]
    return {"bash": "bash", "sh": "sh"}.get(shell, shell)


def flatten(lines) -> list[str]:
    out: list[str] = []
    for item in lines if isinstance(lines, list) else [lines]:
        if isinstance(item, list):
            out.extend(flatten(item))
        elif item is not None:
            out.append(str(item))
    return out


def gitlab_job_script(job: dict, key: str = "script") -> str:
    return "\n".join(flatten(job.get(key) or []))


def snippets_of(path: str):
    """Yield (shell, where, text, variable names)."""
    spec, doc = split_component(path)
    if spec is not None:
        doc = render(doc, spec["spec"].get("inputs") or {})
    if not isinstance(doc, dict):
        return
    if "runs" in doc:  # GitHub action metadata
        runs = doc["runs"] or {}
        for i, step in enumerate(runs.get("steps") or []):
            if "run" in step:
                yield shell_for("github", step.get("shell")), f"runs.steps[{i}]", step["run"], list(step.get("env") or {})
        return
    if isinstance(doc.get("jobs"), dict) and ("on" in doc or True in doc):  # GitHub workflow
        wf_env = list(doc.get("env") or {})
        defaults = ((doc.get("defaults") or {}).get("run") or {}).get("shell")
        for jname, job in doc["jobs"].items():
            job_env = list((job or {}).get("env") or {})
            jdefault = (((job or {}).get("defaults") or {}).get("run") or {}).get("shell") or defaults
            for i, step in enumerate((job or {}).get("steps") or []):
                if "run" in step:
                    names = wf_env + job_env + list(step.get("env") or {})
                    yield shell_for("github", step.get("shell") or jdefault), f"jobs.{jname}.steps[{i}]", step["run"], names
        return
    global_vars = list(doc.get("variables") or {})
    for jname, job in doc.items():
        if jname in GITLAB_RESERVED and jname != "default" or not isinstance(job, dict):
            continue
        names = global_vars + list(job.get("variables") or {})
        for key in ("before_script", "script", "after_script"):
            if key in job:
                yield "sh", f"{jname}.{key}", gitlab_job_script(job, key), names
    for key in ("before_script", "after_script"):
        if key in doc:
            yield "sh", key, gitlab_job_script(doc, key), global_vars


def cmd_snippets(path: str, outdir: str) -> None:
    os.makedirs(outdir, exist_ok=True)
    base = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")
    for n, (shell, where, text, names) in enumerate(snippets_of(path)):
        text = GHA_EXPR.sub("GHA_EXPR", text)
        valid = sorted({v for v in names if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(v))})
        pre = [f"#!/bin/{shell}" if shell in ("sh", "bash") else f"#!/usr/bin/env {shell}",
               f"# extracted from {path}: {where}"]
        if valid:
            pre.append("export " + " ".join(valid))
        out = os.path.join(outdir, f"{base}-{n:02d}.sh")
        with open(out, "w", encoding="utf-8") as fh:
            fh.write("\n".join(pre) + "\n" + text + ("" if text.endswith("\n") else "\n"))
        print(f"{out}\t{shell}\t{path}: {where} (snippet line = file line - {len(pre)})")


def parse_inputs(args: list[str], flag: str = "--input") -> dict:
    given = {}
    for i, a in enumerate(args):
        if a == flag and i + 1 < len(args):
            k, _, v = args[i + 1].partition("=")
            given[k] = {"true": True, "false": False}.get(v, v) if flag == "--input" else v
    return given


def find_job(path: str, job: str, do_render: bool, args: list[str]):
    spec, doc = split_component(path)
    if do_render and spec is not None:
        given, component = parse_inputs(args), parse_inputs(args, "--component")
        doc = render(doc, spec["spec"].get("inputs") or {}, given, component)
        job = render(job, spec["spec"].get("inputs") or {}, given, component)
    if job not in doc:
        die(f"{path}: no job {job!r} (jobs: {', '.join(k for k in doc if isinstance(doc[k], dict))})")
    return doc, doc[job]


def sh_quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


def cmd_job_script(path: str, job: str, args: list[str]) -> None:
    _, j = find_job(path, job, "--render" in args or "--runner" in args, args)
    if "--runner" not in args:
        sys.stdout.write(gitlab_job_script(j) + "\n")
        return
    out = ["set -e"]
    for entry in flatten(j.get("script") or []):
        first = entry.splitlines()[0] if entry else ""
        shown = first + (" # collapsed multi-line command" if "\n" in entry.rstrip("\n") else "")
        out.append(f"printf '\\033[32;1m$ %s\\033[0;m\\n' {sh_quote(shown)}")
        out.append(entry.rstrip("\n"))
    sys.stdout.write("\n".join(out) + "\n")


# $$ is a literal $ (GitLab's escape), else $NAME / ${NAME}
VAR_REF = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\$))")


def cmd_job_variables(path: str, job: str, args: list[str]) -> None:
    doc, j = find_job(path, job, True, args)
    merged = dict(doc.get("variables") or {})
    merged.update(j.get("variables") or {})
    for i, a in enumerate(args):  # --set NAME=VALUE: an extending job's `variables:` (they merge over these)
        if a == "--set" and i + 1 < len(args):
            k, _, v = args[i + 1].partition("=")
            merged[k] = v
    env = dict(os.environ)
    for k, v in merged.items():
        expand = True
        if isinstance(v, dict):
            expand = v.get("expand", True) is not False  # `expand: false`: the value as written
            v = v.get("value", "")
        if isinstance(v, bool):
            v = "true" if v else "false"
        v = "" if v is None else str(v)
        if expand:
            v = VAR_REF.sub(lambda m: "$" if m.group(3) else env.get(m.group(1) or m.group(2), ""), v)
        env[k] = v
        sys.stdout.write(f"{k}={v}\0")


def cmd_action_env(action_yml: str, pairs: list[str]) -> None:
    (doc,) = load_docs(action_yml)
    given = dict(p.split("=", 1) for p in pairs)
    for name, decl in (doc.get("inputs") or {}).items():
        if name in given:
            value = given.pop(name)
        else:
            value = str((decl or {}).get("default", ""))
            # `${{ github.NAME }}` as the runner fills it: github.token → $GITHUB_TOKEN, github.server_url → $GITHUB_SERVER_URL
            value = re.sub(r"\$\{\{\s*github\.([a-z_]+)\s*\}\}", lambda m: os.environ.get("GITHUB_" + m.group(1).upper(), ""), value)
        sys.stdout.write(f"INPUT_{name.upper().replace(' ', '_')}={value}\0")
    if given:
        die(f"{action_yml}: no such inputs: {', '.join(sorted(given))}")


ACTION_OUTPUTS = {"changed", "commit", "branch", "pr-url", "pr-number", "status", "error", "digests", "verified"}


def cmd_action_check(action_yml: str, entrypoint: str) -> None:
    (doc,) = load_docs(action_yml)
    declared = set((doc.get("inputs") or {}).keys())
    with open(entrypoint, encoding="utf-8") as fh:
        text = "\n".join(l for l in fh.read().splitlines() if not l.lstrip().startswith("#"))
    read = set(re.findall(r"\b(?:input|list|truthy) ([a-z][a-z0-9-]*)", text))
    errors = [f"{entrypoint} reads input '{n}' that {action_yml} does not declare" for n in sorted(read - declared)]
    errors += [f"{action_yml} declares input '{n}' that {entrypoint} never reads" for n in sorted(declared - read)]
    outputs = set((doc.get("outputs") or {}).keys())
    if outputs != ACTION_OUTPUTS:
        errors.append(f"{action_yml}: outputs {sorted(outputs)} != {sorted(ACTION_OUTPUTS)}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    print(f"{action_yml}: {len(declared)} inputs all read by {entrypoint}; outputs {sorted(outputs)}")


def main(argv: list[str]) -> None:
    if len(argv) >= 3 and argv[0] == "gitlab-split":
        cmd_gitlab_split(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "snippets":
        cmd_snippets(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "job-script":
        cmd_job_script(argv[1], argv[2], argv[3:])
    elif len(argv) >= 2 and argv[0] == "action-env":
        cmd_action_env(argv[1], argv[2:])
    elif len(argv) >= 3 and argv[0] == "action-check":
        cmd_action_check(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "job-variables":
        cmd_job_variables(argv[1], argv[2], argv[3:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)


if __name__ == "__main__":
    main(sys.argv[1:])
