#!/usr/bin/env python3
"""`import prometheus` -> `build` on the corpus, measured and checked.

  roundtrip.py MONITORC CORPUS_DIR [--check]

For every rule file (or stream of PrometheusRule objects) in CORPUS_DIR:
  - rules preserved: each rule comes back in the same group at the same position with the same
    expression (whitespace aside), `for`, `keep_firing_for`, labels and annotations;
  - groups preserved: the same groups in the same order with the same interval, limit and
    query_offset;
  - objects preserved: each PrometheusRule object comes back with the same name, namespace,
    labels and groups;
  - meaning: when NAME.test.yml sits beside the file (a `promtool test rules` file whose
    rule_files is [RULES]), promtool runs it on the original rules and on the built ones, and
    both must pass: the same alerts, labels and rendered annotations at the times it names.
Prints "NAME: rules preserved N / M, groups preserved N / M, meaning ..." and the totals; with
--check it exits 1 unless everything is preserved and every meaning test passes on both sides.
"""
import os, re, shutil, subprocess, sys, tempfile, yaml

def seconds(d):
    if d in (None, ""): return 0
    total = 0
    for n, u in re.findall(r"(\d+)(ms|[ywdhms])", str(d)):
        total += int(n) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}[u]
    return total

def group_lists(docs):
    for doc in docs:
        if not isinstance(doc, dict): continue
        yield (doc.get("spec") or {}).get("groups") if doc.get("kind") == "PrometheusRule" else doc.get("groups")

def groups(docs):
    """[(group facts, [rule facts in order])]"""
    out = []
    for gl in group_lists(docs):
        for g in gl or []:
            facts = (g["name"], seconds(g.get("interval")), int(g.get("limit") or 0), seconds(g.get("query_offset")))
            rules = [(r.get("alert") or "", r.get("record") or "", " ".join(str(r["expr"]).split()),
                      seconds(r.get("for")), seconds(r.get("keep_firing_for")),
                      tuple(sorted((r.get("labels") or {}).items())),
                      tuple(sorted((r.get("annotations") or {}).items()))) for r in g.get("rules") or []]
            out.append((facts, rules))
    return out

def objects(docs):
    return sorted((d["metadata"].get("name"), d["metadata"].get("namespace"), tuple(sorted((d["metadata"].get("labels") or {}).items())),
                   tuple(g["name"] for g in d["spec"]["groups"])) for d in docs if isinstance(d, dict) and d.get("kind") == "PrometheusRule")

def rule_file(docs, path):
    """The groups of `docs` as a plain rule file promtool reads (PrometheusRule specs unwrapped)."""
    with open(path, "w") as f:
        yaml.safe_dump({"groups": [g for gl in group_lists(docs) for g in gl or []]}, f, sort_keys=False)

def promtool_test(test, rule_files, tmp, tag):
    with open(test) as f:
        spec = yaml.safe_load(f)
    spec["rule_files"] = rule_files
    path = os.path.join(tmp, tag + ".test.yml")
    with open(path, "w") as f:
        yaml.safe_dump(spec, f, sort_keys=False)
    r = subprocess.run(["promtool", "test", "rules", path], capture_output=True, text=True)
    if r.returncode != 0: print(r.stdout + r.stderr, file=sys.stderr)
    return r.returncode == 0

def main():
    mon, corpus, check = sys.argv[1], sys.argv[2], "--check" in sys.argv[3:]
    totals = [0, 0, 0, 0, 0, 0]
    ok = True
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".test.yml"): continue
        path = os.path.join(corpus, name)
        with open(path) as f:
            docs = list(yaml.safe_load_all(f))
        orig = groups(docs)
        built_files = []
        with tempfile.TemporaryDirectory() as tmp:
            src, out = os.path.join(tmp, "imported.mon"), os.path.join(tmp, "out")
            imported = subprocess.run([mon, "import", "prometheus", path, "-o", src], capture_output=True, text=True)
            fmt = subprocess.run([mon, "fmt", "--check", src], capture_output=True, text=True) if imported.returncode == 0 else None
            built = imported.returncode == 0 and subprocess.run(
                [mon, "build", "--emit", "prometheus", "-o", out, src], capture_output=True).returncode == 0
            back, back_docs = [], []
            if built:
                for root, _, files in sorted(os.walk(out)):
                    for f in sorted(files):
                        if f.endswith(".yml") or f.endswith(".yaml"):
                            with open(os.path.join(root, f)) as fh:
                                docs_back = list(yaml.safe_load_all(fh))
                            back += groups(docs_back)
                            back_docs += docs_back
                            if f.endswith(".yaml"):  # a PrometheusRule: promtool reads its spec
                                rule_file(docs_back, os.path.join(tmp, f + ".rules.yml"))
                                built_files.append(os.path.join(tmp, f + ".rules.yml"))
                            else:
                                built_files.append(os.path.join(root, f))
            want_objects = objects(docs)
            objects_kept = sum(1 for o in want_objects if o in objects(back_docs))
            # Built files come one per target; put them in the original's group order to compare.
            by_name = {}
            for g in back: by_name.setdefault(g[0][0], []).append(g)
            ordered = [by_name[g[0][0]].pop(0) if by_name.get(g[0][0]) else None for g in orig]
            rules_total = sum(len(r) for _, r in orig)
            rules_kept = sum(1 for o, b in zip(orig, ordered) if b for i, r in enumerate(o[1]) if i < len(b[1]) and b[1][i] == r)
            groups_kept = sum(1 for o, b in zip(orig, ordered) if b and o[0] == b[0] and len(o[1]) == len(b[1]))
            meaning = "no test"
            test = os.path.join(corpus, os.path.splitext(name)[0] + ".test.yml")
            if os.path.exists(test):
                original = os.path.join(tmp, "original.yml")
                rule_file(docs, original)
                before = promtool_test(test, [original], tmp, "original")
                after = built and promtool_test(test, built_files, tmp, "built")
                meaning = "same alerts" if before and after else f"original {'passes' if before else 'FAILS'}, built {'passes' if after else 'FAILS'}"
                ok = ok and before and after
            fmt_note = "" if fmt is None or fmt.returncode == 0 else ", NOT fmt-canonical"
            print(f"{name}: rules preserved {rules_kept} / {rules_total}, groups preserved {groups_kept} / {len(orig)}, "
                  f"objects preserved {objects_kept} / {len(want_objects)}, meaning: {meaning}{fmt_note}")
            if imported.returncode != 0: print(imported.stderr, file=sys.stderr)
            ok = ok and rules_kept == rules_total and groups_kept == len(orig) and objects_kept == len(want_objects) and not fmt_note
            totals = [a + b for a, b in zip(totals, [rules_kept, rules_total, groups_kept, len(orig), objects_kept, len(want_objects)])]
    print(f"all: rules preserved {totals[0]} / {totals[1]}, groups preserved {totals[2]} / {totals[3]}, "
          f"objects preserved {totals[4]} / {totals[5]}")
    sys.exit(0 if ok or not check else 1)

main()
