#!/usr/bin/env python3
"""Tests of `monitorc import mackerel`.

    run_import_tests.py roundtrip --monitorc BIN --work DIR [--count N]
    run_import_tests.py golden --monitorc BIN --work DIR [--update]

roundtrip: generates mkr pull files and dashboards with tests/roundtrip/, then for each one
imports it, builds the source and compares:
  * monitors: build's monitors.json == the pull file with its "id" lines removed, byte for byte;
  * dashboards (API shape): build's dashboard file == the input without id/createdAt/updatedAt,
    byte for byte;
  * dashboards (mkr shape): equal as JSON once null, "" and [] members are dropped on both
    sides (mkr writes null placeholders and omits empty values; build writes the API shape).
It also checks that the source is canonical (`monitorc fmt --check`), that import is deterministic, that importing the built JSON again gives the
same source, and that no warning is printed for these valid files.

golden: for each golden/NAME.json, runs import (monitors-*.json with --monitors, anything else
with --dashboard) from inside golden/ and compares stdout with NAME.mon and stderr with
NAME.err (missing file = empty). When NAME.mon is not empty, the source must pass
`monitorc fmt --check` and build (or, when the warnings name a duplicate monitor name, fail
to build on exactly that).
"""

import argparse
import difflib
import glob
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "roundtrip")


class Failures:
    def __init__(self):
        self.items = []

    def add(self, what, detail=""):
        self.items.append(what)
        print("FAIL: %s" % what)
        if detail:
            print(detail if len(detail) < 6000 else detail[:6000] + "\n...")


def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def diff(a, b, na="expected", nb="actual"):
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), na, nb, n=2))


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def import_to(mon, args, out, fails, what):
    code, _, err = run([mon, "import", "mackerel"] + args + ["-o", out])
    if code != 0:
        fails.add("%s: import exited %d" % (what, code), err)
        return False
    if err:
        fails.add("%s: import printed warnings for a valid file" % what, err)
    return True


def fmt_check(mon, src, fails, what):
    code, out, err = run([mon, "fmt", "--check", src])
    if code != 0:
        tmp = src + ".fmt.mon"
        shutil.copy(src, tmp)
        run([mon, "fmt", tmp])
        fails.add("%s: the imported source is not in canonical form (monitorc fmt --check)" % what,
                  out + err + diff(read(src), read(tmp), "imported", "formatted"))


def build(mon, src, outdir, fails, what):
    shutil.rmtree(outdir, ignore_errors=True)
    code, _, err = run([mon, "build", src, "-o", outdir])
    if code != 0:
        fails.add("%s: build of the imported source failed" % what, err + "\n--- source:\n" + read(src))
        return False
    return True


def strip_lines(text, keys):
    pat = re.compile(r'^\s*"(%s)": .*,\n' % "|".join(keys), re.M)
    return pat.sub("", text)


def drop_empty(v):
    if isinstance(v, dict):
        return {k: drop_empty(x) for k, x in v.items() if x is not None and x != "" and x != []}
    if isinstance(v, list):
        return [drop_empty(x) for x in v]
    return v


def layout_stats(source):
    return source.count("\n  row {"), len(re.findall(r"^\s+x = ", source, re.M))


def roundtrip(args):
    fails = Failures()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    mon = args.monitorc
    gens = [("pull", ["--count", str(args.count)]),
            ("pull-nodualstack", ["--count", str(max(10, args.count // 3)), "--no-dualstack"])]
    stats = {"monitor files": 0, "monitors": 0, "dashboards": 0, "widgets": 0, "rows": 0,
             "pinned widgets": 0}
    for sub, extra in gens:
        d = os.path.join(work, sub)
        code, out, err = run([sys.executable, os.path.join(GEN, "gen_pull_files.py"), d] + extra)
        if code != 0:
            fails.add("gen_pull_files.py %s failed" % sub, out + err)
            continue
        for f in sorted(glob.glob(os.path.join(d, "monitors-*.json"))):
            what = os.path.relpath(f, work)
            stats["monitor files"] += 1
            stats["monitors"] += len(json.loads(read(f))["monitors"])
            src = f[:-5] + ".mon"
            if not import_to(mon, ["--monitors", f], src, fails, what):
                continue
            fmt_check(mon, src, fails, what)
            again = f[:-5] + ".again.mon"
            if import_to(mon, ["--monitors", f], again, fails, what) and read(again) != read(src):
                fails.add("%s: import is not deterministic" % what)
            outdir = f[:-5] + ".out"
            if not build(mon, src, outdir, fails, what):
                continue
            got = read(os.path.join(outdir, "mackerel", "monitors.json"))
            want = strip_lines(read(f), ["id"])
            if got != want:
                fails.add("%s: build(import(F)) != F without ids" % what, diff(want, got, "input", "rebuilt"))
                continue
            # Importing the rebuilt file gives the same source (no ids there, same fields).
            src2 = f[:-5] + ".re.mon"
            rebuilt = os.path.join(outdir, "mackerel", "monitors.json")
            if import_to(mon, ["--monitors", rebuilt], src2, fails, what) and read(src2) != read(src):
                fails.add("%s: importing the rebuilt file changes the source" % what,
                          diff(read(src), read(src2)))
    for sub, extra in [("dashboards", []), ("dashboards-mkr", ["--mkr"])]:
        d = os.path.join(work, sub)
        code, out, err = run([sys.executable, os.path.join(GEN, "gen_dashboards.py"), d] + extra)
        if code != 0:
            fails.add("gen_dashboards.py %s failed" % sub, out + err)
            continue
        files = sorted(glob.glob(os.path.join(d, "dashboard-*.json")))
        for f in files:
            what = os.path.relpath(f, work)
            board = json.loads(read(f))
            src = f[:-5] + ".mon"
            if not import_to(mon, ["--dashboard", f], src, fails, what):
                continue
            fmt_check(mon, src, fails, what)
            outdir = f[:-5] + ".out"
            if not build(mon, src, outdir, fails, what):
                continue
            path = os.path.join(outdir, "mackerel", "dashboards", board["urlPath"] + ".json")
            if not os.path.exists(path):
                fails.add("%s: build wrote no %s" % (what, path))
                continue
            got = read(path)
            if sub == "dashboards":
                stats["dashboards"] += 1
                stats["widgets"] += len(board["widgets"])
                rows, pinned = layout_stats(read(src))
                stats["rows"] += rows
                stats["pinned widgets"] += pinned
                want = strip_lines(read(f), ["id", "createdAt", "updatedAt"])
                if got != want:
                    fails.add("%s: rebuilt body != input without id/createdAt/updatedAt" % what,
                              diff(want, got, "input", "rebuilt"))
            else:
                want = drop_empty({k: v for k, v in board.items()
                                   if k not in ("id", "createdAt", "updatedAt")})
                have = drop_empty(json.loads(got))
                if want != have:
                    fails.add("%s: rebuilt body != mkr input (nulls and empties dropped)" % what,
                              diff(json.dumps(want, indent=1, ensure_ascii=False),
                                   json.dumps(have, indent=1, ensure_ascii=False)))
        # All dashboards of a set into one source file, with a monitors file: one build.
        if sub == "dashboards" and files:
            src = os.path.join(work, "all.mon")
            pull = os.path.join(work, "pull", "monitors-000.json")
            argv = ["--monitors", pull]
            for f in files:
                argv += ["--dashboard", f]
            if import_to(mon, argv, src, fails, "all dashboards + monitors-000"):
                if build(mon, src, os.path.join(work, "all.out"), fails, "all.mon"):
                    n = len(glob.glob(os.path.join(work, "all.out", "mackerel", "dashboards", "**", "*.json"),
                                      recursive=True))
                    if n != len(files):
                        fails.add("all.mon: built %d dashboards, expected %d" % (n, len(files)))
    for k, v in stats.items():
        print("  %-16s %d" % (k, v))
    if stats["monitor files"] < 60:
        fails.add("only %d monitor files were generated (need at least 60)" % stats["monitor files"])
    return fails


def golden(args):
    fails = Failures()
    gdir = os.path.join(HERE, "golden")
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    cases = sorted(glob.glob(os.path.join(gdir, "*.json")))
    if not cases:
        fails.add("no golden cases in %s" % gdir)
    for case in cases:
        name = os.path.basename(case)[:-5]
        flag = "--monitors" if name.startswith("monitors-") else "--dashboard"
        code, out, err = run([args.monitorc, "import", "mackerel", flag, name + ".json"], cwd=gdir)
        mon_path = os.path.join(gdir, name + ".mon")
        err_path = os.path.join(gdir, name + ".err")
        if args.update:
            with open(mon_path, "w", encoding="utf-8", newline="") as f:
                f.write(out)
            if err:
                with open(err_path, "w", encoding="utf-8", newline="") as f:
                    f.write(err)
            elif os.path.exists(err_path):
                os.remove(err_path)
        want_out = read(mon_path) if os.path.exists(mon_path) else ""
        want_err = read(err_path) if os.path.exists(err_path) else ""
        want_code = 1 if "error:" in want_err else 0
        if code != want_code:
            fails.add("%s: exit status %d, expected %d" % (name, code, want_code), err)
        if out != want_out:
            fails.add("%s: stdout differs from %s.mon" % (name, name), diff(want_out, out))
        if err != want_err:
            fails.add("%s: stderr differs from %s.err" % (name, name), diff(want_err, err))
        if want_out:
            fmt_check(args.monitorc, mon_path, fails, name + ".mon")
            outdir = os.path.join(args.work, name)
            if "needs unique names" in want_err:
                # The warning says the source will not build until a monitor is renamed.
                code, _, err = run([args.monitorc, "build", mon_path, "-o", outdir])
                if code == 0 or "duplicate monitor name" not in err:
                    fails.add("%s.mon: build should fail on the duplicate name" % name, err)
            else:
                build(args.monitorc, mon_path, outdir, fails, name + ".mon")
        print("  %-40s %s" % (name, "ok" if not any(i.startswith(name + ":") or i.startswith(name + ".mon")
                                                     for i in fails.items) else "FAILED"))
    return fails


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["roundtrip", "golden"])
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--update", action="store_true", help="golden: rewrite the expected files")
    args = ap.parse_args()
    fails = roundtrip(args) if args.mode == "roundtrip" else golden(args)
    if fails.items:
        print("%d failure(s)" % len(fails.items))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
