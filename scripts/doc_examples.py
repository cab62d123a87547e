#!/usr/bin/env python3
"""Lists every public item of the crate whose documentation has no example.

Usage: python3 scripts/doc_examples.py [--features ARGS]

Builds the crate's rustdoc JSON (an unstable rustdoc output, enabled on the
stable toolchain with RUSTC_BOOTSTRAP=1 for this one command; nothing else
uses it) into target/doc-examples, walks every item reachable from the
crate root (modules, re-exports, types, functions, constants, macros, the
inherent methods of public types and the items of public traits; not
`#[doc(hidden)]` ones) and prints `file:line: kind path` for each whose docs
contain no code block. Exits 1 when any is missing, 0 otherwise.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TARGET = os.path.join(ROOT, "target", "doc-examples")
extra = sys.argv[1:]
env = dict(os.environ, RUSTC_BOOTSTRAP="1")
subprocess.run(
    ["cargo", "rustdoc", "--lib", "--quiet", "--target-dir", TARGET, *extra, "--",
     "-Z", "unstable-options", "--output-format", "json"],
    cwd=ROOT, env=env, check=True,
)
doc = json.load(open(os.path.join(TARGET, "doc", "groundup.json")))
index = doc["index"]


def item(i):
    return index.get(str(i))


def hidden(it):
    return "hidden" in json.dumps(it.get("attrs", []))


def has_example(it):
    return "```" in (it.get("docs") or "")


missing, seen = set(), set()


def report(it, kind, path):
    if not has_example(it):
        span = it.get("span") or {}
        missing.add((span.get("filename", "?"), span.get("begin", [0])[0], kind, path))


def visit(i, path):
    it = item(i)
    if it is None or i in seen or it.get("crate_id", 0) != 0 or hidden(it):
        return
    seen.add(i)
    kind, inner = next(iter(it["inner"].items()))
    name = it.get("name") or ""
    here = f"{path}::{name}" if name else path
    if kind == "module":
        for c in inner["items"]:
            visit(c, here)
    elif kind == "use":
        if inner.get("id") is not None:
            visit(inner["id"], path)
    elif kind in ("struct", "enum", "union", "trait", "function", "constant",
                  "type_alias", "macro", "static"):
        report(it, kind, here)
        if kind in ("struct", "enum", "union"):
            for im in inner.get("impls", []):
                imp = item(im)["inner"]["impl"]
                if imp.get("trait") is not None or imp.get("is_synthetic") or imp.get("blanket_impl"):
                    continue
                for m in imp["items"]:
                    mi = item(m)
                    if mi["visibility"] == "public" and not hidden(mi):
                        report(mi, "method", f"{here}::{mi['name']}")
        if kind == "trait":
            for m in inner["items"]:
                mi = item(m)
                if not hidden(mi):
                    report(mi, "trait item", f"{here}::{mi['name']}")


visit(doc["root"], "")
for f, line, kind, path in sorted(missing):
    print(f"{f}:{line}: {kind} groundup{path}")
print(f"{len(missing)} public items without an example", file=sys.stderr)
sys.exit(1 if missing else 0)
