#!/usr/bin/env python3
"""Engine benchmarks against the fake Mackerel server (tests/fakes/mackerel).

1. plan against 10,000 remote monitors (+100 dashboards, from bench/gen): wall time, the time
   spent in HTTP exchanges (from the -v log), the time beyond that, and peak RSS.
2. apply of 1,000 changes (updates) with 50 ms latency injected on every request, at
   --parallel 1 and --parallel 16; prints the ratio of the write phases and of the whole runs.

usage: bench_engine.py MONITORC [WORKDIR]
"""
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "engine"))
from harness import FakeServer, KEY  # noqa: E402

MARK = "managed-by: monitorc"


def with_marker(obj):
    obj = dict(obj)
    memo = obj.get("memo") or ""
    obj["memo"] = memo + "\n\n" + MARK if memo else MARK
    return obj




def run_rss(monitorc, args, cwd):
    """Like run(), measuring the child's peak RSS with wait4."""
    env = dict(os.environ, MONITORC_TEST_KEY=KEY)
    outf = tempfile.TemporaryFile(mode="w+")
    errf = tempfile.TemporaryFile(mode="w+")
    start = time.monotonic()
    proc = subprocess.Popen([monitorc, *args], cwd=cwd, env=env, stdout=outf, stderr=errf,
                            stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    outf.seek(0)
    errf.seek(0)
    return wall, usage.ru_maxrss / 1024.0, outf.read(), errf.read(), os.waitstatus_to_exitcode(status)


def http_ms(stderr):
    """Wall time covered by HTTP exchanges (the union of their intervals; some run in parallel)."""
    spans = sorted((int(at), int(at) + int(ms)) for ms, at in
                   re.findall(r"^monitorc: http: .* \((\d+) ms, started at \+(\d+) ms\)$", stderr, re.M))
    total, end = 0, -1
    for a, b in spans:
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    monitorc = os.path.abspath(sys.argv[1])
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="monitorc-bench-engine-")
    os.makedirs(work, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen", "gen_workload.py"), work],
                   check=True, stdout=subprocess.DEVNULL)
    flat = os.path.join(work, "flat")
    server = FakeServer(work)
    try:
        with open(os.path.join(flat, "bench_target.mon"), "w") as f:
            f.write(f'target mackerel "fake" {{\n  base_url = "{server.base}/"\n  api_key_env = "MONITORC_TEST_KEY"\n}}\n')
        sources = ["main.mon", "bench_target.mon"]
        subprocess.run([monitorc, "build", *sources, "-o", os.path.join(work, "out")], cwd=flat, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = os.path.join(work, "out", "mackerel")
        with open(os.path.join(out, "monitors.json")) as f:
            monitors = [with_marker(m) for m in json.load(f)["monitors"]]
        dashboards = []
        for dirpath, _, files in os.walk(os.path.join(out, "dashboards")):
            for name in sorted(files):
                with open(os.path.join(dirpath, name)) as f:
                    dashboards.append(with_marker(json.load(f)))
        seed = {"monitors": monitors, "dashboards": dashboards}
        server.control("PUT", "/_state", seed)
        print(f"remote: {len(monitors)} monitors, {len(dashboards)} dashboards")

        # 1. plan against 10,000 remote monitors.
        wall_c, rss_c, _, _, rc = run_rss(monitorc, ["check", *sources], flat)
        assert rc == 0, "check failed"
        best = None
        for _ in range(3):
            wall, rss, stdout, stderr, rc = run_rss(monitorc, ["plan", *sources, "--target", "fake", "-v"], flat)
            assert rc == 0, stderr[-2000:]
            assert "No changes." in stdout, stdout[-2000:]
            beyond = wall - http_ms(stderr) / 1000.0
            if best is None or beyond < best[2]:
                best = (wall, http_ms(stderr) / 1000.0, beyond, rss)
        wall, http, beyond, rss = best
        print(f"plan (10,000 monitors, 100 dashboards, no changes), best of 3:")
        print(f"  wall {wall:.2f} s, in HTTP exchanges {http:.2f} s, beyond HTTP {beyond:.2f} s, peak RSS {rss:.0f} MiB")
        print(f"  of which compiling the source (monitorc check alone): {wall_c:.2f} s, peak RSS {rss_c:.0f} MiB")

        # 2. apply 1,000 updates with 50 ms latency, --parallel 1 vs 16.
        changed = json.loads(json.dumps(seed))
        for m in changed["monitors"][:1000]:
            m["memo"] = "edited in the UI\n\n" + MARK
        results = {}
        for parallel in (1, 16):
            server.control("DELETE", "/_fault")
            server.control("PUT", "/_state", changed)
            server.fault(latency_ms=50)
            wall, rss, stdout, stderr, rc = run_rss(
                monitorc, ["apply", *sources, "--target", "fake", "--auto-approve", "--parallel", str(parallel)], flat)
            assert rc == 0, stdout[-2000:] + stderr[-2000:]
            m = re.search(r"Apply complete: (\d+) succeeded, 0 failed \(([\d.]+) s\)", stdout)
            assert m and m.group(1) == "1000", stdout[-500:]
            results[parallel] = (float(m.group(2)), wall)
            print(f"apply 1,000 updates, 50 ms latency, --parallel {parallel}: writes {float(m.group(2)):.2f} s, "
                  f"whole run {wall:.2f} s")
        server.control("DELETE", "/_fault")
        w1, t1 = results[1]
        w16, t16 = results[16]
        print(f"speed-up --parallel 16 vs 1: writes {w1 / w16:.1f}x, whole run (incl. reading the remote) {t1 / t16:.1f}x"
              f" (goal >= 8x)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
