#!/usr/bin/env python3
"""Measures `import prometheus` -> `build` on the corpus: how many rules come back with the same
expression (whitespace aside), `for`, labels and annotations, in the same group and order.
  roundtrip.py MONITORC CORPUS_DIR    prints "preserved N / total M" per file and overall."""
import os, re, subprocess, sys, tempfile, yaml

def seconds(d):
    if d in (None, ""): return 0
    total = 0
    for n, u in re.findall(r"(\d+)(ms|[ywdhms])", str(d)):
        total += int(n) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}[u]
    return total

def rules(docs):
    out = []
    for doc in docs:
        if not isinstance(doc, dict): continue
        groups = (doc.get("spec") or {}).get("groups") if doc.get("kind") == "PrometheusRule" else doc.get("groups")
        for g in groups or []:
            for r in g.get("rules") or []:
                out.append((g["name"], r.get("alert") or "", r.get("record") or "", " ".join(str(r["expr"]).split()),
                            seconds(r.get("for")), seconds(r.get("keep_firing_for")),
                            tuple(sorted((r.get("labels") or {}).items())), tuple(sorted((r.get("annotations") or {}).items()))))
    return out

def main():
    mon, corpus = sys.argv[1], sys.argv[2]
    all_kept = all_total = 0
    for name in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, name)
        orig = rules(yaml.safe_load_all(open(path)))
        built = []
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "imported.mon")
            if subprocess.run([mon, "import", "prometheus", path, "-o", src], capture_output=True).returncode == 0 and \
               subprocess.run([mon, "build", "--emit", "prometheus", "-o", os.path.join(tmp, "out"), src],
                              capture_output=True).returncode == 0:
                for root, _, files in os.walk(os.path.join(tmp, "out")):
                    for f in sorted(files):
                        built += rules(yaml.safe_load_all(open(os.path.join(root, f))))
        kept = sum(1 for r in orig if r in built)
        print(f"{name}: preserved {kept} / {len(orig)}")
        all_kept += kept; all_total += len(orig)
    print(f"all: preserved {all_kept} / {all_total}")

main()
