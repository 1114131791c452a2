#!/usr/bin/env python3
"""Golden tests for `monitorc build` (Mackerel output).

For every mackerel/NAME.mon: `monitorc build --emit mackerel` must succeed without a word on
stderr, mackerel/monitors.json must equal NAME.monitors.json byte for byte, and the dashboard
files must equal NAME.dashboards/<url_path>.json (no folder: no dashboards). Each case is built
twice and must give the same bytes. Every output file must be valid JSON. Finally examples/
must build (as staging and as prod).

    run.py --monitorc PATH [--update]
"""
import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def build(monitorc, cwd, args, out):
    p = subprocess.run([monitorc, "build", "--emit", "mackerel", "-o", out] + args, cwd=cwd, capture_output=True,
                       timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def tree(folder):
    files = {}
    for dirpath, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                files[os.path.relpath(p, folder)] = f.read()
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    monitorc = os.path.abspath(a.monitorc)
    failures = []
    cases = sorted(f[:-4] for f in os.listdir(os.path.join(HERE, "mackerel")) if f.endswith(".mon"))
    with tempfile.TemporaryDirectory() as tmp:
        for name in cases:
            cwd = os.path.join(HERE, "mackerel")
            outs = []
            for i in (1, 2):
                out = os.path.join(tmp, "%s-%d" % (name, i))
                status, so, se = build(monitorc, cwd, [name + ".mon"], out)
                if status != 0 or se:
                    failures.append("%s: build failed (status %d):\n%s" % (name, status, se))
                    break
                outs.append(tree(out))
            if len(outs) != 2:
                continue
            if outs[0] != outs[1]:
                failures.append("%s: two builds of the same input differ" % name)
            got = outs[0]
            for rel, data in got.items():
                try:
                    json.loads(data)
                except ValueError as e:
                    failures.append("%s: %s is not JSON: %s" % (name, rel, e))
            want_files = {os.path.join("mackerel", "monitors.json"): os.path.join(cwd, name + ".monitors.json")}
            dash_dir = os.path.join(cwd, name + ".dashboards")
            if os.path.isdir(dash_dir):
                for rel in tree(dash_dir):
                    want_files[os.path.join("mackerel", "dashboards", rel)] = os.path.join(dash_dir, rel)
            for rel in got:
                if rel not in want_files and rel.startswith(os.path.join("mackerel", "dashboards")):
                    want_files[rel] = os.path.join(dash_dir, os.path.relpath(rel, os.path.join("mackerel", "dashboards")))
            for rel, golden in sorted(want_files.items()):
                if a.update:
                    if rel in got:
                        os.makedirs(os.path.dirname(golden), exist_ok=True)
                        with open(golden, "wb") as f:
                            f.write(got[rel])
                    elif os.path.exists(golden):
                        os.remove(golden)
                    continue
                if rel not in got:
                    failures.append("%s: %s was not written" % (name, rel))
                    continue
                if not os.path.exists(golden):
                    failures.append("%s: %s has no golden %s (run with --update)" % (name, rel, os.path.relpath(golden, HERE)))
                    continue
                with open(golden, "rb") as f:
                    want = f.read()
                if want != got[rel]:
                    import difflib
                    diff = "".join(difflib.unified_diff(want.decode().splitlines(True), got[rel].decode().splitlines(True),
                                                        os.path.relpath(golden, HERE), "actual"))
                    failures.append("%s: %s differs:\n%s" % (name, rel, diff))

        # The examples build, as staging (the default) and as prod.
        for extra in ([], ["--var", "env=prod"]):
            out = os.path.join(tmp, "examples" + "".join(extra))
            status, so, se = build(monitorc, ROOT, ["examples/main.mon"] + extra, out)
            if status != 0 or se:
                failures.append("examples %s: build failed (status %d):\n%s" % (" ".join(extra), status, se))
                continue
            files = tree(out)
            mons = json.loads(files[os.path.join("mackerel", "monitors.json")])["monitors"]
            if len(mons) < 10:
                failures.append("examples: only %d monitors" % len(mons))
            if not any(k.startswith(os.path.join("mackerel", "dashboards")) for k in files):
                failures.append("examples: no dashboards written")
    for f in failures:
        print("FAIL " + f)
    print("%d cases, %d failures" % (len(cases) + 2, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
