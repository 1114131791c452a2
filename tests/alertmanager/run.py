#!/usr/bin/env python3
"""The Alertmanager backend checked by Alertmanager's own tools.

For each source (routing.mon here, and examples/main.mon):
- `monitorc build` writes alertmanager/<target>/alertmanager.yml, with every variable a channel
  names set to a sentinel value: no sentinel may appear in any file written;
- `amtool check-config` accepts the file (it validates matchers, receivers, time intervals);
- every `route_test` of the source (read from `monitorc build --emit ir`) reaches exactly the
  channels it expects, in order, by `amtool config routes test` on the built file (the receiver
  of unrouted alerts stands for no channel).
The harness proves it can fail: a copy of routing.mon with one expectation changed must fail.

    run.py --monitorc PATH --examples PATH/examples/main.mon
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
UNROUTED = "monitorc-unrouted"
AMTOOL = shutil.which("amtool") or "/usr/bin/amtool"


def env_names(source_paths):
    """Every *_env value written in the sources (the variables holding channel secrets)."""
    names = set()
    for path in source_paths:
        for root, _, files in os.walk(os.path.dirname(path)):
            for f in files:
                if f.endswith(".mon"):
                    with open(os.path.join(root, f), encoding="utf-8") as fh:
                        names.update(re.findall(r'\w+_env\s*=\s*"(\w+)"', fh.read()))
    return names


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


def matcher_arg(key, value):
    return '%s="%s"' % (key, value.replace("\\", "\\\\").replace('"', '\\"'))


def route_tests(monitorc, source, failures):
    status, out, err = run([monitorc, "build", "--emit", "ir", source])
    if status != 0:
        failures.append("%s: --emit ir failed: %s" % (source, err))
        return []
    return json.loads(out).get("route_tests", [])


def check_source(monitorc, source, failures, label):
    """Builds `source` and checks it; returns the number of failures it added."""
    before = len(failures)
    secrets = {name: "sentinel-secret-%d-do-not-print" % i for i, name in enumerate(sorted(env_names([source])))}
    env = dict(os.environ, **secrets)
    with tempfile.TemporaryDirectory() as out:
        status, so, se = run([monitorc, "build", "-o", out, source], env=env)
        if status != 0:
            failures.append("%s: build failed (%d): %s" % (label, status, se))
            return len(failures) - before
        configs = []
        for root, _, files in os.walk(out):
            for f in files:
                path = os.path.join(root, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                for name, value in secrets.items():
                    if value in text:
                        failures.append("%s: the value of %s is written into %s" % (label, name, os.path.relpath(path, out)))
                if f == "alertmanager.yml":
                    configs.append((path, text))
        for name in secrets:
            if name in so + se and secrets[name] in so + se:
                failures.append("%s: the value of %s is printed" % (label, name))
        if not configs:
            failures.append("%s: no alertmanager.yml written" % label)
            return len(failures) - before
        tests = route_tests(monitorc, source, failures)
        if not tests:
            failures.append("%s: the source has no route_test" % label)
        for path, text in configs:
            for name in secrets:
                if name in text and "/" + name not in text:
                    failures.append("%s: %s named other than as a secret file" % (label, name))
            if 'severity=\\"critical\\"' not in text or "inhibit_rules" not in text:
                failures.append("%s: no inhibit rule of warnings by criticals" % label)
            status, so, se = run([AMTOOL, "check-config", path])
            if status != 0 or "SUCCESS" not in so:
                failures.append("%s: amtool check-config refused it:\n%s%s" % (label, so, se))
                continue
            for t in tests:
                args = [matcher_arg(k, v) for k, v in sorted(t["labels"].items())]
                status, so, se = run([AMTOOL, "config", "routes", "test", "--config.file=" + path] + args)
                got = [r for r in so.strip().split(",") if r and r != UNROUTED]
                if status != 0 and not got:
                    failures.append("%s: amtool routes test failed for '%s': %s" % (label, t["name"], se))
                elif got != t["expect"]:
                    failures.append("%s: route_test '%s' (%s): expected %s, amtool says %s" %
                                    (label, t["name"], t["source"], t["expect"], got))
    return len(failures) - before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--examples", required=True)
    a = ap.parse_args()
    if not os.path.exists(AMTOOL):
        print("FAIL amtool not found (Debian package prometheus-alertmanager; scripts/install-deps.sh installs it)")
        return 1
    failures = []
    check_source(a.monitorc, os.path.join(HERE, "routing.mon"), failures, "routing.mon")
    check_source(a.monitorc, a.examples, failures, "examples")

    # The harness must notice a wrong expectation.
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(HERE, "routing.mon"), encoding="utf-8") as fh:
            text = fh.read()
        broken = text.replace('expect = ["shop pager", "shop chat"]', 'expect = ["shop chat", "shop pager"]', 1)
        assert broken != text, "routing.mon lost the expectation the self-test swaps"
        path = os.path.join(tmp, "routing.mon")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(broken)
        found = []
        check_source(a.monitorc, path, found, "swapped")
        if not any("expected ['shop chat', 'shop pager']" in f for f in found):
            failures.append("a route_test with the channels in the wrong order passed: %s" % found)

    for f in failures:
        print("FAIL " + f)
    print("alertmanager: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
