#!/usr/bin/env python3
"""Tests for `monitorc fmt`.

goldens   cases/x.mon formatted equals cases/x.fmt; formatting x.fmt changes nothing
          (idempotence, which also proves it parses); x.mon and its formatted text compile to
          the same IR (`build --emit ir`, "source" locations ignored).
examples  every file under examples/ is a fixed point after one fmt and keeps its IR.
cli       --check exit codes and output, in-place rewrite, syntax errors, bad paths.

usage: run_tests.py --monitorc BIN --root SRCDIR [--update] [--only goldens|examples|cli]
--update rewrites cases/*.fmt from the current formatter.
"""
import argparse
import filecmp
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(args, cwd=None, stdin=None):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, input=stdin)
    return p.returncode, p.stdout, p.stderr


def read(path):
    with open(path, "rb") as f:
        return f.read()


def strip_source(v):
    if isinstance(v, dict):
        return {k: strip_source(x) for k, x in v.items() if k != "source"}
    if isinstance(v, list):
        return [strip_source(x) for x in v]
    return v


def ir_of(mc, path, extra=()):
    """(exit code, IR without source locations or None, diagnostics without locations)."""
    code, out, err = run([mc, "build", "--emit", "ir", *extra, os.path.basename(path)], cwd=os.path.dirname(path))
    ir = strip_source(json.loads(out)) if code == 0 else None
    msgs = sorted(line.split(": ", 1)[1] for line in err.splitlines() if ": error: " in line or ": warning: " in line)
    return code, ir, msgs


def same_ir(mc, before, after, label, extra=(), must_build=True):
    a, b = ir_of(mc, before, extra), ir_of(mc, after, extra)
    if must_build and a[0] != 0:
        fail(f"{label}: the input does not build: {a[2]}")
    elif a != b:
        fail(f"{label}: IR or diagnostics differ after formatting\n  before: {a}\n  after:  {b}")


def test_goldens(mc, update):
    names = sorted(f[:-4] for f in os.listdir(CASES) if f.endswith(".mon"))
    with tempfile.TemporaryDirectory() as tmp:
        orig, out, again = (os.path.join(tmp, d) for d in ("orig", "out", "again"))
        shutil.copytree(CASES, orig)
        shutil.copytree(CASES, out)
        code, _, err = run([mc, "fmt", out])
        if code != 0:
            fail(f"fmt on the cases directory exited {code}: {err}")
        os.makedirs(again)
        for n in names:
            got = read(os.path.join(out, n + ".mon"))
            golden = os.path.join(CASES, n + ".fmt")
            if update:
                if not os.path.exists(golden) or read(golden) != got:
                    with open(golden, "wb") as f:
                        f.write(got)
                    print(f"updated {n}.fmt")
            elif not os.path.exists(golden):
                fail(f"{n}: no golden {n}.fmt (run with --update)")
            elif read(golden) != got:
                fail(f"{n}: output differs from {n}.fmt:\n" + got.decode(errors="replace"))
            if os.path.exists(golden):
                shutil.copy(golden, os.path.join(again, n + ".mon"))
        # Idempotence: the goldens are already formatted (and so parse without errors).
        code, so, se = run([mc, "fmt", "--check", again])
        if code != 0 or so or se:
            fail(f"formatting the goldens would change them (exit {code}):\n{so}{se}")
        for n in names:
            same_ir(mc, os.path.join(orig, n + ".mon"), os.path.join(out, n + ".mon"), f"{n}")
        same_ir(mc, os.path.join(orig, "statements.mon"), os.path.join(out, "statements.mon"), "statements --var env=prod",
                ["--var", "env=prod"])
        print(f"goldens: {len(names)} cases")


def test_examples(mc, root):
    src = os.path.join(root, "examples")
    with tempfile.TemporaryDirectory() as tmp:
        orig, once, twice = (os.path.join(tmp, d) for d in ("orig", "once", "twice"))
        shutil.copytree(src, orig)
        shutil.copytree(src, once)
        code, _, err = run([mc, "fmt", once])
        if code != 0:
            fail(f"fmt examples exited {code}: {err}")
        shutil.copytree(once, twice)
        code, so, se = run([mc, "fmt", twice])
        if code != 0 or se:
            fail(f"second fmt of examples exited {code}: {se}")
        files = []
        for d, _, fs in os.walk(once):
            files += [os.path.relpath(os.path.join(d, f), once) for f in fs if f.endswith(".mon")]
        for rel in sorted(files):
            if read(os.path.join(once, rel)) != read(os.path.join(twice, rel)):
                fail(f"examples/{rel}: not a fixed point after one fmt")
            same_ir(mc, os.path.join(orig, rel), os.path.join(once, rel), f"examples/{rel}", must_build=False)
        for extra in ([], ["--var", "env=prod"]):
            same_ir(mc, os.path.join(orig, "main.mon"), os.path.join(once, "main.mon"), f"examples/main.mon {extra}", extra)
        print(f"examples: {len(files)} files")


def test_cli(mc):
    ugly = b"let   a=1\nmonitor connectivity \"x\" {scopes=[\"svc\"]}\n"
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "ugly.mon")
        with open(p, "wb") as f:
            f.write(ugly)
        os.chmod(p, 0o640)
        code, so, se = run([mc, "fmt", "--check", p])
        if code != 1 or so != f"would reformat: {p}\n" or read(p) != ugly:
            fail(f"--check on an unformatted file: exit {code}, stdout {so!r}, stderr {se!r}")
        code, so, se = run([mc, "fmt", p])
        formatted = read(p)
        if code != 0 or formatted == ugly or so or se:
            fail(f"fmt on an unformatted file: exit {code}, stdout {so!r}, stderr {se!r}")
        if stat.S_IMODE(os.stat(p).st_mode) != 0o640:
            fail("fmt did not keep the file mode")
        if sorted(os.listdir(tmp)) != ["ugly.mon"]:
            fail(f"fmt left files behind: {os.listdir(tmp)}")
        code, so, se = run([mc, "fmt", "--check", p])
        if code != 0 or so or se:
            fail(f"--check on a formatted file: exit {code}, stdout {so!r}, stderr {se!r}")
        mtime = os.stat(p).st_mtime_ns
        code, so, se = run([mc, "fmt", p])
        if code != 0 or os.stat(p).st_mtime_ns != mtime:
            fail("fmt rewrote an already formatted file")

        bad_text = b"let a = 1\nmonitor host \"x\" {\n  metric = \n}\n"
        bad = os.path.join(tmp, "bad.mon")
        with open(bad, "wb") as f:
            f.write(bad_text)
        with open(p, "wb") as f:
            f.write(ugly)
        for args in (["fmt", tmp], ["fmt", "--check", tmp]):
            code, so, se = run([mc, *args])
            if code != 1 or read(bad) != bad_text or f"{bad}:4:1: error:" not in se or "^" not in se:
                fail(f"{args} with a syntax error: exit {code}, stderr {se!r}")
        if read(p) != formatted:
            fail("fmt DIR with one bad file did not format the good one")

        missing = os.path.join(tmp, "missing.mon")
        code, so, se = run([mc, "fmt", missing])
        if code != 1 or f"cannot read '{missing}'" not in se:
            fail(f"fmt on a missing file: exit {code}, stderr {se!r}")
        empty_dir = os.path.join(tmp, "empty")
        os.mkdir(empty_dir)
        code, so, se = run([mc, "fmt", empty_dir])
        if code != 1 or "no .mon files" not in se:
            fail(f"fmt on a directory without .mon files: exit {code}, stderr {se!r}")
        code, so, se = run([mc, "fmt"])
        if code == 0:
            fail("fmt without paths succeeded")

        # --diff: a unified diff that `patch` applies to give exactly what fmt writes; the file
        # itself is left alone; exit 1 while anything would change, 0 and nothing after.
        with open(p, "wb") as f:
            f.write(ugly)
        code, so, se = run([mc, "fmt", "--diff", p])
        if code != 1 or not so.startswith(f"--- {p}\n+++ {p}\n@@ -1,2 +1,") or read(p) != ugly:
            fail(f"--diff on an unformatted file: exit {code}, stdout {so!r}, stderr {se!r}")
        copy = os.path.join(tmp, "copy.mon")
        with open(copy, "wb") as f:
            f.write(ugly)
        pat = subprocess.run(["patch", "-s", copy], input=so, capture_output=True, text=True)
        if pat.returncode != 0 or read(copy) != formatted:
            fail(f"patch with the --diff output did not give the formatted file: {pat.stderr!r}")
        os.remove(copy)
        code, so, se = run([mc, "fmt", "--diff", "--check", p])
        if code != 1 or "not both" not in se:
            fail(f"--diff --check: exit {code}, stderr {se!r}")
        run([mc, "fmt", p])
        code, so, se = run([mc, "fmt", "--diff", p])
        if code != 0 or so or se:
            fail(f"--diff on a formatted file: exit {code}, stdout {so!r}, stderr {se!r}")

        # `fmt -`: standard input to standard output, the same text fmt writes to a file.
        code, so, se = run([mc, "fmt", "-"], stdin=ugly.decode())
        if code != 0 or so.encode() != formatted or se:
            fail(f"fmt - : exit {code}, stdout {so!r}, stderr {se!r}")
        code, so, se = run([mc, "fmt", "--check", "-"], stdin=ugly.decode())
        if code != 1 or so != "would reformat: <stdin>\n":
            fail(f"fmt --check - : exit {code}, stdout {so!r}")
        code, so, se = run([mc, "fmt", "--check", "-"], stdin=formatted.decode())
        if code != 0 or so or se:
            fail(f"fmt --check - on formatted text: exit {code}, stdout {so!r}, stderr {se!r}")
        code, so, se = run([mc, "fmt", "-"], stdin=bad_text.decode())
        if code != 1 or so or "<stdin>:4:1: error:" not in se:
            fail(f"fmt - with a syntax error must write nothing: exit {code}, stdout {so!r}, stderr {se!r}")
        code, so, se = run([mc, "fmt", "-", p])
        if code != 1 or "cannot be mixed" not in se:
            fail(f"fmt - FILE: exit {code}, stderr {se!r}")
        print("cli: ok")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(HERE)))
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--only", choices=["goldens", "examples", "cli"])
    a = ap.parse_args()
    mc = os.path.abspath(a.monitorc)
    if a.only in (None, "goldens"):
        test_goldens(mc, a.update)
    if a.only in (None, "examples"):
        test_examples(mc, a.root)
    if a.only in (None, "cli"):
        test_cli(mc)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("all fmt tests passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
