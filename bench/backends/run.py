#!/usr/bin/env python3
"""Side-by-side benchmark: each row of docs/performance.md's "Speed" table with its peer or
bound measured in the same run. Runs alternate (monitorc, peer, monitorc, peer, ...) so a
change in the machine's load hits both sides alike; the figures are medians of RUNS runs
(default 7), peak RSS is the child's own (wait4), and the ratio is peer / monitorc.

  bench/backends/run.py MONITORC [--runs N] [--rows dashboards,rules,monitors,plan,startup]
                        [--grafonnet VENDOR] [--before OTHER-MONITORC]

--before adds another monitorc binary (an earlier commit's) to the alternation of the
dashboards, rules, plan and startup rows, so before and after are measured in the same run.

Rows:
  dashboards  100 dashboards x 10 panels -> Grafana JSON: `monitorc build` (a default build of a
              Grafana-only source) vs plain Jsonnet (Debian's jsonnet) writing the same
              dashboards from bench/backends/dashboards.jsonnet; both outputs are compared as
              JSON first. monitorc builds into the same directory each time, as jsonnet -m
              writes its (both leave a file that would not change as it is), and also into an
              emptied directory, where every file is new. With --grafonnet VENDOR (a jsonnet-bundler vendor folder holding
              github.com/grafana/grafonnet and its dependencies; see docs/performance.md) a third
              command joins the alternation: jsonnet -J VENDOR on
              bench/backends/dashboards-grafonnet.jsonnet, the same dashboards built with
              grafonnet's constructors; every field monitorc writes must be in its output with the
              same value, and the fields grafonnet adds are named. Without it the peer is plain
              Jsonnet only (grafonnet is on no registry), and the output says so.
  rules       10,000 literal `monitor query` blocks -> one Prometheus rule file: `monitorc build`
              vs `promtool check rules` on the file it wrote.
  monitors    10,000 Mackerel monitors of all seven kinds + 100 dashboards (bench/gen's flat
              workload) -> monitors.json and dashboard files: `monitorc build --emit mackerel` vs
              the floor, nlohmann::json parsing, printing and writing the same files
              (json_floor.cpp, compiled by this script); and memory per monitor, peak RSS above a
              one-monitor build over the 10,000 monitors, and per further monitor, from the
              10,000 to 20,000 (the workload with a renamed copy of each monitor file).
  plan        `monitorc plan` of 2,000 monitors + 300 dashboards with no changes against the
              fake Mackerel API (tests/fakes/mackerel) with 50 ms added to every request, vs the
              bound requests / --parallel x 50 ms (the requests counted by the fake), and vs the
              floor: plan_floor.py making the same requests on as many kept-alive connections and
              nothing else, which says how much of the time is the fake's; each with the fake's
              own CPU time. `--before OLD_MONITORC` alternates an earlier build in the same row.
  startup     `monitorc --version` and a one-dashboard `build`, each started by this script
              itself so its CPU time is its own (no /usr/bin/time or env(1) around it), in
              milliseconds, beside a C++ hello world (shared and static) and a C program that
              returns; shared libraries mapped by a running `monitorc lsp` (/proc/PID/maps).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
LATENCY_MS = 50
PLAN_PARALLEL = 16


def run(cmd, cwd=None, env=None, check=True, direct=False):
    """(wall s, cpu s, peak RSS MiB, stdout, stderr) of one run of cmd. With direct=True the command
    is started by this process itself, so the CPU time is the command's alone (no /usr/bin/time),
    and the peak RSS is not measured (None)."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    # Peak RSS from /usr/bin/time: a child forked from this Python process would report at
    # least Python's own RSS (the copy it had before exec) in wait4's ru_maxrss.
    with tempfile.NamedTemporaryFile(mode="r") as rss_file:
        wrapper = [] if direct else ["/usr/bin/time", "-f", "%M", "-o", rss_file.name]
        start = time.perf_counter()
        proc = subprocess.Popen([*wrapper, *cmd], cwd=cwd, env=env,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        rss_kib = None if direct else int(rss_file.read().strip().splitlines()[-1])
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if check and os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}\n{stderr[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, None if rss_kib is None else rss_kib / 1024.0, stdout, stderr


def alternated(runs, *commands):
    """Runs each (cmd, kwargs) in turn, `runs` rounds; per command the median wall, median CPU
    and the largest peak RSS. A "before" callable in kwargs runs (untimed) before each run."""
    samples = [[] for _ in commands]
    for _ in range(runs):
        for i, (cmd, kw) in enumerate(commands):
            kw = dict(kw)
            before = kw.pop("before", None)
            if before:
                before()
            samples[i].append(run(cmd, **kw)[:3])
    return [(statistics.median(s[0] for s in xs), statistics.median(s[1] for s in xs),
             max((s[2] for s in xs if s[2] is not None), default=None))
            for xs in samples]


def row(label, wall, cpu, rss):
    print(f"  {label:<54} {wall:7.3f} s wall {cpu:7.3f} s CPU {rss:7.1f} MiB")


def start_row(label, wall, cpu, rss):
    """A start figure in milliseconds: the command's own time, without a wrapper's."""
    print(f"  {label:<54} {wall * 1000:6.1f} ms wall {cpu * 1000:6.1f} ms CPU {rss:7.1f} MiB")


# ------------------------------------------------------------------------------ dashboards

def dashboard_source(path, n, panels):
    q = 'sum by (instance) (rate(http_requests_total{{job=\\"job{}\\"}}[5m]))'
    with open(path, "w") as f:
        f.write('target grafana "bench" { datasource = "prom" }\n')
        for i in range(n):
            f.write(f'dashboard "Bench dashboard {i}" {{\n  url_path = "bench-d{i}"\n  memo = "generated"\n')
            for j in range(panels):
                at = f"x = {(j % 2) * 12} y = {(j // 2) * 6} width = 12 height = 6"
                if j % 2 == 0:
                    f.write(f'  graph "Panel {j}" {{ query = "{q.format(j)}" legend = "{{{{instance}}}}" unit = "reqps" {at} }}\n')
                else:
                    f.write(f'  value "Panel {j}" {{ query = "{q.format(j)}" fraction_size = 2 suffix = "req/s" {at} }}\n')
            f.write("}\n")


def read_dir(d):
    return {name: json.load(open(os.path.join(d, name))) for name in sorted(os.listdir(d)) if name.endswith(".json")}


def json_subset(mine, theirs, path=""):
    """The paths of the fields `theirs` sets beyond `mine` (array elements as []), provided every
    field of `mine` is in `theirs` with the same value; None where one differs or is missing."""
    if isinstance(mine, dict):
        if not isinstance(theirs, dict):
            return None
        extra = {f"{path}.{k}" for k in theirs if k not in mine}
        for k, v in mine.items():
            sub = json_subset(v, theirs[k], f"{path}.{k}") if k in theirs else None
            if sub is None:
                return None
            extra |= sub
        return extra
    if isinstance(mine, list):
        if not isinstance(theirs, list) or len(mine) != len(theirs):
            return None
        extra = set()
        for a, b in zip(mine, theirs):
            sub = json_subset(a, b, path + "[]")
            if sub is None:
                return None
            extra |= sub
        return extra
    return set() if mine == theirs and type(mine) is type(theirs) else None


def bench_dashboards(mon, tmp, runs, grafonnet=None, before=None):
    n, panels = 100, 10
    src = os.path.join(tmp, "dash.mon")
    dashboard_source(src, n, panels)
    out, jout = os.path.join(tmp, "dash-out"), os.path.join(tmp, "dash-jsonnet")
    os.makedirs(jout, exist_ok=True)
    mon_cmd = [mon, "build", "-o", out, src]
    sizes = ["--ext-code", f"dashboards={n}", "--ext-code", f"panels={panels}"]
    jsonnet_cmd = ["jsonnet", "-m", jout, *sizes, os.path.join(HERE, "dashboards.jsonnet")]
    # Built again into the same directory, as the jsonnet rows write theirs (both leave a file
    # that would not change as it is), and into an emptied directory, where every file is new.
    fresh = os.path.join(tmp, "dash-fresh")
    fresh_cmd = [mon, "build", "-o", fresh, src]
    empty_it = lambda: shutil.rmtree(fresh, ignore_errors=True)  # noqa: E731
    commands = [(mon_cmd, {}), (jsonnet_cmd, {}), (fresh_cmd, {"before": empty_it})]
    if before:
        bout, bfresh = os.path.join(tmp, "dash-before-out"), os.path.join(tmp, "dash-before-fresh")
        run([before, "build", "-o", bout, src])
        commands += [([before, "build", "-o", bout, src], {}),
                     ([before, "build", "-o", bfresh, src], {"before": lambda: shutil.rmtree(bfresh, ignore_errors=True)})]
    run(mon_cmd)
    run(jsonnet_cmd)
    mine = read_dir(os.path.join(out, "grafana", "bench", "dashboards"))
    theirs = read_dir(jout)
    same = mine == theirs and len(mine) == n
    grafonnet_note = "no --grafonnet: the peer is plain Jsonnet only"
    grafonnet_same = True
    if grafonnet:
        gout = os.path.join(tmp, "dash-grafonnet")
        os.makedirs(gout, exist_ok=True)
        grafonnet_cmd = ["jsonnet", "-J", os.path.abspath(grafonnet), "-m", gout, *sizes,
                         os.path.join(HERE, "dashboards-grafonnet.jsonnet")]
        run(grafonnet_cmd)
        built = read_dir(gout)
        extra = set()
        for name in mine:
            sub = json_subset(mine[name], built[name]) if name in built else None
            if sub is None:
                grafonnet_same = False
                break
            extra |= sub
        grafonnet_same = grafonnet_same and len(built) == n
        grafonnet_note = ("grafonnet: every field monitorc writes, same value: " +
                          ("yes" if grafonnet_same else "NO") +
                          (f"; fields grafonnet adds: {', '.join(sorted(extra)) or 'none'}" if grafonnet_same else ""))
    if grafonnet:
        commands.append((grafonnet_cmd, {}))
    other = sorted(p for p in os.listdir(out) if not p.startswith(".") and p != "grafana")
    measured = alternated(runs, *commands)
    (mw, mc, mr), (jw, jc, jr), (fw, fc, fr) = measured[:3]
    print(f"{n} dashboards x {panels} panels -> Grafana JSON (plain Jsonnet, same dashboards: "
          f"{'yes' if same else 'NO'}; {grafonnet_note}; other output folders: {', '.join(other) or 'none'})")
    row("monitorc build (default: every targeted backend)", mw, mc, mr)
    row("monitorc build into an emptied directory", fw, fc, fr)
    if before:
        (bw, bc, br), (bfw, bfc, bfr) = measured[3:5]
        row("before: monitorc build", bw, bc, br)
        row("before: monitorc build into an emptied directory", bfw, bfc, bfr)
    row("jsonnet (plain Jsonnet, no grafonnet)", jw, jc, jr)
    if grafonnet:
        gw, gc, gr = measured[-1]
        row("jsonnet + grafonnet", gw, gc, gr)
    print(f"  ratio jsonnet / monitorc: {jw / mw:.1f}x wall, {jc / max(mc, 1e-3):.1f}x CPU "
          f"(into an emptied directory: {jc / max(fc, 1e-3):.1f}x CPU)")
    if before:
        print(f"  ratio jsonnet / before: {jc / max(bc, 1e-3):.1f}x CPU (into an emptied directory: "
              f"{jc / max(bfc, 1e-3):.1f}x CPU)")
    if grafonnet:
        print(f"  ratio jsonnet + grafonnet / monitorc: {gw / mw:.1f}x wall, {gc / max(mc, 1e-3):.1f}x CPU")
    if not same:
        sys.exit("the two outputs differ: fix bench/backends/dashboards.jsonnet or the generator")
    if not grafonnet_same:
        sys.exit("grafonnet's output lacks or changes a field monitorc writes: fix "
                 "bench/backends/dashboards-grafonnet.jsonnet")


# ----------------------------------------------------------------------------------- rules

def bench_rules(mon, tmp, runs, before=None):
    src = os.path.join(tmp, "rules.mon")
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "rules", "10000", src], check=True)
    out = os.path.join(tmp, "rules-out")
    mon_cmd = [mon, "build", "-o", out, src]
    run(mon_cmd)
    rule_file = os.path.join(out, "prometheus", "bench", "bench.yml")
    n = sum(1 for line in open(rule_file) if line.startswith("      - alert:"))
    prom_cmd = ["promtool", "check", "rules", rule_file]
    commands = [(mon_cmd, {}), (prom_cmd, {})]
    if before:  # into a folder of its own, so each leaves its file as the next run finds it
        commands.append(([before, "build", "-o", os.path.join(tmp, "rules-out-before"), src], {}))
    results = alternated(runs, *commands)
    (mw, mc, mr), (pw, pc, pr) = results[:2]
    print(f"{n} literal alert rules (10,000 monitor query blocks, one file) -> Prometheus rule file")
    row("monitorc build", mw, mc, mr)
    row("promtool check rules (the same file)", pw, pc, pr)
    print(f"  ratio promtool / monitorc: {pw / mw:.1f}x wall, {pc / mc:.1f}x CPU")
    if before:
        bw, bc, br = results[2]
        row(f"before: {before}", bw, bc, br)
        print(f"  ratio promtool / before: {pw / bw:.1f}x wall, {pc / bc:.1f}x CPU")


# -------------------------------------------------------------------------------- monitors

def double_monitors(flat, out):
    """The flat workload with a renamed copy of every monitor file beside it: twice the
    monitors in the same shape, for memory per further monitor (what a monitor more costs,
    without what any large build holds whatever its size)."""
    shutil.copytree(flat, out)
    for name in sorted(os.listdir(flat)):
        if name.startswith(("hosts-", "services-")):
            text = open(os.path.join(flat, name)).read()
            with open(os.path.join(out, "b-" + name), "w") as f:
                f.write(re.sub(r'^(monitor [a-z_]+ )"', r'\1"b ', text, flags=re.M))


def bench_monitors(mon, tmp, runs):
    """10,000 Mackerel monitors of all seven kinds (+100 dashboards, bench/gen's flat workload)
    -> monitors.json and the dashboard files, against the floor: parsing the same files with
    nlohmann::json, printing and writing them again (json_floor.cpp). Also the memory per
    monitor: peak RSS above that of a build of one monitor, over the 10,000 monitors."""
    wl = os.path.join(tmp, "workload")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen", "gen_workload.py"), wl], check=True,
                   stdout=subprocess.DEVNULL)
    floor = os.path.join(tmp, "json_floor")
    subprocess.run(["c++", "-O2", "-std=c++17", "-o", floor, os.path.join(HERE, "json_floor.cpp")], check=True)
    out = os.path.join(tmp, "monitors-out")
    mon_cmd = [mon, "build", "--emit", "mackerel", "-o", out, os.path.join(wl, "flat")]
    run(mon_cmd)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(out, "mackerel")) for f in fs
                   if f.endswith(".json"))
    n = len(json.load(open(os.path.join(out, "mackerel", "monitors.json")))["monitors"])
    size = sum(os.path.getsize(f) for f in files)
    floor_out = os.path.join(tmp, "floor-out")
    os.makedirs(floor_out)
    floor_cmd = [floor, floor_out, *files]
    one = os.path.join(tmp, "one-monitor.mon")
    with open(one, "w") as f:
        f.write('monitor host "one" {\n  metric = "cpu%"\n  operator = ">"\n  warning = 80\n  critical = 90\n  duration = 5m\n'
                '  scopes = ["svc:web"]\n}\n')
    one_cmd = [mon, "build", "--emit", "mackerel", "-o", os.path.join(tmp, "one-out"), one]
    twice = os.path.join(tmp, "workload-twice")
    double_monitors(os.path.join(wl, "flat"), twice)
    twice_out = os.path.join(tmp, "twice-out")
    twice_cmd = [mon, "build", "--emit", "mackerel", "-o", twice_out, twice]
    run(twice_cmd)
    n2 = len(json.load(open(os.path.join(twice_out, "mackerel", "monitors.json")))["monitors"])
    assert n2 == 2 * n, f"the doubled workload built {n2} monitors, not {2 * n}"
    (mw, mc, mr), (fw, fc, fr), (_, _, orss), (_, _, trss) = alternated(
        runs, (mon_cmd, {}), (floor_cmd, {}), (one_cmd, {}), (twice_cmd, {}))
    print(f"{n} Mackerel monitors of all seven kinds + 100 dashboards (bench/gen flat, 3.9 MB of source) -> "
          f"{len(files)} JSON files, {size / 1e6:.1f} MB")
    row("monitorc build --emit mackerel", mw, mc, mr)
    row("floor: nlohmann parse + dump + write of the same files", fw, fc, fr)
    print(f"  monitorc / floor: {mw / fw:.1f}x wall, {mc / max(fc, 1e-3):.1f}x CPU")
    print(f"  memory per monitor: (peak RSS {mr:.1f} MiB - {orss:.1f} MiB of a one-monitor build) / {n} = "
          f"{(mr - orss) * 1024 * 1024 / n / 1024:.2f} KiB")
    print(f"  memory per further monitor: (peak RSS {trss:.1f} MiB of {n2} monitors - {mr:.1f} MiB) / {n2 - n} = "
          f"{(trss - mr) * 1024 * 1024 / (n2 - n) / 1024:.2f} KiB")


# ------------------------------------------------------------------------------------ plan

def plan_source(path, base, monitors, dashboards):
    with open(path, "w") as f:
        f.write(f'target mackerel "fake" {{\n  base_url = "{base}/"\n  api_key_env = "MONITORC_TEST_KEY"\n}}\n')
        metrics = ["cpu%", "memory%", "loadavg5", "disk%"]
        for i in range(monitors):
            f.write(f'monitor host "bench host monitor {i}" {{\n  metric = "{metrics[i % 4]}"\n  operator = ">"\n'
                    f'  warning = {70 + i % 10}\n  critical = {90 + i % 10}\n  duration = 5m\n'
                    f'  scopes = ["svc{i % 50}:role{i % 8}"]\n  memo = "bench {i}"\n}}\n')
        for i in range(dashboards):
            f.write(f'dashboard "Bench dashboard {i}" {{\n  url_path = "bench-d{i}"\n')
            for j in range(4):
                f.write(f'  graph "Panel {j}" {{ role = "svc{i % 50}:role{j}" metric = "loadavg5" '
                        f'x = {(j % 2) * 12} y = {(j // 2) * 6} width = 12 height = 6 }}\n')
            f.write("}\n")


def process_cpu(pid):
    """User + system CPU seconds a running process has used so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_plan(mon, tmp, runs, before=None):
    sys.path.insert(0, os.path.join(ROOT, "tests", "engine"))
    from harness import FakeServer, KEY  # noqa: E402
    n_mon, n_dash = 2000, 300
    work = os.path.join(tmp, "plan")
    os.makedirs(work)
    server = FakeServer(work)
    try:
        src = os.path.join(work, "main.mon")
        plan_source(src, server.base, n_mon, n_dash)
        run([mon, "build", "-o", os.path.join(work, "out"), src])
        mark = "managed-by: monitorc"

        def owned(o):
            o = dict(o)
            o["memo"] = (o.get("memo") or "") + ("\n\n" if o.get("memo") else "") + mark
            return o

        out = os.path.join(work, "out", "mackerel")
        monitors = [owned(m) for m in json.load(open(os.path.join(out, "monitors.json")))["monitors"]]
        dash_dir = os.path.join(out, "dashboards")
        dashboards = [owned(json.load(open(os.path.join(dash_dir, f)))) for f in sorted(os.listdir(dash_dir))]
        server.control("PUT", "/_state", {"monitors": monitors, "dashboards": dashboards})
        server.fault(latency_ms=LATENCY_MS)
        env = dict(os.environ, MONITORC_TEST_KEY=KEY)
        commands = [("plan", [mon, "plan", "--target", "fake", "--parallel", str(PLAN_PARALLEL), src], {"env": env})]
        if before:
            commands.append(("before", [before, *commands[0][1][1:]], {"env": env}))
        commands += [("check", [mon, "check", src], {}),
                     ("floor", [sys.executable, os.path.join(HERE, "plan_floor.py"), server.base, KEY,
                                "--parallel", str(PLAN_PARALLEL)], {})]
        # What a plan asks for, counted by the fake: the bound is made of these requests.
        server.control("DELETE", "/_log")
        for name, cmd, kw in commands:
            if name in ("plan", "before"):
                _, _, _, stdout, _ = run(cmd, **kw)
                if "No changes." not in stdout:
                    sys.exit(f"{name}: plan found changes against the seeded fake:\n" + stdout[-2000:])
            if name == "plan":
                requests = len(server.log_entries())
        # Alternated; each run also records the fake's own CPU time while it ran.
        samples = {name: [] for name, _, _ in commands}
        for _ in range(runs):
            for name, cmd, kw in commands:
                fake_before = process_cpu(server.proc.pid)
                wall, cpu, rss, stdout, _ = run(cmd, **kw)
                if name == "floor":
                    wall = float(stdout.split()[-2])  # its requests, first to last (not Python's start)
                samples[name].append((wall, cpu, rss, process_cpu(server.proc.pid) - fake_before))
        med = {name: (statistics.median(x[0] for x in xs), statistics.median(x[1] for x in xs),
                      max(x[2] for x in xs), statistics.median(x[3] for x in xs)) for name, xs in samples.items()}
        bound = requests / PLAN_PARALLEL * LATENCY_MS / 1000.0
        print(f"plan, {len(monitors)} monitors + {len(dashboards)} dashboards, no changes, {LATENCY_MS} ms added "
              f"to every request (fake Mackerel on loopback)")

        def plan_row(label, name):
            w, c, r, f = med[name]
            row(label, w, c, r)
            print(f"  {'':<54} {'':>7}   fake's CPU {f:.3f} s; {w / bound:.2f}x the bound")

        plan_row(f"monitorc plan --parallel {PLAN_PARALLEL}", "plan")
        if before:
            plan_row(f"before: {before}", "before")
        row("  of which compiling the source (monitorc check alone)", *med["check"][:3])
        plan_row(f"floor: same requests, {PLAN_PARALLEL} connections, nothing else", "floor")
        print(f"  bound: {requests} requests (counted by the fake) / {PLAN_PARALLEL} x {LATENCY_MS} ms = "
              f"{bound:.3f} s; plan / bound = {med['plan'][0] / bound:.2f}x; floor / bound = "
              f"{med['floor'][0] / bound:.2f}x; plan - floor = {med['plan'][0] - med['floor'][0]:.3f} s")
    finally:
        server.stop()


# --------------------------------------------------------------------------------- startup

def mapped_libraries(pid):
    libs = set()
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            if ".so" in os.path.basename(path):
                libs.add(path)
    return libs


def libraries_of_lsp(mon, env=None):
    """Shared libraries mapped by `monitorc lsp` once it answered initialize."""
    proc = subprocess.Popen([mon, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": {"processId": None, "rootUri": None, "capabilities": {}}}).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()
    proc.stdout.readline()  # the answer's header: the server is up
    libs = mapped_libraries(proc.pid)
    proc.stdin.close()
    proc.kill()
    proc.wait()
    return libs


def bench_startup(mon, tmp, runs, before=None):
    src = os.path.join(tmp, "one.mon")
    with open(src, "w") as f:
        f.write('dashboard "One" {\n  url_path = "one"\n'
                '  graph "Load" { role = "svc:web" metric = "loadavg5" }\n}\n')
    version_cmd = [mon, "--version"]
    build_cmd = [mon, "build", "-o", os.path.join(tmp, "one-out"), src]
    # The start of a binary that links libcurl, as monitorc did: the same binary with libcurl
    # and its dependencies loaded before main by the dynamic linker.
    linked_env = dict(os.environ, LD_PRELOAD="libcurl.so.4")
    # The floors under this machine's load: a C++ program that prints one line and exits, built
    # the ordinary way (dynamic libstdc++, PIE) and statically, and a C program that does nothing.
    hello = os.path.join(tmp, "hello")
    with open(hello + ".cpp", "w") as f:
        f.write('#include <iostream>\nint main() { std::cout << "hello\\n"; }\n')
    with open(hello + "-c.c", "w") as f:
        f.write("int main(void) { return 0; }\n")
    subprocess.run(["c++", "-O2", "-o", hello, hello + ".cpp"], check=True)
    subprocess.run(["c++", "-O2", "-static", "-o", hello + "-static", hello + ".cpp"], check=True)
    subprocess.run(["cc", "-O2", "-o", hello + "-c", hello + "-c.c"], check=True)
    commands = [(version_cmd, {}), (version_cmd, {"env": linked_env}), (build_cmd, {}), ([hello], {}),
                ([hello + "-static"], {}), ([hello + "-c"], {})]
    if before:
        commands += [([before, "--version"], {}),
                     ([before, "build", "-o", os.path.join(tmp, "one-before-out"), src], {})]
    # Started by this script itself: the CPU time is the command's own (under /usr/bin/time or
    # env the wrapper's exec and start are several milliseconds, more than the figure measured).
    # Peak RSS comes from one more run of each under /usr/bin/time.
    measured = alternated(max(runs, 15), *[(cmd, dict(kw, direct=True)) for cmd, kw in commands])
    rss = [run(cmd, **kw)[2] for cmd, kw in commands]
    figures = [(w, c, r) for (w, c, _), r in zip(measured, rss)]
    (vw, vc, vr), (lw, lc, lr), (bw, bc, br), (hw, hc, hr), (sw, sc, sr), (cw, cc, cr) = figures[:6]
    libs = libraries_of_lsp(mon)
    libs_linked = libraries_of_lsp(mon, linked_env)
    curl = sorted(os.path.basename(p) for p in libs if "libcurl" in p)
    print("process start (each command started directly; medians of its own CPU time)")
    start_row("monitorc --version", vw, vc, vr)
    start_row("monitorc --version, libcurl loaded at start (as linked)", lw, lc, lr)
    start_row("monitorc build of one dashboard", bw, bc, br)
    if before:
        (pvw, pvc, pvr), (pbw, pbc, pbr) = figures[6:8]
        start_row("before: monitorc --version", pvw, pvc, pvr)
        start_row("before: monitorc build of one dashboard", pbw, pbc, pbr)
    start_row("floor: a C++ hello world (shared libstdc++)", hw, hc, hr)
    start_row("floor: a C++ hello world (static)", sw, sc, sr)
    start_row("floor: a C program that returns", cw, cc, cr)
    print(f"  start / one-dashboard build: {100 * vc / bc:.0f} % of the CPU; shared libraries mapped by a running "
          f"`monitorc lsp`: {len(libs)} (libcurl: {', '.join(curl) or 'not loaded'}); "
          f"with libcurl loaded at start: {len(libs_linked)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("monitorc")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--rows", default="dashboards,rules,monitors,plan,startup")
    ap.add_argument("--before", metavar="MONITORC",
                    help="another monitorc binary measured in the same alternation (dashboards, plan and startup rows)")
    ap.add_argument("--grafonnet", metavar="VENDOR",
                    help="jsonnet -J folder holding github.com/grafana/grafonnet (and doc-util, xtd): adds the "
                         "grafonnet peer to the dashboards row")
    a = ap.parse_args()
    if a.grafonnet and not os.path.isfile(os.path.join(
            a.grafonnet, "github.com", "grafana", "grafonnet", "gen", "grafonnet-latest", "main.libsonnet")):
        sys.exit(f"--grafonnet {a.grafonnet}: no github.com/grafana/grafonnet/gen/grafonnet-latest/main.libsonnet there")
    mon = os.path.abspath(a.monitorc)
    before = os.path.abspath(a.before) if a.before else None
    for tool in ("jsonnet", "promtool"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found (Debian: apt-get install {'jsonnet' if tool == 'jsonnet' else 'prometheus'})")
    rows = {"dashboards": bench_dashboards, "rules": bench_rules, "monitors": bench_monitors, "plan": bench_plan,
            "startup": bench_startup}
    print(f"monitorc: {mon}; medians of {a.runs} alternated runs; {os.cpu_count()} cores; "
          f"load average at start {' '.join(open('/proc/loadavg').read().split()[:3])}")
    with tempfile.TemporaryDirectory(prefix="monitorc-bench-") as tmp:
        for name in a.rows.split(","):
            if name == "dashboards":
                bench_dashboards(mon, tmp, a.runs, a.grafonnet, before)
            elif name == "startup":
                bench_startup(mon, tmp, a.runs, before)
            elif name in ("plan", "rules") and before:
                rows[name](mon, tmp, a.runs, before)
            else:
                rows[name](mon, tmp, a.runs)
            print()
    print(f"load average at end {' '.join(open('/proc/loadavg').read().split()[:3])}")


if __name__ == "__main__":
    main()
