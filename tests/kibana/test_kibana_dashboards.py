"""End to end: dashboards on kibana targets as saved objects (plan/apply/prune/pull through
_import, _find, _bulk_get and DELETE of fake_kibana.py), and `monitorc import kibana` of rules
(_find answers) and dashboards (_export NDJSON) with the round trip import -> build equal."""
import json
import os
import subprocess
import unittest
import urllib.request

import test_kibana_cli as cli

HERE, KEY = cli.HERE, cli.KEY  # (cli.KibanaCli is not imported by name: unittest would run its tests here too)


BOARD = '''dashboard "Shop: errors" {
  url_path = "shop-errors"
  memo = "Error logs of the shop."
  markdown "Read me" {
    text = "Runbook: https://wiki.example/shop"
    width = 24
    height = 2
  }
  value "Errors" {
    query = "log.level : error"
    width = 6
    height = 6
    x = 0
    y = 2
  }
  graph "Errors over time" {
    query = "%s"
    width = 18
    height = 6
    x = 6
    y = 2
  }
%s}
'''
SLOW = '''  graph "Slow requests" {
    query = "http.response.time_ms > 2000"
    width = 12
    height = 6
    x = 0
    y = 8
  }
'''
DATA_VIEW = {"type": "index-pattern", "id": "logs", "attributes": {"title": "logs-*", "timeFieldName": "@timestamp"}}


def multipart(filename, data):
    boundary = "testboundary42"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: application/ndjson\r\n\r\n" % (boundary, filename)).encode() + data + \
        ("\r\n--%s--\r\n" % boundary).encode()
    return body, "multipart/form-data; boundary=" + boundary


def canonical(o):
    """A saved object as compared: JSON-string attributes parsed, references sorted, what Kibana
    adds on write (dates, version, managed, migration versions) left out."""
    a = json.loads(json.dumps(o["attributes"]))
    for path in {"dashboard": [["panelsJSON"], ["optionsJSON"], ["kibanaSavedObjectMeta", "searchSourceJSON"]],
                 "visualization": [["visState"], ["uiStateJSON"], ["kibanaSavedObjectMeta", "searchSourceJSON"]]}.get(o["type"], []):
        v = a
        for k in path[:-1]:
            v = v.get(k, {})
        if isinstance(v.get(path[-1]), str):
            v[path[-1]] = json.loads(v[path[-1]])
    refs = sorted(o.get("references", []), key=lambda r: (r["name"], r["type"], r["id"]))
    return {"type": o["type"], "id": o["id"], "attributes": a, "references": refs}


class KibanaDashboards(unittest.TestCase):
    # The fake, the source writer and the runners of the rule tests (their tests stay theirs).
    setUpClass = classmethod(cli.KibanaCli.setUpClass.__func__)
    tearDownClass = classmethod(cli.KibanaCli.tearDownClass.__func__)
    tearDown, write, run_mc, plan, apply = cli.KibanaCli.tearDown, cli.KibanaCli.write, cli.KibanaCli.run_mc, cli.KibanaCli.plan, cli.KibanaCli.apply

    def setUp(self):
        cli.KibanaCli.setUp(self)
        self.fake.post("/_seed_objects", {"space": "ops", "objects": [DATA_VIEW]})

    def objects(self, space="ops"):
        return {(o["type"], o["id"]): o for o in self.fake.get("/_state")["objects"].get(space, [])}

    def raw_api(self, method, path, data, content_type):
        h = {"Authorization": "ApiKey " + KEY, "kbn-xsrf": "x", "Content-Type": content_type}
        req = urllib.request.Request(self.fake.url + path, data, h, method=method)
        try:
            with self.fake.opener.open(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def import_file(self, path, *files):
        p = self.run_mc("import", "kibana", *files, "-o", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def build(self, src):
        out = os.path.join(self.dir, "out-" + os.path.basename(src))
        p = self.run_mc("build", "-o", out, src)
        self.assertEqual(p.returncode, 0, p.stderr)
        return out

    def test_fake_import_follows_the_api(self):
        """The fake's _import answers as Kibana's: 400 for a malformed request, per-object errors
        (conflict, missing_references, unsupported_type, unknown) in a 200 answer."""
        dash = {"type": "dashboard", "id": "d1", "attributes": {"title": "D", "panelsJSON": "[]"}, "references": []}
        line = (json.dumps(dash) + "\n").encode()
        status, _ = self.raw_api("POST", "/s/ops/api/saved_objects/_import", line, "application/ndjson")
        self.assertEqual(status, 400)
        status, body = self.raw_api("POST", "/s/ops/api/saved_objects/_import", *multipart("x.json", line))
        self.assertEqual(status, 400)
        self.assertIn("Invalid file extension .json", body)
        status, body = self.raw_api("POST", "/s/ops/api/saved_objects/_import", *multipart("x.ndjson", line))
        self.assertEqual((status, json.loads(body)["successCount"]), (200, 1))
        status, body = self.raw_api("POST", "/s/ops/api/saved_objects/_import", *multipart("x.ndjson", line))
        self.assertEqual(json.loads(body)["errors"][0]["error"], {"type": "conflict"})
        status, body = self.raw_api("POST", "/s/ops/api/saved_objects/_import?overwrite=true", *multipart("x.ndjson", line))
        self.assertTrue(json.loads(body)["success"])
        broken = dict(dash, id="d2", references=[{"name": "p1:panel_p1", "type": "lens", "id": "nowhere"}],
                      attributes={"title": "D", "panelsJSON": json.dumps([{"type": "lens", "panelIndex": "p1", "panelRefName": "panel_p1",
                                                                           "gridData": {"x": 40, "y": 0, "w": 12, "h": 6, "i": "p1"}}])})
        odd = {"type": "canvas-workpad", "id": "c", "attributes": {}}
        data = "\n".join(json.dumps(o) for o in [broken, odd, dict(broken, id="d3", references=[])]).encode()
        status, body = self.raw_api("POST", "/s/ops/api/saved_objects/_import", *multipart("x.ndjson", data))
        errors = {e["id"]: e["error"] for e in json.loads(body)["errors"]}
        self.assertEqual(errors["d2"]["type"], "unknown")  # x + w > 48
        self.assertIn("48-column grid", errors["d2"]["message"])
        self.assertEqual(errors["c"]["type"], "unsupported_type")
        self.assertEqual(errors["d3"]["type"], "unknown")  # panelRefName not in references
        fixed = dict(broken, attributes=dict(broken["attributes"], panelsJSON=broken["attributes"]["panelsJSON"].replace('"x": 40', '"x": 0')))
        status, body = self.raw_api("POST", "/s/ops/api/saved_objects/_import", *multipart("x.ndjson", (json.dumps(fixed) + "\n").encode()))
        self.assertEqual(json.loads(body)["errors"][0]["error"], {"type": "missing_references", "references": [{"type": "lens", "id": "nowhere"}]})
        self.assertNotIn(("dashboard", "d2"), self.objects())

    def test_plan_apply_replan_update_prune(self):
        self.write(BOARD % ("log.level : error", SLOW))
        self.assertEqual(self.plan(), [("create", "shop-errors")])
        self.apply()
        self.assertEqual(self.plan(), [("no-change", "shop-errors")])
        got = self.objects()
        self.assertEqual(sorted(k for k in got if k[0] != "index-pattern"),
                         [("dashboard", "ops-shop-errors"), ("lens", "ops-shop-errors-p2"), ("lens", "ops-shop-errors-p3"),
                          ("lens", "ops-shop-errors-p4"), ("tag", "monitorc-managed"), ("visualization", "ops-shop-errors-p1")])
        dash = got[("dashboard", "ops-shop-errors")]
        self.assertEqual(dash["attributes"]["title"], "Shop: errors")
        self.assertEqual(dash["attributes"]["description"], "Error logs of the shop.")
        grid = [p["gridData"] for p in json.loads(dash["attributes"]["panelsJSON"])]
        self.assertEqual(grid[2], {"x": 12, "y": 4, "w": 36, "h": 12, "i": "p3"})
        lens = got[("lens", "ops-shop-errors-p3")]
        self.assertEqual(lens["attributes"]["visualizationType"], "lnsXY")
        self.assertEqual(lens["attributes"]["state"]["query"], {"query": "log.level : error", "language": "kuery"})
        self.assertIn({"type": "index-pattern", "id": "logs", "name": "indexpattern-datasource-layer-layer1"}, lens["references"])
        self.assertEqual(got[("lens", "ops-shop-errors-p2")]["attributes"]["visualizationType"], "lnsMetric")
        # One query changed, one widget gone: one update, and the gone widget's Lens deleted.
        self.write(BOARD % ("log.level : warn", ""))
        self.assertEqual(self.plan(), [("update", "shop-errors")])
        self.apply()
        got = self.objects()
        self.assertNotIn(("lens", "ops-shop-errors-p4"), got)
        self.assertEqual(got[("lens", "ops-shop-errors-p3")]["attributes"]["state"]["query"]["query"], "log.level : warn")
        self.assertEqual(self.plan(), [("no-change", "shop-errors")])
        # Changed by hand in Kibana: the plan puts it back.
        dash = dict(got[("dashboard", "ops-shop-errors")])
        dash["attributes"] = dict(dash["attributes"], title="Renamed by hand")
        self.raw_api("POST", "/s/ops/api/saved_objects/_import?overwrite=true", *multipart("x.ndjson", (json.dumps(dash) + "\n").encode()))
        self.assertEqual(self.plan(), [("update", "shop-errors")])
        self.apply()
        self.assertEqual(self.objects()[("dashboard", "ops-shop-errors")]["attributes"]["title"], "Shop: errors")
        # Gone from the source: an orphan until --prune, which deletes it and its panels.
        self.write("")
        self.assertEqual(self.plan(), [("orphan", "shop-errors")])
        self.apply()
        self.assertIn(("dashboard", "ops-shop-errors"), self.objects())
        self.apply("--prune")
        self.assertEqual(sorted(self.objects()), [("index-pattern", "logs"), ("tag", "monitorc-managed")])
        log = self.fake.get("/_log")
        self.assertTrue(all(e["status"] in (200, 204) for e in log), [e for e in log if e["status"] not in (200, 204)])

    def test_unowned_objects_untouched(self):
        """A dashboard without the owner tag is never written: not when it holds the id a
        dashboard of the source takes (nothing is sent), not with --prune."""
        hand = {"type": "dashboard", "id": "ops-hand-made", "attributes": {"title": "Hand made", "panelsJSON": "[]"}, "references": []}
        taken = {"type": "lens", "id": "ops-shop-errors-p2", "attributes": {"title": "Mine", "visualizationType": "lnsXY", "state": {}},
                 "references": []}
        self.fake.post("/_seed_objects", {"space": "ops", "objects": [hand, taken]})
        self.write(BOARD % ("log.level : error", ""))
        p = self.apply("--prune", expect=1)
        self.assertIn("lens 'ops-shop-errors-p2' is on the target without the tag managed-by:monitorc", p.stdout + p.stderr)
        self.assertFalse([e for e in self.fake.get("/_log") if "_import" in e["path"] or e["method"] == "DELETE"])
        self.assertEqual(self.objects()[("lens", "ops-shop-errors-p2")]["attributes"]["title"], "Mine")
        self.fake.post("/_reset")
        self.fake.post("/_seed_objects", {"space": "ops", "objects": [DATA_VIEW, hand]})
        self.apply("--prune")
        self.assertEqual(self.objects()[("dashboard", "ops-hand-made")]["attributes"]["title"], "Hand made")
        self.assertEqual(self.plan("--prune"), [("ignore", "hand-made"), ("no-change", "shop-errors")])

    def test_lost_import_answer_is_recovered(self):
        """An import Kibana carried out but whose answer was lost (503): the retry's import
        reports conflicts on objects that are monitorc's, so it is sent with overwrite."""
        self.write(BOARD % ("log.level : error", SLOW))
        self.fake.post("/_faults", [{"method": "POST", "path": "_import", "status": 503, "times": 1, "lose": True}])
        self.apply()
        imports = [e for e in self.fake.get("/_log") if "_import" in e["path"]]
        self.assertEqual([e["status"] for e in imports], [503, 200, 200])
        self.assertEqual(len([k for k in self.objects() if k[0] == "lens"]), 3)
        self.assertEqual(self.plan(), [("no-change", "shop-errors")])

    def test_pull_round_trip(self):
        self.write(BOARD % ("log.level : error", SLOW) + '''dashboard "Other" {
  url_path = "other"
  raw = { timeRestore = true, timeFrom = "now-7d", timeTo = "now" }
  markdown "Note" {
    text = "hello"
    width = 12
    height = 2
    raw = { description = "A note." }
  }
}
''')
        self.apply()
        p = self.run_mc("pull", "--target", "kb", "-o", "pulled", "--owned-only", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.run_mc("plan", "--format", "json", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        changes = sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"])
        self.assertEqual(changes, [("no-change", "other"), ("no-change", "shop-errors")])

    def test_import_export_round_trip(self):
        """What Kibana's _export writes for monitorc's dashboards, imported and built again,
        gives the same saved objects."""
        self.write(BOARD % ("log.level : error", SLOW))
        self.apply()
        status, ndjson = self.raw_api("POST", "/s/ops/api/saved_objects/_export",
                                      json.dumps({"objects": [{"type": "dashboard", "id": "ops-shop-errors"}],
                                                  "includeReferencesDeep": True}).encode(), "application/json")
        self.assertEqual(status, 200)
        self.assertRoundTrip(ndjson)

    def test_import_kibana_made_dashboard(self):
        """A dashboard made in Kibana (its own ids, a Lens pie, a stacked Lens bar with a filter,
        a markdown with a larger font, a panel title, time settings, a by-value panel): what
        import keeps, built again, is the same saved objects, now tagged as monitorc's."""
        with open(os.path.join(HERE, "import", "kibana_made.ndjson")) as f:
            ndjson = f.read()
        stderr = self.assertRoundTrip(ndjson, skipped=["0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d"])
        self.assertIn("skipped: a by-value panel", stderr)
        with open(os.path.join(self.dir, "imported.mon")) as f:
            source = f.read()
        self.assertIn('data_view = "5f0e1c2a-9b7d-4c3e-8a61-2d4f6b8e0a17"', source)
        self.assertIn('graph "Errors by service"', source)
        self.assertIn('markdown "About"', source)

    def assertRoundTrip(self, ndjson, skipped=()):
        """Imports the _export NDJSON, builds the source, and compares the saved objects: the same
        but for the owner tag (added to what was not monitorc's) and the `skipped` panels."""
        with open(os.path.join(self.dir, "export.ndjson"), "w") as f:
            f.write(ndjson)
        p = self.import_file("imported.mon", "export.ndjson")
        out = self.build("imported.mon")
        with open(os.path.join(out, "kibana", "kibana", "dashboards.ndjson")) as f:
            built = {(o["type"], o["id"]): canonical(o) for o in map(json.loads, f.read().splitlines())}
        exported = [json.loads(line) for line in ndjson.splitlines() if line.strip()]
        want = {(o["type"], o["id"]): canonical(o) for o in exported
                if "exportedCount" not in o and o["type"] in ("dashboard", "lens", "visualization", "tag")}
        owner = {"type": "tag", "id": "monitorc-managed", "name": "tag-ref-monitorc-managed"}
        for key, o in want.items():
            if key[0] != "tag" and owner not in o["references"]:
                o["references"] = sorted(o["references"] + [owner], key=lambda r: (r["name"], r["type"], r["id"]))
            if key[0] == "dashboard":
                o["attributes"]["panelsJSON"] = [x for x in o["attributes"]["panelsJSON"] if x["panelIndex"] not in skipped]
                o["references"] = [r for r in o["references"] if r["name"].split(":")[0] not in skipped]
        want.setdefault(("tag", "monitorc-managed"), built.get(("tag", "monitorc-managed")))
        self.maxDiff = None
        self.assertEqual(sorted(built), sorted(want))
        for key in want:
            self.assertEqual(built[key], want[key], key)
        return p.stderr

    def test_import_rules_round_trip(self):
        """What GET /api/alerting/rules/_find answers for rules (monitorc's and ones made in
        Kibana, with email actions and a KQL data view), imported and built again, gives the same
        create bodies."""
        with open(os.path.join(HERE, "import", "rules_find.json")) as f:
            found = json.load(f)
        with open(os.path.join(self.dir, "rules.json"), "w") as f:
            json.dump(found, f)
        p = self.import_file("rules.mon", "rules.json")
        self.assertIn("disabled in Kibana", p.stderr)
        out = self.build("rules.mon")
        with open(os.path.join(out, "kibana", "kibana", "rules.json")) as f:
            built = {r["name"]: r for r in json.load(f)["rules"]}
        self.assertIn("its name has no ' (critical)'", p.stderr)
        keys = ("name", "rule_type_id", "consumer", "schedule", "tags", "params", "actions")

        def norm(r):
            r = {k: r.get(k) for k in keys}
            # A rule made in Kibana comes back with what every rule monitorc writes has: the
            # severity suffix and tags.
            if not r["name"].endswith(")"):
                r["name"] += " (critical)"
            for t in ("managed-by:monitorc", "monitorc-severity:" + r["name"].rsplit("(", 1)[1][:-1]):
                if t not in r["tags"]:
                    r["tags"] = r["tags"] + [t]
            r["tags"] = sorted(r["tags"])
            r["params"] = dict(r["params"])
            if "esQuery" in r["params"]:
                r["params"]["esQuery"] = json.loads(r["params"]["esQuery"])
            r["actions"] = [{k: a[k] for k in ("group", "id", "params", "frequency")} for a in r["actions"]]
            return r
        self.maxDiff = None
        self.assertEqual(len(built), len(found["data"]))
        for r in found["data"]:
            want = norm(r)
            self.assertEqual(norm(built[want["name"]]), want, r["name"])
        # Neither a _find answer nor an _export: a located error.
        with open(os.path.join(self.dir, "other.json"), "w") as f:
            f.write('{"rules": []}\n')
        p = self.run_mc("import", "kibana", "other.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("other.json: error: not a Kibana file", p.stderr)


if __name__ == "__main__":
    unittest.main()
