#!/usr/bin/env python3
"""docs/reference.md from the command tree itself: `imagebump --experimental-dump-help` (swift-argument-parser's
JSON description of every command, option, default and help text), so the options are written once, in the code.

    scripts/gen_reference.py [--imagebump BIN]            rewrite docs/reference.md
    scripts/gen_reference.py --check [--imagebump BIN]    exit 1 (and say so) when docs/reference.md differs

A repeatable option's help must say "repeatable" (`--help` does not mark one): else both exit 1 naming it.

BIN defaults to the debug build (.build/debug/imagebump). ReferenceDocTests runs --check with the tested binary.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "reference.md")

HEADER = """# Command reference

What you want to do: look up one option of one command — its value, default and meaning. This page is generated
from the command tree (`scripts/gen_reference.py`, from `imagebump --experimental-dump-help`); `ReferenceDocTests`
fails when it and the binary disagree, so edit the help text in `Sources/ImagebumpCLI/` and regenerate, never this
page. Other pages link an option as `reference.md#COMMAND-OPTION` (`#set-dry-run`). What the options do
together, with examples: [Commands and options](commands.md). The same text is in
`imagebump help <command>` and the man page (`docs/imagebump.1`, `scripts/gen_manpage.py`).
"""


def load(binary, tree=None):
    """The command tree (`binary --experimental-dump-help`, or that JSON read from the file `tree`); exits naming the
    options whose help breaks a rule below (`unsaid`)."""
    if tree:
        with open(tree, encoding="utf-8") as f:
            out = f.read()
    else:
        out = subprocess.run([binary, "--experimental-dump-help"], check=True, capture_output=True, text=True).stdout
    root = json.loads(out)["command"]
    problems = unsaid(root)
    if problems:
        sys.exit("\n".join(problems))
    return root


def commands(root):
    """(path, command) for every displayed subcommand, depth first; `help` is ArgumentParser's own."""
    for sub in root.get("subcommands", []):
        if sub["commandName"] == "help" or not sub.get("shouldDisplay", True):
            continue
        yield [root["commandName"], sub["commandName"]], sub
        for path, c in commands(sub):
            yield [root["commandName"]] + path, c


def help_text(a):
    """The option's help: its abstract, then its discussion, as one paragraph (a list item of the page)."""
    return " ".join(" ".join(filter(None, (a.get("abstract"), a.get("discussion")))).split())


def unsaid(root):
    """A repeatable option's help says so itself ("repeatable"): `--help` does not mark one, so the pages never add
    their own note (which once said it twice)."""
    out = []
    for path, c in commands(root):
        for a in shown(c):
            if a.get("isRepeating") and a["kind"] != "positional" and "repeatable" not in help_text(a).lower():
                out.append(f"{' '.join(path)} {spelled(a)}: a repeatable option's help must say \"repeatable\"")
    return out


def notes(a, code):
    """What the tree says beside the help text: the default and the values (each value through `code`)."""
    out = []
    if "defaultValue" in a and a["kind"] == "option":
        out.append(f"default: {code(a['defaultValue'])}")
    if a.get("allValues"):
        out.append("one of " + ", ".join(code(v) for v in a["allValues"]))
    return out


def shown(command):
    return [a for a in command.get("arguments", []) if a.get("shouldDisplay", True)
            and a.get("preferredName", {}).get("name") not in ("help", "version")]


def spelled(a):
    """`-f, --file <path>` as --help writes it."""
    if a["kind"] == "positional":
        return f"<{a['valueName']}>" + ("..." if a.get("isRepeating") else "")
    names = ", ".join(("-" if n["kind"] == "short" else "--") + n["name"] for n in a["names"])
    return names + (f" <{a['valueName']}>" if a["kind"] == "option" else "")


def sections(command):
    """The displayed arguments grouped as --help groups them: [(title, [argument])], in order."""
    out = []
    for a in shown(command):
        title = a.get("sectionTitle") or ("Arguments" if a["kind"] == "positional" else "Options")
        if title not in [t for t, _ in out]:
            out.append((title, []))
        next(args for t, args in out if t == title).append(a)
    return out


def usage(path, command):
    args = shown(command)
    positional = " ".join(spelled(a) for a in args if a["kind"] == "positional")
    return " ".join(path + (["[options]"] if any(a["kind"] != "positional" for a in args) else []) + ([positional] if positional else []))


def anchor(path, a):
    """The id other pages link an option by: `set-dry-run` (reference.md#set-dry-run), `promote-from`."""
    name = a["valueName"] if a["kind"] == "positional" else a["preferredName"]["name"]
    return "-".join(path[1:] + [name])


def literal(text):
    """Help text as Markdown shows it as written: `*.yaml`, `<host>` and a backslash are not markup."""
    return "".join("\\" + c if c in "\\`*<" else c for c in text)


def item(path, a):
    said = notes(a, lambda v: f"`{v}`")
    text = literal(help_text(a))
    return (f'- <a id="{anchor(path, a)}"></a>`{spelled(a)}`' + (f" ({'; '.join(said)})" if said else "")
            + (f" — {text}" if text else ""))


def markdown(root):
    out = [HEADER]
    out.append(f"`{root['commandName']}`: {root['abstract']} `--version` prints the version, `--help` (or `help <command>`) the help.\n")
    for path, c in commands(root):
        out.append(f"## `{' '.join(path)}`\n")
        out.append(c.get("abstract", "") + "\n")
        out.append("```\n" + usage(path, c) + "\n```\n")
        if c.get("discussion"):
            out.append(c["discussion"].strip() + "\n")
        for title, args in sections(c):
            out.append(f"### {title}\n")
            out.append("\n".join(item(path, a) for a in args) + "\n")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description="docs/reference.md from imagebump --experimental-dump-help")
    p.add_argument("--imagebump", default=os.path.join(ROOT, ".build", "debug", "imagebump"))
    p.add_argument("--check", action="store_true", help="exit 1 when docs/reference.md differs from the binary's tree")
    p.add_argument("--page", default=PAGE, help="the page to write or check (default: docs/reference.md)")
    p.add_argument("--tree", help="read the --experimental-dump-help JSON from this file instead of running the binary")
    o = p.parse_args()
    root = load(o.imagebump, o.tree)
    return write_or_check(o.page, markdown(root), o.check,
                          "scripts/gen_reference.py (and scripts/gen_manpage.py, the man page)")


def write_or_check(path, text, check, regenerate):
    """Writes `text` to the page, or with `check` says (exit 1) when the page differs: each generated page's one
    way of being kept in step with the binary. `regenerate` names what to run."""
    if not check:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    with open(path, encoding="utf-8") as f:
        if f.read() != text:
            print(f"{os.path.relpath(path, ROOT)} differs from the command tree: run {regenerate}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
