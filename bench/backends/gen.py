#!/usr/bin/env python3
"""Workloads for bench/backends: N query monitors (one rule each) for a Prometheus target,
and D dashboards x P query panels for a Grafana target.
  gen.py rules N OUT.mon
  gen.py dashboards D P OUT.mon
  gen.py templated OUT.mon      (10 x 10 x 100 = 10,000 monitors from nested for loops)"""
import sys


def rules(n, out):
    with open(out, "w") as f:
        f.write('target prometheus "bench" { group = "bench" }\n')
        for i in range(n):
            op, thr = (">", 90 + i % 10) if i % 2 == 0 else ("<", i % 7 + 0.5)
            sev = "critical" if i % 3 else "warning"
            f.write(
                f'monitor query "bench rule {i}" {{\n'
                f'  query = "sum by (instance) (rate(http_requests_total{{job=\\"job{i % 50}\\", code=~\\"5..\\"}}[5m])) / '
                f'sum by (instance) (rate(http_requests_total{{job=\\"job{i % 50}\\"}}[5m]))"\n'
                f'  operator = "{op}"\n  {sev} = {thr}\n  for_duration = {i % 10 + 1}m\n'
                f'  memo = "Error ratio of job{i % 50} is off. Runbook step {i}."\n'
                f'  labels = {{ team = "team{i % 20}", runbook = "https://wiki.example/rb/{i}" }}\n}}\n')


def dashboards(d, p, out):
    with open(out, "w") as f:
        f.write('target grafana "bench" { datasource = "prom" }\n')
        for i in range(d):
            f.write(f'dashboard "Bench dashboard {i}" {{\n  url_path = "bench/d{i}"\n  memo = "generated"\n')
            for r in range(p // 2):
                f.write('  row {\n')
                for c in range(2):
                    j = r * 2 + c
                    kind = "graph" if j % 2 == 0 else "value"
                    extra = 'legend = "{{instance}}"' if kind == "graph" else 'fraction_size = 2 suffix = "req/s"'
                    f.write(f'    {kind} "Panel {j}" {{ query = "sum by (instance) (rate(http_requests_total{{job=\\"job{j}\\"}}[5m]))" {extra} }}\n')
                f.write('  }\n')
            f.write('}\n')


def templated(out):
    with open(out, "w") as f:
        f.write('target prometheus "bench" { group = "bench" }\n')
        f.write('template ratio(team, job, n) {\n'
                '  monitor query "bench ${team} ${job} ${n}" {\n'
                '    query = "sum by (instance) (rate(http_requests_total{job=\\"job${job}\\", code=~\\"5..\\"}[5m])) / '
                'sum by (instance) (rate(http_requests_total{job=\\"job${job}\\"}[5m]))"\n'
                '    operator = ">"\n    critical = n\n    for_duration = 5m\n'
                '    memo = "Error ratio of job${job} is off."\n'
                '    labels = { team = "team${team}", runbook = "https://wiki.example/rb/${job}" }\n  }\n}\n')
        ten = ", ".join(str(i) for i in range(10))
        hundred = ", ".join(str(i) for i in range(100))
        f.write(f'for t in [{ten}] {{\n  for j in [{ten}] {{\n    for n in [{hundred}] {{ use ratio(t, j, n) }}\n  }}\n}}\n')


if __name__ == "__main__":
    if sys.argv[1] == "templated":
        templated(sys.argv[2])
        sys.exit(0)
    if sys.argv[1] == "rules":
        rules(int(sys.argv[2]), sys.argv[3])
    else:
        dashboards(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
