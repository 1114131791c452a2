#!/usr/bin/env python3
"""Generate a Prometheus rule file with N alerting rules (for benchmarks).

usage: gen_rules.py N OUT [--groups G] [--json]
Rules are spread over G groups (default 100). Each rule has a realistic expr (rate ratio with
a threshold), for, labels and templated annotations. With --json the file is JSON (which is
YAML, promtool accepts it); otherwise block YAML.
"""
import argparse
import json


def rule(i):
    job = f"svc{i % 97}"
    return {
        "alert": f"HighErrorRate_{i}",
        "expr": (f'sum by (job, instance) (rate(http_errors_total{{job="{job}",code=~"5.."}}[5m]))'
                 f' / sum by (job, instance) (rate(http_requests_total{{job="{job}"}}[5m])) > {0.01 + (i % 50) / 1000:.3f}'),
        "for": f"{1 + i % 15}m",
        "labels": {"severity": ["info", "warning", "critical"][i % 3], "managed_by": "monitorc", "rule_index": str(i)},
        "annotations": {
            "summary": "High error rate on {{ $labels.job }} ({{ $labels.instance }})",
            "description": "Error ratio is {{ $value | humanizePercentage }}",
        },
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    groups = [{"name": f"monitorc.bench.{g}", "rules": []} for g in range(a.groups)]
    for i in range(a.n):
        groups[i % a.groups]["rules"].append(rule(i))
    doc = {"groups": groups}
    with open(a.out, "w") as f:
        if a.json:
            json.dump(doc, f, indent=1)
            f.write("\n")
            return
        # minimal YAML emitter: all scalars as JSON strings (valid YAML double-quoted scalars)
        q = json.dumps
        f.write("groups:\n")
        for g in groups:
            f.write(f"  - name: {q(g['name'])}\n    rules:\n")
            for r in g["rules"]:
                f.write(f"      - alert: {q(r['alert'])}\n        expr: {q(r['expr'])}\n        for: {q(r['for'])}\n")
                for key in ("labels", "annotations"):
                    f.write(f"        {key}:\n")
                    for k, v in r[key].items():
                        f.write(f"          {k}: {q(v)}\n")


if __name__ == "__main__":
    main()
