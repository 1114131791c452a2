#!/usr/bin/env python3
"""Checks a built kibana/<target>/dashboards.ndjson as Kibana's _import would take it: every
line a saved object of its type's documented shape (fake_saved_objects.validate_saved_object),
ids unique, every reference resolvable within the file except data views (index-pattern: the
Kibana instance's own), every object but the tag referencing the owner tag, and panels in
panelsJSON whose reference names the object of their type.  validate_dashboards.py NDJSON"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_saved_objects as so  # noqa: E402

bad = 0
with open(sys.argv[1]) as f:
    try:
        objects = so.parse_ndjson(sys.argv[1], f.read().encode())
    except so.Invalid as e:
        print("%s: %s" % (sys.argv[1], e))
        sys.exit(1)
keys = [(o.get("type"), o.get("id")) for o in objects]
if len(set(keys)) != len(keys):
    print("duplicate saved-object ids")
    bad += 1
for o in objects:
    where = "%s %s" % (o.get("type"), o.get("id"))
    try:
        so.validate_saved_object(o)
        refs = o.get("references", [])
        for r in refs:
            if r["type"] != "index-pattern" and (r["type"], r["id"]) not in keys:
                raise so.Invalid("reference %s (%s %s) is not in the file" % (r["name"], r["type"], r["id"]))
        if o["type"] != "tag" and ("tag", "monitorc-managed") not in {(r["type"], r["id"]) for r in refs}:
            raise so.Invalid("does not reference the owner tag")
        if o["type"] == "dashboard":
            byname = {r["name"]: r for r in refs}
            for p in json.loads(o["attributes"]["panelsJSON"]):
                r = byname.get("%s:%s" % (p["panelIndex"], p["panelRefName"]))
                if r is None or r["type"] != p["type"]:
                    raise so.Invalid("panel %s: its reference is not a %s" % (p["panelIndex"], p["type"]))
    except so.Invalid as e:
        bad += 1
        print("%s: %s" % (where, e))
sys.exit(1 if bad else 0)
