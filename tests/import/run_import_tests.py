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
  * monitors-000 with an unknown key in every monitor: kept in raw, rebuilt byte for byte;
  * random layouts (gaps, ragged and full rows, shuffled widget order): byte for byte.
  * 300 randomly damaged inputs: import never crashes, nor does checking what it wrote.
It also checks that the source is canonical (`monitorc fmt --check`), that import is deterministic, that importing the built JSON again gives the
same source, and that no warning is printed for these valid files.

golden: for each golden/NAME.json, runs import (monitors-*.json with --monitors, routing-*.json
with --monitors, --channels, --notification-groups, --downtimes and --alert-group-settings
and the arguments in
NAME.args, anything else with --dashboard) from inside golden/ and compares stdout with NAME.mon and stderr with
NAME.err (missing file = empty). When NAME.mon is not empty, the source must pass
`monitorc fmt --check` and build (or, when the warnings name a duplicate monitor name, fail
to build on exactly that).
"""

import argparse
import copy
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


LIMITS = {"graph": (6, 6, 24, 32), "value": (4, 4, 24, 32), "markdown": (4, 2, 24, 80),
          "alertStatus": (4, 3, 24, 32)}


def random_layout_dashboard(r, i):
    """A dashboard whose widgets sit anywhere on the grid (gaps, ragged rows, full rows),
    listed in (y, x) order or shuffled: the layout planner must reproduce every position."""
    cells = set()
    boxes = []

    def free(x, y, w, h):
        return all((cx, cy) not in cells for cx in range(x, x + w) for cy in range(y, y + h))

    bottom = 0
    for _ in range(r.randint(3, 18)):
        kind = r.choice(list(LIMITS))
        lo_w, lo_h, hi_w, hi_h = LIMITS[kind]
        if r.random() < 0.4:  # a full row of equal or mixed widths at the bottom
            n = r.choice([1, 2, 3, 4])
            h = r.randint(6, 10)
            widths = [24 // n] * (n - 1) + [24 - (24 // n) * (n - 1)]
            if r.random() < 0.5 and n == 2:
                widths = [16, 8]
            x = 0
            for w in widths:
                k = "graph" if w >= 6 and r.random() < 0.5 else "value"
                boxes.append((k, x, bottom, w, r.choice([h, h, r.randint(LIMITS[k][1], h)])))
                x += w
            for (k, bx, by, bw, bh) in boxes[-n:]:
                cells.update((cx, cy) for cx in range(bx, bx + bw) for cy in range(by, by + bh))
            bottom = max(by + bh for (_, _, by, _, bh) in boxes)
            continue
        for _attempt in range(50):
            w = r.randint(lo_w, min(hi_w, 24))
            h = r.randint(lo_h, min(hi_h, 12))
            x = r.randint(0, 24 - w)
            y = r.randint(0, bottom + 4)
            if free(x, y, w, h):
                boxes.append((kind, x, y, w, h))
                cells.update((cx, cy) for cx in range(x, x + w) for cy in range(y, y + h))
                bottom = max(bottom, y + h)
                break
    boxes.sort(key=lambda b: (b[2], b[1]))
    if r.random() < 0.4:
        r.shuffle(boxes)
    widgets = []
    for j, (kind, x, y, w, h) in enumerate(boxes):
        wd = {"type": kind, "title": "w%d" % j, "layout": {"x": x, "y": y, "width": w, "height": h}}
        if kind == "graph":
            wd["graph"] = {"type": "role", "name": "cpu", "roleFullname": "Web:app"}
            wd["referenceLines"] = []
        elif kind == "value":
            wd["metric"] = {"type": "service", "name": "m", "serviceName": "Web"}
            wd["formatRules"] = []
        elif kind == "markdown":
            wd["markdown"] = "text %d" % j
        else:
            wd["roleFullname"] = "Web:app"
        widgets.append(wd)
    return {"id": "L%010d" % i, "title": "layout %d" % i, "urlPath": "layout/%d" % i,
            "createdAt": 1700000000, "updatedAt": 1700000000, "memo": "", "widgets": widgets}


def layouts(args, fails, stats):
    sys.path.insert(0, GEN)
    from gojson import mkr_marshal_indent  # noqa: E402
    import random
    d = os.path.join(args.work, "layouts")
    os.makedirs(d)
    r = random.Random(20261125)
    for i in range(args.layouts):
        board = random_layout_dashboard(r, i)
        f = os.path.join(d, "layout-%03d.json" % i)
        with open(f, "w", encoding="utf-8", newline="") as out:
            out.write(mkr_marshal_indent(board) + "\n")
        what = os.path.relpath(f, args.work)
        src = f[:-5] + ".mon"
        if not import_to(args.monitorc, ["--dashboard", f], src, fails, what):
            continue
        fmt_check(args.monitorc, src, fails, what)
        outdir = f[:-5] + ".out"
        if not build(args.monitorc, src, outdir, fails, what):
            continue
        stats["layout widgets"] += len(board["widgets"])
        stats["layout pinned"] += layout_stats(read(src))[1]
        got = read(os.path.join(outdir, "mackerel", "dashboards", board["urlPath"] + ".json"))
        want = strip_lines(read(f), ["id", "createdAt", "updatedAt"])
        if got != want:
            fails.add("%s: rebuilt layout != input" % what, diff(want, got, "input", "rebuilt"))


FUTURE = (',\n            "futureField": {\n                "enabled": true,\n'
          '                "levels": [\n                    1,\n                    "two"\n'
          '                ]\n            }\n        }')


def raw_passthrough(args, fails):
    """monitors-000 with an unknown key at the end of every monitor: import keeps it in
    `raw` (with one warning each) and build writes it back in the same place."""
    src_file = os.path.join(args.work, "pull", "monitors-000.json")
    f = os.path.join(args.work, "raw-000.json")
    text = read(src_file)
    n = len(json.loads(text)["monitors"])
    with open(f, "w", encoding="utf-8", newline="") as out:
        out.write(re.sub(r"\n        \}", lambda m: FUTURE, text))
    src = f[:-5] + ".mon"
    code, _, err = run([args.monitorc, "import", "mackerel", "--monitors", f, "-o", src])
    warned = err.count("field 'futureField' is not known; kept in raw")
    if code != 0 or warned != n:
        fails.add("raw-000.json: expected %d raw warnings, got %d (exit %d)" % (n, warned, code), err)
        return
    fmt_check(args.monitorc, src, fails, "raw-000.json")
    outdir = f[:-5] + ".out"
    if build(args.monitorc, src, outdir, fails, "raw-000.json"):
        got = read(os.path.join(outdir, "mackerel", "monitors.json"))
        want = strip_lines(read(f), ["id"])
        if got != want:
            fails.add("raw-000.json: rebuilt != input without ids", diff(want, got, "input", "rebuilt"))


ODD_VALUES = [None, True, False, 0, -1, 1.5, 1e300, 2 ** 64, "", "x", "${", "\u0000", [], {},
              [1, {"a": None}], {"type": "unknown"}, {"type": "relative"}, [{"name": 1}],
              {"x": "1", "y": -5, "width": 99, "height": 0}]


def mutate(r, doc):
    """One random change somewhere in the JSON tree: replace, delete or add a member."""
    path = []
    node = doc
    while isinstance(node, (dict, list)) and node and r.random() < 0.75:
        key = r.choice(list(node)) if isinstance(node, dict) else r.randrange(len(node))
        path.append((node, key))
        node = node[key]
    if not path:
        return
    parent, key = path[-1]
    op = r.random()
    if op < 0.6:
        parent[key] = copy.deepcopy(r.choice(ODD_VALUES))
    elif op < 0.8:
        del parent[key]
    elif isinstance(parent, dict):
        parent[r.choice(["foo", "type", "name", "layout", "graph", "metric", "headers"])] = copy.deepcopy(r.choice(ODD_VALUES))


def mutations(args, fails, files):
    """Import must survive any well-formed JSON: exit 0 (warnings at most) or 1 (a wrong
    top-level shape), never a crash; what it writes must not crash the compiler either."""
    import random
    r = random.Random(7)
    d = os.path.join(args.work, "mutations")
    os.makedirs(d)
    runs = crashes = 0
    for i in range(args.mutations):
        f = r.choice(files)
        doc = json.loads(read(f))
        for _ in range(r.randint(1, 6)):
            mutate(r, doc)
        path = os.path.join(d, "m%04d.json" % i)
        with open(path, "w", encoding="utf-8") as out:
            json.dump(doc, out)
        flag = "--monitors" if os.path.basename(f).startswith("monitors") else "--dashboard"
        src = path[:-5] + ".mon"
        code, _, err = run([args.monitorc, "import", "mackerel", flag, path, "-o", src])
        runs += 1
        if code not in (0, 1) or "terminate" in err or "exception" in err:
            crashes += 1
            fails.add("%s: import crashed (exit %d)" % (path, code), err)
            continue
        if code == 0 and os.path.getsize(src):
            code, _, err = run([args.monitorc, "check", src])
            if code not in (0, 1):
                fails.add("%s: checking the imported source crashed (exit %d)" % (path, code), err)
    print("  mutated inputs   %d (%d crashes)" % (runs, crashes))


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
    raw_passthrough(args, fails)
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
    stats["layout widgets"] = stats["layout pinned"] = 0
    layouts(args, fails, stats)
    inputs = sorted(glob.glob(os.path.join(work, "pull", "monitors-00*.json")) +
                    glob.glob(os.path.join(work, "dashboards*", "dashboard-*.json")))
    mutations(args, fails, inputs)
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
        if name.startswith("routing-"):
            # One file holding the answers of GET monitors, channels, notification-groups,
            # downtimes and alert-group-settings, given to each flag; NAME.args holds further arguments.
            flags = []
            for flag in ("--monitors", "--channels", "--notification-groups", "--downtimes",
                         "--alert-group-settings"):
                flags += [flag, name + ".json"]
            args_path = os.path.join(gdir, name + ".args")
            if os.path.exists(args_path):
                flags += read(args_path).split()
        else:
            flags = ["--monitors" if name.startswith("monitors-") else "--dashboard", name + ".json"]
        code, out, err = run([args.monitorc, "import", "mackerel"] + flags, cwd=gdir)
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
    ap.add_argument("--layouts", type=int, default=60, help="random-layout dashboards")
    ap.add_argument("--mutations", type=int, default=300, help="randomly damaged inputs")
    ap.add_argument("--update", action="store_true", help="golden: rewrite the expected files")
    args = ap.parse_args()
    fails = roundtrip(args) if args.mode == "roundtrip" else golden(args)
    if fails.items:
        print("%d failure(s)" % len(fails.items))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
