#!/usr/bin/env python3
"""Language server latency: time from sending textDocument/didChange to receiving the
textDocument/publishDiagnostics for that version, on a 10,000-line file, over many edits.

usage: bench.py MONITORC [--lines 10000] [--edits 200] [--modes default,full,targets] [--write docs/performance.md]

Edits alternate between breaking a field name (`metric` -> `metirc`, one new error) and
fixing it again, at lines spread over the whole file, sent as incremental changes.
The run fails if a published result does not match the edit (error present or gone).
A third run declares a mackerel, a prometheus and a grafana target in the file (see gen.py), so
every edit that fixes the field also runs the backends' checks over the host and external monitors.
"resize" breaks the field name by making it one byte longer (`metric` -> `metricx`), so that every
edit changes the text's size, as typing does (everything after the edit moves).
"""
import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "lsp"))
sys.path.insert(0, HERE)
import gen  # noqa: E402
from lspclient import Client, uri  # noqa: E402


def percentile(values, p):
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def cpu_ms(pid):
    """User + system CPU time of a process so far, in ms (Linux /proc)."""
    try:
        fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("monitorc")
    ap.add_argument("--lines", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--modes", default="default,full,targets",
                    help="which runs: default, full (--full-reparse: slow on large files), targets (targets declared), "
                         "resize (edits that change the text's size)")
    ap.add_argument("--write", help="append the figures to this markdown file under '## LSP'")
    args = ap.parse_args()
    results = {}
    modes = {"default": ("statement re-check (default)", (), False, "metirc"),
             "full": ("full re-parse (--full-reparse)", ("--full-reparse",), False, "metirc"),
             "targets": ("default, targets declared", (), True, "metirc"),
             "resize": ("default, edits that change the size", (), False, "metricx")}
    for key in args.modes.split(","):
        if key not in modes:
            sys.exit("bench: unknown mode %r (default, full, targets, resize)" % key)
        mode, extra, targets, broken_name = modes[key]
        results[mode] = run(args, extra, targets, broken_name)
        r = results[mode]
        print("%s: didChange -> publishDiagnostics on a %d-line file (%d bytes), %d incremental edits"
              % (mode, args.lines, r["size"], len(r["lat"])))
        print("  p50 %.1f ms   p95 %.1f ms   max %.1f ms   mean %.1f ms   (didOpen -> first diagnostics %.1f ms, "
              "-> with lint %.1f ms)" % (r["p50"], r["p95"], max(r["lat"]), statistics.mean(r["lat"]), r["open"], r["open_all"]))
        print("  server CPU per edit %.1f ms; load average %.1f on %d CPUs; %d lint findings published"
              % (r["cpu"], r["load"], os.cpu_count() or 0, r["lint"]))
        print("  server CPU from start to didOpen's first diagnostics %.0f ms, to those with lint %.0f ms"
              % (r["open_cpu"], r["open_all_cpu"]))
    if args.write:
        write(args.write, args, results)


def compiler_only(diags):
    """The compiler's own diagnostics: lint findings (codes MONnnn) are published beside them."""
    return [d for d in diags if not str(d.get("code", "")).startswith("MON")]


def run(args, extra, declare_targets, broken_name="metirc"):
    text = gen.generate(args.lines, targets=declare_targets)
    lines = text.split("\n")
    targets = [i for i, l in enumerate(lines) if l.strip() == 'metric = "cpu%"']
    tmp = tempfile.mkdtemp(prefix="lsp-bench-")
    path = os.path.join(tmp, "big.mon")
    with open(path, "w") as f:
        f.write(text)
    doc = uri(path)

    c = Client(args.monitorc, args=extra)
    c.initialize(tmp)
    t0 = time.perf_counter()
    c.notify("textDocument/didOpen", {"textDocument": {"uri": doc, "languageId": "mon", "version": 1, "text": text}})
    t_open, m = c.diagnostics(doc, version=1, timeout=60)
    open_cpu = cpu_ms(c.proc.pid)
    if compiler_only(m["params"]["diagnostics"]):
        sys.exit("bench: the generated file has diagnostics: %s" % compiler_only(m["params"]["diagnostics"])[0])
    open_ms = (t_open - t0) * 1000
    if len(m["params"]["diagnostics"]) == 0:
        # The server publishes the compiler's diagnostics first and again once lint ran.
        t_open, m = c.diagnostics(doc, version=1, timeout=60)
    lint_findings = len(m["params"]["diagnostics"])
    open_all_ms = (t_open - t0) * 1000
    open_all_cpu = cpu_ms(c.proc.pid)

    latencies = []
    version = 1
    load_before = os.getloadavg()[0]
    cpu_start = cpu_ms(c.proc.pid)
    for k in range(args.edits):
        line = targets[(k // 2) * 7919 % len(targets)]
        col = lines[line].index("metric")
        broken = k % 2 == 0
        old, new = ("metric", broken_name) if broken else (broken_name, "metric")
        version += 1
        change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + len(old)}},
                  "text": new}
        start = time.perf_counter()
        c.notify("textDocument/didChange", {"textDocument": {"uri": doc, "version": version}, "contentChanges": [change]})
        t, m = c.diagnostics(doc, version=version, timeout=30)
        latencies.append((t - start) * 1000)
        diags = compiler_only(m["params"]["diagnostics"])
        expect = 2 if broken else 0  # unknown field + missing 'metric'
        if len(diags) != expect or (broken and diags[0]["range"]["start"]["line"] != line):
            sys.exit("bench: edit %d published %d diagnostic(s), expected %d" % (k, len(diags), expect))

    cpu_per_edit = (cpu_ms(c.proc.pid) - cpu_start) / len(latencies)
    load = max(load_before, os.getloadavg()[0])
    c.request("shutdown")
    c.notify("exit")
    c.close()

    return {"lat": latencies, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "open": open_ms,
            "open_all": open_all_ms, "open_cpu": open_cpu, "open_all_cpu": open_all_cpu,
            "cpu": cpu_per_edit, "load": load, "size": len(text), "lint": lint_findings}


def write(path, args, results):
    first = next(iter(results.values()))
    section = [
        "## LSP",
        "",
        "`python3 bench/lsp/bench.py build/cli/monitorc --write docs/performance.md` drives `monitorc lsp`",
        "over pipes: it opens a generated %d-line file (%d bytes: host, service and external" % (args.lines, first["size"]),
        "monitors and dashboards), then sends %d incremental `didChange` edits that alternately break and" % len(first["lat"]),
        "fix a field name at lines spread over the file, and times each edit from sending it to receiving",
        "the `publishDiagnostics` for that version (which must hold the right diagnostics). Goal: 10 ms at p50",
        "on an 86,000-line file (`--lines 86000`).",
        "",
        "After an edit the server parses again only the top-level statements the edit touched (see",
        "lsp/incremental.cpp) and, in a file of monitors and dashboards like this one, checks only those",
        "statements again: expansion, schema, the backends' checks and lint, keeping every other",
        "statement's findings and making the findings that compare monitors (MON009) again over all of",
        "them (lsp/recheck.h). `--full-reparse` parses and checks the whole document every time.",
        "\"Targets declared\": the same file with a mackerel, a prometheus and a grafana target, so the",
        "backends' checks translate its host and external monitors for both; target blocks are outside",
        "what the statement-level re-check handles, so there every edit checks the whole program.",
        "didOpen: the compile's diagnostics are published first, lint's (about one finding per 10 lines",
        "here) with a second publication.",
        "",
        "| ms | " + " | ".join(results.keys()) + " |",
        "|---|" + "---|" * len(results),
    ]
    rows = [("p50", lambda r: r["p50"]), ("p95", lambda r: r["p95"]), ("max", lambda r: max(r["lat"])),
            ("mean", lambda r: statistics.mean(r["lat"])), ("didOpen -> first diagnostics", lambda r: r["open"]),
            ("didOpen -> diagnostics with lint", lambda r: r["open_all"]),
            ("server CPU time per edit (user + system)", lambda r: r["cpu"]),
            ("server CPU time from start to didOpen's first diagnostics", lambda r: r["open_cpu"]),
            ("server CPU time from start to didOpen's diagnostics with lint", lambda r: r["open_all_cpu"])]
    for name, f in rows:
        section.append("| %s | " % name + " | ".join("%.1f" % f(r) for r in results.values()) + " |")
    load = max(r["load"] for r in results.values())
    section += [
        "",
        "Measured %s on %s (%s, %d CPUs; load average up to %.1f during the run, from other" % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), platform.machine(), platform.system(),
            os.cpu_count() or 0, load),
        "builds on the same machine: wall-clock figures grow with the load, CPU time much less).",
        "",
    ]
    old = open(path).read() if os.path.exists(path) else "# Performance\n"
    block = "\n".join(section)
    # Replace an earlier LSP section (up to the next '## ' heading), else append.
    pattern = re.compile(r"^## LSP\n.*?(?=^## |\Z)", re.S | re.M)
    new = pattern.sub(lambda _: block + "\n", old, count=1) if pattern.search(old) else old.rstrip("\n") + "\n\n" + block
    with open(path, "w") as f:
        f.write(new)


if __name__ == "__main__":
    main()
