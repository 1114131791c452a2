#!/usr/bin/env python3
"""Golden tests for `monitorc lint`, and its output formats.

cases/NAME.mon is linted from cases/ and its exact stderr must equal cases/NAME.diag. A case
named MONxxx_... runs that rule alone (--only MONxxx): MONxxx_fail must report it and
MONxxx_pass must not, so every rule has a failing and a passing case. A first line
`# args: ...` gives other arguments. The exit status must be 1 when the golden reports an
error, else 0. Then the formats: JSON, SARIF 2.1.0 (validated against sarif-subset.schema.json,
the spec's required properties and value types), and GitHub workflow commands, for lint and
for check; and docs/lint.md must describe every rule `--list-rules` prints.

    run.py --monitorc PATH [--update] [NAME ...]
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
ROOT = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = 30


def run(monitorc, args, cwd=CASES):
    return subprocess.run([monitorc] + args, cwd=cwd, capture_output=True, timeout=TIMEOUT)


def args_of(path):
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    return shlex.split(first[len("# args:"):]) if first.startswith("# args:") else []


def check_case(monitorc, name, update):
    args = args_of(os.path.join(CASES, name + ".mon"))
    m = re.match(r"(MON\d{3})_(fail|pass)$", name)
    if m:
        args = ["--only", m.group(1)] + args
    p = run(monitorc, ["lint", name + ".mon"] + args)
    err = p.stderr.decode("utf-8", "replace")
    problems = []
    if p.stdout:
        problems.append("unexpected stdout: %r" % p.stdout[:200])
    if m and m.group(2) == "fail" and "[%s]" % m.group(1) not in err:
        problems.append("%s is not reported" % m.group(1))
    if m and m.group(2) == "pass" and err:
        problems.append("a passing case reports something")
    golden = os.path.join(CASES, name + ".diag")
    if update and not problems:
        with open(golden, "w", encoding="utf-8") as f:
            f.write(err)
    elif not os.path.exists(golden):
        problems.append("no golden (run with --update)")
    else:
        with open(golden, encoding="utf-8") as f:
            want = f.read()
        if want != err:
            import difflib
            problems.append("stderr differs from the golden:\n" + "".join(
                difflib.unified_diff(want.splitlines(True), err.splitlines(True), name + ".diag", "actual")))
        last = want.strip().splitlines()[-1] if want.strip() else ""
        expected = 1 if re.search(r"\d+ errors?\b", last) else 0
        if p.returncode != expected:
            problems.append("exit status %d, expected %d" % (p.returncode, expected))
    return problems


def validate_sarif(doc, what, problems):
    try:
        import jsonschema
    except ImportError:
        problems.append("python3-jsonschema is not installed (scripts/install-deps.sh)")
        return
    with open(os.path.join(HERE, "sarif-subset.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    for e in jsonschema.Draft7Validator(schema).iter_errors(doc):
        problems.append("%s: SARIF invalid at %s: %s" % (what, "/".join(map(str, e.absolute_path)), e.message))
    run0 = doc["runs"][0]
    rules = run0["tool"]["driver"].get("rules", [])
    for r in run0.get("results", []):
        if rules[r["ruleIndex"]]["id"] != r["ruleId"]:
            problems.append("%s: ruleIndex %d is not rule %s" % (what, r["ruleIndex"], r["ruleId"]))


def format_checks(monitorc):
    problems = []

    def expect(cond, what):
        if not cond:
            problems.append(what)

    base = ["lint", "MON001_fail.mon", "--only", "MON001,MON004"]
    j = json.loads(run(monitorc, base + ["--format", "json"]).stderr)
    expect(len(j) == 6, "json: six findings, got %d" % len(j))
    expect([d.get("rule") for d in j] == ["MON004", "MON001", "MON004", "MON001", "MON004", "MON001"],
           "json: rules in source order: %r" % [d.get("rule") for d in j])
    expect(j[1]["severity"] == "error" and j[1]["code"] == "lint_threshold_order", "json: MON001 is an error")
    expect((j[1]["location"]["line"], j[1]["location"]["column"]) == (3, 46), "json: MON001 at 3:46")

    p = run(monitorc, base + ["--format", "sarif"])
    expect(p.returncode == 1 and not p.stderr, "sarif: exit 1 and nothing on stderr")
    doc = json.loads(p.stdout)
    validate_sarif(doc, "lint", problems)
    res = doc["runs"][0]["results"]
    expect(len(res) == len(j), "sarif: one result per finding")
    expect(res[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3, "sarif: MON001 on line 3")
    expect(res[1].get("relatedLocations", [{}])[0].get("message", {}).get("text") == "'critical' is set here",
           "sarif: the note is a related location")
    ids = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
    expect(sorted(ids) == ["MON001", "MON004"], "sarif: the rules used: %r" % ids)

    p = run(monitorc, base + ["--format", "github"])
    lines = p.stdout.decode().splitlines()
    pat = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[A-Za-z0-9_]+::[^\r\n]+$")
    expect(len(lines) == len(j), "github: one line per finding, got %d" % len(lines))
    for line in lines:
        expect(pat.match(line), "github: malformed line %r" % line)
    expect(lines and lines[1].startswith("::error file=MON001_fail.mon,line=3,col=46,"), "github: MON001 first: %r" % lines[:2])
    expect(lines and "%0AMON001_fail.mon:3:61: note: 'critical' is set here" in lines[1], "github: notes on %0A lines")

    # check takes the same formats; a run-level error (no place) is a result without locations.
    bad = os.path.join(ROOT, "tests", "check")
    p = run(monitorc, ["check", "--format", "sarif", "unknown_field.mon", "missing.mon"], cwd=bad)
    doc = json.loads(p.stdout)
    validate_sarif(doc, "check", problems)
    res = doc["runs"][0]["results"]
    expect(any(r["ruleId"] == "err_unknown_field" for r in res), "check sarif: err_unknown_field")
    expect(any("locations" not in r for r in res), "check sarif: the unreadable file is a result without a place")
    p = run(monitorc, ["check", "--format", "github", "unknown_field.mon"], cwd=bad)
    expect(p.stdout.decode().startswith("::error file=unknown_field.mon,line=2,col=3,"), "check github: %r" % p.stdout[:80])

    # Every rule is documented, under its code.
    listed = re.findall(r"^(MON\d{3}) ", run(monitorc, ["lint", "--list-rules"]).stdout.decode(), re.M)
    with open(os.path.join(ROOT, "docs", "lint.md"), encoding="utf-8") as f:
        doc_text = f.read()
    expect(len(listed) >= 16, "--list-rules lists %d rules" % len(listed))
    for code in listed:
        expect(re.search(r"^### %s " % code, doc_text, re.M), "docs/lint.md has no section for %s" % code)
        expect(os.path.exists(os.path.join(CASES, code + "_fail.mon")), "%s has no failing case" % code)
        expect(os.path.exists(os.path.join(CASES, code + "_pass.mon")), "%s has no passing case" % code)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    monitorc = os.path.abspath(a.monitorc)
    failures = count = 0
    for name in sorted(f[:-4] for f in os.listdir(CASES) if f.endswith(".mon")):
        if a.names and name not in a.names:
            continue
        count += 1
        problems = check_case(monitorc, name, a.update)
        if problems:
            failures += 1
            print("FAIL %s\n  %s" % (name, "\n  ".join(problems)))
    if not a.names:
        count += 1
        problems = format_checks(monitorc)
        if problems:
            failures += 1
            print("FAIL formats\n  " + "\n  ".join(problems))
    print("%d of %d cases passed" % (count - failures, count))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
