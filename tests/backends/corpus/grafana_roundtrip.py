#!/usr/bin/env python3
"""`import grafana` -> `build` on the dashboard corpus, measured and checked.

  grafana_roundtrip.py MONITORC CORPUS_DIR [--check] [--schema CHECK_SH]

For every dashboard in CORPUS_DIR the original and the built dashboard are cut into facts, and a
fact is preserved when the built dashboard has it with the same value:
  - dashboard: each templating variable, each annotation, each link, tags, time, refresh,
    timezone, graphTooltip, and every other setting (title, description, timepicker ...);
  - per panel (by id, nested row panels included): type, title, gridPos, datasource, each query
    (all its options), each fieldConfig.defaults key (unit, min, max, decimals, thresholds,
    mappings, color, custom), each override, each options key (legend, tooltip,
    reduceOptions ...), and every other key (links, repeat, transformations, libraryPanel ...).
Old-format rows (schemaVersion < 16) have no gridPos: there the gridPos fact is the width
(span * 2) and the built panels must not overlap.
Also checked: the imported source passes `fmt --check` and `check` with no output. Prints
"NAME: dashboard facts preserved N / M" and the total; with --check it exits 1 unless every
fact is preserved and every check passes. With --schema, tests/grafana_schema/check.sh runs on
each original and its built dashboard: a built dashboard must pass wherever its original does
(real dashboards carry keys Grafana accepts that the published types do not, and keep them).
"""
import json, math, os, shutil, subprocess, sys, tempfile

NOT_FACTS = {"id", "version", "schemaVersion", "iteration", "__inputs", "__requires", "__elements", "gnetId", "panels", "rows", "uid"}
LISTED = {"templating": ("list", "variable"), "annotations": ("list", "annotation")}


def panels_of(d):
    """{panel key: (panel, old-format)} with nested row panels, keyed by id (or position)."""
    out = {}
    def add(p, old, at):
        if isinstance(p, dict):
            out[str(p.get("id", at))] = (p, old)
            for i, n in enumerate(p.get("panels") or []):
                add(n, old, f"{at}.{i}")
    for i, p in enumerate(d.get("panels") or []):
        add(p, False, str(i))
    for r, row in enumerate(d.get("rows") or []):
        for i, p in enumerate(row.get("panels") or []):
            add(p, True, f"r{r}.{i}")
    return out


def panel_facts(p, old):
    facts = {}
    for k, v in p.items():
        if k in ("id", "panels"):
            continue
        if k in ("span", "height") and old:
            continue
        if k == "targets" and isinstance(v, list):
            for i, t in enumerate(v):
                facts[f"targets[{t.get('refId', i) if isinstance(t, dict) else i}]"] = t
        elif k == "fieldConfig" and isinstance(v, dict):
            for dk, dv in (v.get("defaults") or {}).items():
                facts["fieldConfig.defaults." + dk] = dv
            for i, o in enumerate(v.get("overrides") or []):
                facts[f"fieldConfig.overrides[{i}]"] = o
            for ok in v:
                if ok not in ("defaults", "overrides"):
                    facts["fieldConfig." + ok] = v[ok]
        elif k == "options" and isinstance(v, dict):
            for ok, ov in v.items():
                facts["options." + ok] = ov
        else:
            facts[k] = v
    if old:
        facts["gridPos.w"] = min(24, math.floor(p.get("span", 4)) * 2)
    return facts


def dashboard_facts(d):
    facts = {}
    for k, v in d.items():
        if k in NOT_FACTS:
            continue
        if k in LISTED and isinstance(v, dict):
            for i, item in enumerate(v.get(LISTED[k][0]) or []):
                facts[f"{LISTED[k][1]} {item.get('name', i) if isinstance(item, dict) else i}"] = item
        elif k == "links" and isinstance(v, list):
            for i, link in enumerate(v):
                facts[f"link {i}"] = link
        else:
            facts[k] = v
    for key, (p, old) in panels_of(d).items():
        for fk, fv in panel_facts(p, old).items():
            facts[f"panel {key} {fk}"] = fv
    return facts


def built_value(built, key, old_panels):
    """The built dashboard's value of fact `key` (old-format widths from gridPos.w)."""
    if key.endswith(" gridPos.w") and key.startswith("panel "):
        pid = key.split(" ")[1]
        p = old_panels.get(pid)
        return p[0].get("gridPos", {}).get("w") if p else None
    return built.get(key, KeyError)


def overlaps(d):
    boxes = [p.get("gridPos") for p in d.get("panels") or [] if isinstance(p, dict) and p.get("gridPos")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]:
                return True
    return False


def main():
    args = sys.argv[1:]
    mon, corpus = os.path.abspath(args[0]), args[1]
    check = "--check" in args
    schema = args[args.index("--schema") + 1] if "--schema" in args else None
    kept_total = total = 0
    ok = True
    built_files = []
    keep = tempfile.mkdtemp()
    try:
        for name in sorted(f for f in os.listdir(corpus) if f.endswith(".json")):
            with open(os.path.join(corpus, name)) as f:
                orig = json.load(f)
            if "dashboard" in orig and "schemaVersion" not in orig:
                orig = orig["dashboard"]
            want = dashboard_facts(orig)
            tmp = os.path.join(keep, os.path.splitext(name)[0])
            os.makedirs(tmp)
            src = os.path.join(tmp, "imported.mon")
            notes = []
            imp = subprocess.run([mon, "import", "grafana", os.path.join(corpus, name), "-o", src], capture_output=True, text=True)
            built = None
            if imp.returncode != 0:
                notes.append("import failed: " + imp.stderr.strip())
            else:
                if subprocess.run([mon, "fmt", "--check", src], capture_output=True).returncode != 0:
                    notes.append("NOT fmt-canonical")
                # `check` of the imported file on its own, then beside a grafana target.
                chk = subprocess.run([mon, "check", src], capture_output=True, text=True, cwd=tmp)
                if chk.returncode != 0 or chk.stderr.strip():
                    notes.append("check: " + chk.stderr.strip())
                if "target grafana" not in open(src).read():  # main's importer declared none
                    with open(os.path.join(tmp, "targets.mon"), "w") as f:
                        f.write('target grafana "grafana" {}\n')
                out = os.path.join(tmp, "out")
                b = subprocess.run([mon, "build", "--emit", "grafana", "-o", out, tmp], capture_output=True, text=True, cwd=tmp)
                if b.returncode != 0:
                    notes.append(f"build failed ({b.stderr.count('error:')} errors)")
                else:
                    if b.stderr.strip():
                        notes.append("build warnings: " + b.stderr.strip())
                    files = [os.path.join(r, f) for r, _, fs in os.walk(out) for f in fs if f.endswith(".json") and "/dashboards/" in os.path.join(r, f)]
                    if len(files) == 1:
                        with open(files[0]) as f:
                            built = json.load(f)
                        orig_file = os.path.join(tmp, "original.json")
                        with open(orig_file, "w") as f:
                            json.dump(orig, f, indent=2)
                        built_files.append((name, orig_file, files[0]))
                    else:
                        notes.append(f"{len(files)} dashboards built")
            kept = 0
            lost = []
            if built is not None:
                got = dashboard_facts(built)
                old_panels = panels_of(built)
                for k, v in want.items():
                    if built_value(got, k, old_panels) == v:
                        kept += 1
                    else:
                        lost.append(k)
                if "rows" in orig and overlaps(built):
                    notes.append("converted rows overlap")
            print(f"{name}: dashboard facts preserved {kept} / {len(want)}" + ("" if not notes else " (" + "; ".join(notes) + ")"))
            for k in lost[:10]:
                print(f"  lost: {k}")
            if len(lost) > 10:
                print(f"  ... and {len(lost) - 10} more")
            kept_total += kept
            total += len(want)
            ok = ok and kept == len(want) and not notes
        print(f"total: dashboard facts preserved {kept_total} / {total}")
        if schema and built_files:
            paths = [p for _, o, b in built_files for p in (o, b)]
            r = subprocess.run(["bash", schema, "--quiet"] + paths, capture_output=True, text=True)
            failed = {line.split()[1].rstrip(":") for line in r.stdout.splitlines() if line.startswith("FAIL ")}
            for name, o, b in built_files:
                verdict = {(False, False): "original and built pass", (True, True): "original and built fail alike",
                           (True, False): "original fails, built passes", (False, True): "built FAILS, original passes"}
                print(f"{name}: @grafana/schema: {verdict[(o in failed, b in failed)]}")
                ok = ok and not (b in failed and o not in failed)
    finally:
        shutil.rmtree(keep)
    return 0 if ok or not check else 1


if __name__ == "__main__":
    sys.exit(main())
