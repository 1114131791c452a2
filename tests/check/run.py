#!/usr/bin/env python3
"""Golden tests for `monitorc check` on bad input.

Every NAME.mon in this folder (not in lib/, which holds files the cases import) is checked
from this folder with a relative path; the exact stderr must equal NAME.diag. A first line
`# args: ...` adds command-line arguments. A few inputs cannot live in the repository as
files (a NUL byte, invalid UTF-8, a 1000-deep nesting): they are generated into a temporary
folder and checked the same way against generated/NAME.diag. Every case must exit with
status 1 within the time limit and never crash. `--diagnostics-format json` is checked for a
few cases field by field.

    run.py --monitorc PATH [--update] [NAME ...]
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CRASH_WORDS = ("Segmentation", "terminate called", "Assertion", "AddressSanitizer", "runtime error", "Aborted")
TIMEOUT = 30


def big_name_times_many():
    s = b'let s0 = "xxxxxxxx"\n'
    s += b"".join(b'let s%d = "${s%d}${s%d}"\n' % (i, i - 1, i - 1) for i in range(1, 18))
    s += b"let n0 = [0, 0]\n"
    s += b"".join(b"let n%d = concat(n%d, n%d)\n" % (i, i - 1, i - 1) for i in range(1, 17))
    return s + b'for i in n16 {\n  monitor connectivity "${s17}" { }\n}\n'


def generated_inputs():
    deep = b"let deep = " + b"[" * 1000 + b"1" + b"]" * 1000 + b"\n"
    deep_blocks = b"".join(b"b%d {\n" % i for i in range(1000)) + b"}\n" * 1000
    return {
        "nul_byte": b'monitor host "cpu" {\n  metric = "cpu%"  operator = ">"  warning = 70\n  memo = "a\x00b"\n  duration = 5m \x00\n}\n',
        "invalid_utf8": b'monitor host "caf\xc3\xa9 \xff" {\n  # a comment with a bad byte \xc0\xaf\n  metric = "cpu%"  operator = ">"  warning = 70  duration = 5m\n}\n',
        "nesting_too_deep": deep,
        "nesting_too_deep_blocks": deep_blocks,
        "chain_too_deep": b"let x = true\nlet a = x" + b" || x" * 5000 + b"\nmonitor connectivity \"${a}\" { }\n",
        # 913 bytes: a 1 MiB name (17 doublings) for 131,072 monitors. Before: 3 GB of memory and
        # each error quoting the whole name (525 MB of stderr); now the budget stops it at once.
        "budget_big_name": big_name_times_many(),
        # Reading a FIFO would wait for a writer forever; reading a 64 MiB+ file is refused unread.
        "import_fifo": b'import "pipe.mon"\n\nmonitor connectivity "alive" { }\n',
        "import_too_large": b'import "huge.mon"\n\nmonitor connectivity "alive" { }\n',
    }


def make_side_files(tmp):
    """Files the generated cases import: a FIFO with no writer, and a sparse file one byte over
    the 64 MiB source limit (no disk space used)."""
    os.mkfifo(os.path.join(tmp, "pipe.mon"))
    with open(os.path.join(tmp, "huge.mon"), "wb") as f:
        f.truncate((64 << 20) + 1)


def run_check(monitorc, cwd, name, extra):
    cmd = [monitorc, "check", name + ".mon"] + extra
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, b"", b"timed out after %d s" % TIMEOUT
    return p.returncode, p.stdout, p.stderr


def args_of(path):
    with open(path, "rb") as f:
        first = f.readline().decode("utf-8", "replace")
    return shlex.split(first[len("# args:"):]) if first.startswith("# args:") else []


def check_case(monitorc, cwd, name, golden, extra, update):
    status, out, err = run_check(monitorc, cwd, name, extra)
    problems = []
    if status is None:
        problems.append("timed out")
    elif status != 1:
        problems.append("exit status %d, expected 1" % status)
    text = err.decode("utf-8", "replace")
    for w in CRASH_WORDS:
        if w in text:
            problems.append("output mentions %r" % w)
    if len(err) > 100000:  # messages quote bounded text: no case comes near this
        problems.append("stderr is %d bytes" % len(err))
    if out:
        problems.append("unexpected stdout: %r" % out[:200])
    if not err.endswith(b" generated.\n"):
        problems.append("stderr does not end with the summary line")
    if update and not problems:
        os.makedirs(os.path.dirname(golden), exist_ok=True)
        with open(golden, "wb") as f:
            f.write(err)
    elif not os.path.exists(golden):
        problems.append("no golden %s (run with --update)" % os.path.relpath(golden, HERE))
    else:
        with open(golden, "rb") as f:
            want = f.read()
        if want != err:
            import difflib
            diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(True), text.splitlines(True),
                                        os.path.basename(golden), "actual")
            problems.append("stderr differs from the golden:\n" + "".join(diff))
    return problems


def json_checks(monitorc):
    """--diagnostics-format json: the fields tools rely on."""
    problems = []

    def run(name):
        p = subprocess.run([monitorc, "check", "--diagnostics-format", "json", name + ".mon"], cwd=HERE,
                           capture_output=True, timeout=TIMEOUT)
        if p.returncode != 1:
            problems.append("%s json: exit status %d" % (name, p.returncode))
        try:
            return json.loads(p.stderr)
        except ValueError as e:
            problems.append("%s json: not JSON (%s): %r" % (name, e, p.stderr[:200]))
            return []

    def expect(cond, what):
        if not cond:
            problems.append("json: " + what)

    d = run("unknown_field")
    expect(len(d) == 3, "unknown_field: three diagnostics, got %d" % len(d))
    if d:
        x = d[0]
        expect(x["severity"] == "error", "severity is error")
        expect(x["code"] == "err_unknown_field", "code err_unknown_field, got %r" % x["code"])
        expect(x["message"] == "unknown field 'metirc' for host monitor", "message: %r" % x["message"])
        loc = x["location"]
        expect(loc["file"] == "unknown_field.mon", "file: %r" % loc["file"])
        expect((loc["line"], loc["column"], loc["endLine"], loc["endColumn"]) == (2, 3, 2, 9), "range: %r" % loc)
        expect(loc["length"] == 6, "length 6")
        expect([n["message"] for n in x["notes"]] == ["did you mean 'metric'?"], "notes: %r" % x["notes"])
        expect(x["notes"][0]["location"] is None, "a note without a place has location null")
        expect(x["fixits"] == [{"replacement": "metric", "location": loc}], "fixit: %r" % x["fixits"])

    d = run("duplicate_monitor")
    expect(len(d) == 1, "duplicate_monitor: one diagnostic")
    if d:
        x = d[0]
        expect(x["code"] == "err_duplicate_monitor", "code err_duplicate_monitor")
        expect(x["location"]["line"] == 5, "duplicate reported at the second monitor (line 5)")
        expect(len(x["notes"]) == 1 and x["notes"][0]["message"] == "first defined here", "note first defined here")
        expect(x["notes"] and x["notes"][0]["location"]["line"] == 1, "note points at line 1")

    d = run("template_error_inside")
    expect(len(d) == 1, "template_error_inside: one diagnostic")
    if d:
        notes = d[0]["notes"]
        expect([n["message"] for n in notes] == ["in template 'cpu' used here", "in template 'role' used here"],
               "use-site notes innermost first: %r" % [n["message"] for n in notes])
        expect([n["location"]["line"] for n in notes] == [8, 10], "use-site note lines: %r" % [n["location"]["line"] for n in notes])
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--update", action="store_true", help="rewrite the goldens from the current output")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    monitorc = os.path.abspath(a.monitorc)

    failures = 0
    count = 0
    names = sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".mon"))
    for name in names:
        if a.names and name not in a.names:
            continue
        count += 1
        problems = check_case(monitorc, HERE, name, os.path.join(HERE, name + ".diag"),
                              args_of(os.path.join(HERE, name + ".mon")), a.update)
        if problems:
            failures += 1
            print("FAIL %s\n  %s" % (name, "\n  ".join(problems)))
    with tempfile.TemporaryDirectory() as tmp:
        make_side_files(tmp)
        for name, data in generated_inputs().items():
            if a.names and name not in a.names:
                continue
            count += 1
            with open(os.path.join(tmp, name + ".mon"), "wb") as f:
                f.write(data)
            problems = check_case(monitorc, tmp, name, os.path.join(HERE, "generated", name + ".diag"), [], a.update)
            if problems:
                failures += 1
                print("FAIL %s (generated)\n  %s" % (name, "\n  ".join(problems)))
    if not a.names:
        count += 1
        problems = json_checks(monitorc)
        if problems:
            failures += 1
            print("FAIL json\n  " + "\n  ".join(problems))
    print("%d of %d cases passed" % (count - failures, count))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
