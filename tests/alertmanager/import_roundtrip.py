#!/usr/bin/env python3
"""`monitorc import alertmanager` checked by Alertmanager's own router.

For each import/NAME.yml (configs written for this test, one construct family each):
- amtool check-config accepts it (the inputs are real Alertmanager configs);
- the import succeeds and its warnings are exactly import/NAME.warnings (each with LINE:COL);
- the source builds, and amtool check-config accepts the rebuilt file;
- for the configs the importer expresses exactly (EXACT below), the original and the rebuilt
  file route every label set derived from the original's matchers to the same channels, in the
  same order (`amtool config routes test` on both; receiver R of n integrations is the channels
  R, "R 2", ...; a receiver without integrations is nobody);
- and importing the rebuilt file gives the same source again (round trip equal).
The harness proves it can fail: team_tree's rebuilt file with two routes swapped must disagree.

    import_roundtrip.py --monitorc PATH
"""
import argparse
import concurrent.futures
import glob
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
AMTOOL = shutil.which("amtool") or "/usr/bin/amtool"
UNROUTED = "monitorc-unrouted"
EXACT = {"team_tree.yml", "nested.yml"}
MATCHER = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$')


def run(cmd, cwd=None):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def matchers(route):
    """(label, op, [values]) of a route node."""
    out = []
    for m in route.get("matchers") or []:
        g = MATCHER.match(m)
        value = g.group(3)
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        out.append((g.group(1), g.group(2), value))
    for k, v in (route.get("match") or {}).items():
        out.append((k, "=", str(v)))
    for k, v in (route.get("match_re") or {}).items():
        out.append((k, "=~", str(v)))
    return [(l, op, v.strip("()").split("|") if op == "=~" else [v]) for l, op, v in out]


def label_sets(config):
    """Label sets that exercise every route: each node's path conditions (every alternative),
    each of those with one label left out, and every two of them merged."""
    paths = []

    def walk(route, conds):
        for child in route.get("routes") or []:
            alts = [dict(conds)]
            for label, op, values in matchers(child):
                alts = [dict(a, **{label: v}) for a in alts for v in values if a.get(label, v) == v]
            for a in alts:
                paths.append(a)
                walk(child, a)

    walk(config["route"], {})
    sets = []
    for p in paths:
        sets.append(p)
        for k in p:
            sets.append({x: y for x, y in p.items() if x != k})
    for a, b in itertools.combinations(paths, 2):
        if all(a.get(k, v) == v for k, v in b.items()):
            sets.append(dict(a, **b))
    sets.append({"alertname": "NothingMatches"})
    unique = []
    for s in sets:
        s = dict(s, alertname=s.get("alertname", "Probe"))
        if s not in unique:
            unique.append(s)
    return unique


def routes_test(path, labels):
    args = ['%s="%s"' % (k, v.replace("\\", "\\\\").replace('"', '\\"')) for k, v in sorted(labels.items())]
    status, out, err = run([AMTOOL, "config", "routes", "test", "--config.file=" + path] + args)
    if status != 0 and not out.strip():
        return None
    return [r for r in out.strip().split(",") if r]


def channels_of(config):
    """Receiver -> the channels the import makes of it."""
    out = {}
    for r in config.get("receivers") or []:
        n = sum(len(v) for k, v in r.items() if k.endswith("_configs"))
        out[r["name"]] = [r["name"] if i == 0 else "%s %d" % (r["name"], i + 1) for i in range(n)]
    return out


ORIGINAL_ROUTES = {}  # original path -> its receivers for each label set (amtool runs once per file)


def compare(original, rebuilt, failures, label):
    with open(original) as f:
        config = yaml.safe_load(f)
    chans = channels_of(config)
    sets = label_sets(config)
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        if original not in ORIGINAL_ROUTES:
            ORIGINAL_ROUTES[original] = list(pool.map(lambda s: routes_test(original, s), sets))
        before = ORIGINAL_ROUTES[original]
        after = list(pool.map(lambda s: routes_test(rebuilt, s), sets))
    for s, b, a in zip(sets, before, after):
        if b is None or a is None:
            failures.append("%s: amtool routes test failed for %s" % (label, s))
            continue
        want = [c for r in b for c in chans.get(r, [r])]
        got = [r for r in a if r != UNROUTED]
        if want != got:
            failures.append("%s: %s: the original routes to %s, the rebuilt file to %s" % (label, s, want, got))
    return len(sets)


def strip_comments(source):
    return "\n".join(l for l in source.splitlines() if not l.startswith("#"))


def check(monitorc, yml, work, failures):
    name = os.path.basename(yml)
    status, out, err = run([AMTOOL, "check-config", yml])
    if status != 0:
        failures.append("%s: amtool check-config refuses the input itself: %s%s" % (name, out, err))
        return
    mon = os.path.join(work, name[:-4] + ".mon")
    status, out, err = run([monitorc, "import", "alertmanager", yml, "-o", mon])
    if status != 0:
        failures.append("%s: import failed: %s" % (name, err))
        return
    warnings = [l.split(": ", 3)[3] if l.startswith("monitorc: warning: ") else l for l in err.splitlines()]
    with open(yml[:-4] + ".warnings") as f:
        expected = [l for l in f.read().splitlines() if l]
    if warnings != expected:
        failures.append("%s: warnings differ:\n  got:      %s\n  expected: %s" % (name, "\n            ".join(warnings),
                                                                                  "\n            ".join(expected)))
    out_dir = os.path.join(work, name[:-4])
    status, out, err = run([monitorc, "build", "-o", out_dir, mon])
    if status != 0:
        failures.append("%s: the imported source does not build: %s" % (name, err))
        return
    rebuilt = os.path.join(out_dir, "alertmanager", "alertmanager", "alertmanager.yml")
    status, out, err = run([AMTOOL, "check-config", rebuilt])
    if status != 0:
        failures.append("%s: amtool check-config refuses the rebuilt file: %s%s" % (name, out, err))
        return
    if name not in EXACT:
        print("ok   %s: imported with %d warnings, rebuilt and checked" % (name, len(warnings)))
        return
    n = compare(yml, rebuilt, failures, name)
    status, again, err = run([monitorc, "import", "alertmanager", rebuilt])
    with open(mon) as f:
        first = f.read()
    if status != 0 or strip_comments(again) != strip_comments(first):
        failures.append("%s: importing the rebuilt file gives another source:\n%s" % (name, again))
    print("ok   %s: %d label sets route alike before and after; round trip equal" % (name, n))
    if name != "team_tree.yml":
        return
    # The comparison must notice a routing change: the rebuilt file with its first two routes swapped.
    with open(rebuilt) as f:
        built = yaml.safe_load(f)
    routes = built["route"]["routes"]
    routes[0], routes[1] = routes[1], routes[0]
    swapped = os.path.join(work, name[:-4] + ".swapped.yml")
    with open(swapped, "w") as f:
        yaml.safe_dump(built, f)
    found = []
    compare(yml, swapped, found, name)
    if not found:
        failures.append("%s: a rebuilt file with two routes swapped routes alike: the comparison cannot fail" % name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    a = ap.parse_args()
    t0 = time.time()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for yml in sorted(glob.glob(os.path.join(HERE, "import", "*.yml"))):
            check(os.path.abspath(a.monitorc), yml, work, failures)
    for f in failures:
        print("FAIL " + f)
    print("alertmanager import: %d failures (%.1f s)" % (len(failures), time.time() - t0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
