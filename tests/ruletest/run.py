#!/usr/bin/env python3
"""`monitorc test` end to end: exit codes, located failures, diagnostics of malformed tests,
JUnit XML, and agreement with promtool run directly on hand-written files of the same cases."""
import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def run(monitorc, *args, env=None):
    p = subprocess.run([monitorc, "test", *args], capture_output=True, text=True, cwd=CASES, env=env)
    return p.returncode, p.stdout, p.stderr


def promtool(rules, tests):
    """promtool's own verdict on a hand-written rule file and test file."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "rules.yml"), "w") as f:
            f.write(rules)
        with open(os.path.join(d, "tests.yml"), "w") as f:
            f.write(tests)
        p = subprocess.run([os.environ.get("MONITORC_PROMTOOL", "promtool"), "test", "rules", "tests.yml"],
                           capture_output=True, text=True, cwd=d)
        return p.returncode


RULES = """groups:
  - name: g
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 2m
        labels: {severity: page}
"""

TESTS = """rule_files: [rules.yml]
tests:
  - interval: 1m
    input_series:
      - series: 'up{instance="web-1"}'
        values: '1 1 0 0 0 0'
    alert_rule_test:
      - eval_time: %s
        alertname: InstanceDown
        exp_alerts: [{exp_labels: {instance: web-1, severity: page}}]
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    monitorc = os.path.abspath(ap.parse_args().monitorc)

    # Passing Prometheus expectations: promtool agrees.
    code, out, err = run(monitorc, "prometheus.mon")
    check(code == 0, "prometheus.mon passes (exit %d)\n%s%s" % (code, out, err))
    check("PASS  prometheus  instance down after two minutes  (prometheus.mon:18:6)" in out, "pass line\n" + out)
    check(out.rstrip().endswith("2 passed, 0 failed"), "summary line\n" + out)
    check(promtool(RULES, TESTS % "4m") == 0, "promtool itself passes the InstanceDown case at 4m")

    # Failing expectations: promtool fails them too, reported at the expect block.
    code, out, err = run(monitorc, "prometheus_fail.mon")
    check(code == 1, "prometheus_fail.mon fails (exit %d)\n%s%s" % (code, out, err))
    check(promtool(RULES, TESTS % "3m") == 1, "promtool itself fails the InstanceDown case at 3m")
    check("prometheus_fail.mon:22:3: 'InstanceDown' at 3m" in out, "failure located at the expect block\n" + out)
    check("got:      []" in out, "promtool's got shown\n" + out)
    # critical expected: monitorc asks for the critical and the warning alert; only warning fired.
    check("prometheus_fail.mon:34:3: 'queue backlog' at 3m" in out, "second failure located\n" + out)
    check('severity="warning"' in out.split("prometheus_fail.mon:34:3")[1], "got the warning alert\n" + out)
    check(out.rstrip().endswith("0 passed, 2 failed"), "fail summary\n" + out)

    # Mackerel: one pass, one fail with expected against got.
    junit = os.path.join(tempfile.mkdtemp(), "report.xml")
    code, out, err = run(monitorc, "mackerel.mon", "--junit", junit)
    check(code == 1, "mackerel.mon has a failing test (exit %d)\n%s%s" % (code, out, err))
    check("PASS  mackerel  load passes" in out, "mackerel pass\n" + out)
    check("FAIL  mackerel  load fails  (mackerel.mon:31:6)" in out, "mackerel fail\n" + out)
    check("mackerel.mon:37:3: 'load high' at 4m\n      expected: warning\n      got:      web-1: ok" in out,
          "mackerel expected/got\n" + out)

    # JUnit: one suite per system, a testcase per test, failure text with the location.
    root = ET.parse(junit).getroot()
    check(root.tag == "testsuites" and root.get("tests") == "2" and root.get("failures") == "1", "junit root " + str(root.attrib))
    suites = root.findall("testsuite")
    check([s.get("name") for s in suites] == ["mackerel"], "junit suites")
    cases = suites[0].findall("testcase")
    check([c.get("name") for c in cases] == ["load passes", "load fails"], "junit cases")
    check(cases[0].find("failure") is None, "passing case has no failure")
    f = cases[1].find("failure")
    check(f is not None and "mackerel.mon:37:3" in f.text and "expected: warning" in f.text, "junit failure text")

    # Mackerel external monitors and alert texts: passes, a wrong message at the message
    # field, a wrong level (with the expected message beside it), a connectivity alert that
    # has no text, and an anomaly detection monitor skipped with its reason.
    code, out, err = run(monitorc, "mackerel_external.mon")
    check(code == 1, "mackerel_external.mon has failing tests (exit %d)\n%s%s" % (code, out, err))
    check("PASS  mackerel  api passes" in out, "external pass\n" + out)
    check("PASS  mackerel  load text passes" in out, "host text pass\n" + out)
    check("mackerel_external.mon:46:15: 'api health' at 3m: message\n"
          "      expected: \"503 Service Unavailable\"\n      got:      \"503\"" in out,
          "wrong message located at the message field\n" + out)
    check("mackerel_external.mon:55:3: 'api health' at 1m\n"
          "      expected: critical \"response body does not contain \"ok\"\"\n      got:      ok" in out,
          "wrong level: expected with its message, got ok (one failing check of two)\n" + out)
    check("mackerel_external.mon:81:15: 'alive' at 5m: message" in out and
          "no text: Mackerel's connectivity alerts carry neither a message nor a value" in out,
          "connectivity has no text\n" + out)
    check("SKIP  mackerel  anomaly is skipped" in out and "does not publish it" in out, "anomaly skipped\n" + out)
    check(out.rstrip().endswith("2 passed, 3 failed, 1 skipped"), "external summary\n" + out)

    # A message where no alert can carry one: located diagnostics, nothing run.
    code, out, err = run(monitorc, "bad_message.mon")
    check(code == 2, "bad_message.mon exit 2 (got %d)\n%s" % (code, err))
    for want in [
        "bad_message.mon:20:15: error: 'message' expects the text of an alert, but severity = ok expects none",
        "bad_message.mon:30:15: error: 'message' is the text of a Mackerel alert; 'InstanceDown' is a Prometheus alert block",
    ]:
        check(want in err, "diagnostic: " + want + "\n" + err)

    # --target-system leaves the other system's tests out.
    code, out, err = run(monitorc, "prometheus.mon", "--target-system", "mackerel")
    check(code == 0 and out.strip() == "0 passed, 0 failed", "no mackerel tests in prometheus.mon\n" + out)

    # Malformed tests: located diagnostics, exit 2, nothing run.
    code, out, err = run(monitorc, "bad_series.mon")
    check(code == 2, "bad_series.mon exit 2 (got %d)" % code)
    for want in [
        "bad_series.mon:10:19: error: invalid series values: '3+x4' is not 'A+BxN' with numbers A and B",
        "bad_series.mon:21:10: error: test expects an alert of 'load hihg', but no monitor or alert block has that name",
        "did you mean 'load high'?",
        "bad_series.mon:31:10: error: 'at' is 10m, after the last sample of every input series (2m)",
        "bad_series.mon:36:21: error: unknown target system 'mackrel' for a test",
    ]:
        check(want in err, "diagnostic: " + want + "\n" + err)
    check(out == "", "nothing run when the source has errors\n" + out)

    # No promtool: the test is an error, not a pass.
    env = dict(os.environ, MONITORC_PROMTOOL="/nonexistent/promtool")
    code, out, err = run(monitorc, "prometheus.mon", env=env)
    check(code == 1 and "ERROR  prometheus" in out and "not found" in out, "missing promtool\n" + out)

    print("ruletest_cli: %s" % ("ok" if not failures else "%d check(s) failed" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
