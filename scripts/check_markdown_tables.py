#!/usr/bin/env python3
"""Fails when a Markdown table of the given files would not render as written (markdown-it-py, GFM tables):

- a line that looks like a table row (starts with `|`, outside code) that no table holds — a paragraph or a blank
  line in the middle of a table ends it, and the rest renders as text;
- a row with more or fewer cells than its header — an unescaped `|` (also inside `code`) splits a cell, and
  markdown-it drops the cells past the header's count without a word.

    check_markdown_tables.py FILE...      prints FILE:LINE: why, one per problem; exit 1 if any
"""
import sys

from markdown_it import MarkdownIt


def cells(line):
    """The cells of a table row as GFM splits them: on `|` not escaped with `\\`, outer pipes dropped."""
    parts, cur, escaped = [], "", False
    for ch in line.strip():
        if ch == "|" and not escaped:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        escaped = ch == "\\" and not escaped
    parts.append(cur)
    if parts and parts[0].strip() == "":
        parts = parts[1:]
    if parts and parts[-1].strip() == "":
        parts = parts[:-1]
    return parts


def problems(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    in_table, in_code = set(), set()
    for t in tokens:
        if t.map is None:
            continue
        span = range(t.map[0], t.map[1])
        if t.type == "table_open":
            in_table.update(span)
            header = cells(lines[t.map[0]])
            for n in range(t.map[0] + 2, t.map[1]):  # after the header and the delimiter row
                got = len(cells(lines[n]))
                if lines[n].strip() and got != len(header):
                    why = "an unescaped | splits a cell" if got > len(header) else "a line that is no row continues the table"
                    yield n + 1, f"row has {got} cells, the header {len(header)} ({why})"
        elif t.type in ("fence", "code_block", "html_block"):
            in_code.update(span)
    for n, line in enumerate(lines):
        if line.lstrip().startswith("|") and n not in in_table and n not in in_code:
            yield n + 1, "a table row outside any table (a line between rows ends the table)"


def main(paths):
    found = 0
    for path in paths:
        for line, why in problems(path):
            print(f"{path}:{line}: {why}")
            found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
