"""End to end: New Relic dashboards and `monitorc import newrelic`, through the real binary,
against fake_nerdgraph.py (every GraphQL document and its variables checked against the
schema tables, dashboards kept as New Relic keeps them, pages indexed as entities too)."""
import json
import os
import re
import unittest

from test_newrelic_cli import ACCOUNT, Harness

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = "managed-by: monitorc"

DASH = '''dashboard "Shop overview" {
  url_path = "shop-overview"
  memo = "The shop at a glance."
  markdown "Read me" {
    text = "**shop**: the web shop. Runbooks: [wiki](https://wiki.example/shop)"
    x = 0
    y = 0
    width = 24
    height = 2
  }
  graph "Throughput" {
    query = "SELECT rate(count(*), 1 minute) FROM Transaction TIMESERIES"
    value_range = { min = 0 }
    x = 0
    y = 2
    width = 12
    height = 6
  }
  value "Errors" {
    query = "%s"
    x = 12
    y = 2
    width = 12
    height = 6
  }
  graph "Slowest" {
    query = "SELECT average(duration) FROM Transaction FACET name LIMIT 10"
    raw = { visualization = "viz.area" }
    x = 0
    y = 8
    width = 8
    height = 4
  }
  graph "Routes" {
    query = "SELECT count(*) FROM Transaction FACET name"
    raw = { visualization = "viz.table", rawConfiguration = { facet = { showOtherSeries = false } } }
    x = 8
    y = 8
    width = 16
    height = 4
  }
}
'''
ERRORS = "SELECT percentage(count(*), WHERE error IS true) FROM Transaction"

FOREIGN = {"name": "Team board", "description": "made in the UI", "permissions": "PUBLIC_READ_ONLY",
           "pages": [{"name": "Team board", "widgets": [
               {"title": "Hosts", "visualization": {"id": "viz.line"}, "layout": {"column": 1, "row": 1, "width": 4, "height": 3},
                "rawConfiguration": {"nrqlQueries": [{"accountIds": [ACCOUNT], "query": "SELECT count(*) FROM SystemSample"}]}}]}]}


class NewRelicDashboards(Harness):
    def dashboards(self):
        """name -> dashboard entity, of every account."""
        return {d["name"]: d for d in self.state()["dashboards"].values()}

    def dplan(self, *extra, path="main.mon"):
        """(action, key) of the dashboard changes, and every change with its fields."""
        p = self.run_mc("plan", "--format", "json", *extra, path)
        self.assertEqual(p.returncode, 0, p.stderr)
        changes = json.loads(p.stdout)["changes"]
        return sorted((c["action"], c["key"]) for c in changes if c["kind"] == "dashboard"), changes

    def test_apply_replan_update_prune(self):
        self.write(DASH % ERRORS)
        self.assertEqual(self.dplan()[0], [("create", "Shop overview")])
        self.apply()
        self.assertEqual(self.dplan()[0], [("no-change", "Shop overview")])
        d = self.dashboards()["Shop overview"]
        self.assertEqual(d["description"], "The shop at a glance.\n\n" + MARKER)
        self.assertEqual(d["permissions"], "PUBLIC_READ_WRITE")
        self.assertEqual(len(d["pages"]), 1)
        self.assertEqual(d["pages"][0]["name"], "Shop overview")
        w = {x["title"]: x for x in d["pages"][0]["widgets"]}
        # monitorc's 24 columns on New Relic's 12, rows from 1.
        self.assertEqual({t: (x["visualization"]["id"], x["layout"]) for t, x in w.items()}, {
            "Read me": ("viz.markdown", {"column": 1, "row": 1, "width": 12, "height": 2}),
            "Throughput": ("viz.line", {"column": 1, "row": 3, "width": 6, "height": 6}),
            "Errors": ("viz.billboard", {"column": 7, "row": 3, "width": 6, "height": 6}),
            "Slowest": ("viz.area", {"column": 1, "row": 9, "width": 4, "height": 4}),
            "Routes": ("viz.table", {"column": 5, "row": 9, "width": 8, "height": 4}),
        })
        self.assertEqual(w["Errors"]["rawConfiguration"], {"nrqlQueries": [{"accountIds": [ACCOUNT], "query": ERRORS}]})
        self.assertEqual(w["Throughput"]["rawConfiguration"]["yAxisLeft"], {"min": 0})
        self.assertEqual(w["Routes"]["rawConfiguration"]["facet"], {"showOtherSeries": False})
        self.assertTrue(w["Read me"]["rawConfiguration"]["text"].startswith("**shop**"))
        # A query changes: one update of the same dashboard.
        guid = d["guid"]
        self.write(DASH % (ERRORS + " WHERE appName = 'shop'"))
        plan, changes = self.dplan()
        self.assertEqual(plan, [("update", "Shop overview")])
        fields = [f["path"] for c in changes if c["kind"] == "dashboard" for f in c.get("fields", [])]
        self.assertEqual(fields, ["dashboard.pages[0].widgets[2].rawConfiguration.nrqlQueries[0].query"], fields)
        self.apply()
        d = self.dashboards()["Shop overview"]
        self.assertEqual(d["guid"], guid)
        self.assertIn("appName = 'shop'", json.dumps(d))
        self.assertEqual(self.dplan()[0], [("no-change", "Shop overview")])
        # Gone from the source: an orphan until --prune deletes it.
        self.write("")
        self.assertEqual(self.dplan()[0], [("orphan", "Shop overview")])
        self.apply()
        self.assertIn("Shop overview", self.dashboards())
        self.apply("--prune")
        self.assertEqual(self.dashboards(), {})

    def test_unowned_and_other_accounts_untouched(self):
        self.fake.post("/_seed", {"dashboards": [FOREIGN, dict(FOREIGN, name="Elsewhere", accountId=ACCOUNT + 1)]})
        before = self.state()["dashboards"]
        self.write(DASH % ERRORS)
        # The other account's dashboard is not read at all; the hand-made one is listed only.
        self.assertEqual(self.dplan("--prune")[0], [("create", "Shop overview"), ("ignore", "Team board")])
        self.apply("--prune")
        after = self.state()["dashboards"]
        for guid, d in before.items():
            self.assertEqual(after[guid], d)
        self.assertEqual(len(after), 3)
        # A hand-made dashboard of a name the source takes is adopted only through a reviewed
        # plan, then owned.
        self.fake.post("/_seed", {"dashboards": [dict(FOREIGN, name="Team board 2")]})
        self.write(DASH % ERRORS + DASH.replace("Shop overview", "Team board 2").replace("shop-overview", "team-2") % ERRORS)
        self.assertIn(("adopt", "Team board 2"), self.dplan()[0])
        self.apply()
        self.assertTrue(self.dashboards()["Team board 2"]["description"].endswith(MARKER))
        self.assertEqual(self.dplan()[0], [("ignore", "Team board"), ("no-change", "Shop overview"), ("no-change", "Team board 2")])

    def test_faults_retried_and_lost_create_found_again(self):
        self.write(DASH % ERRORS)
        self.fake.post("/_fault", {"status": 429, "count": 1, "field": "dashboardCreate", "body": True})
        self.fake.post("/_fault", {"status": 500, "count": 1, "field": "dashboardCreate", "after": True})
        self.apply()
        self.assertEqual(list(self.dashboards()), ["Shop overview"], "the lost answer's dashboard was found, not made twice")
        log = self.fake.get("/_log")
        self.assertEqual(sum(1 for e in log if "dashboardCreate" in e["fields"]), 2)
        self.assertEqual(self.dplan()[0], [("no-change", "Shop overview")])
        self.fake.post("/_fault", {"status": 500, "count": 100, "field": "dashboardUpdate"})
        self.write(DASH % (ERRORS + " SINCE 1 day ago"))
        p = self.apply(expect=1)
        self.assertIn("HTTP 500", p.stdout + p.stderr)
        self.fake.post("/_fault", {"clear": True})
        self.apply()
        self.assertEqual(self.dplan()[0], [("no-change", "Shop overview")])

    def test_saved_plan_stale_and_tampered(self):
        self.write(DASH % ERRORS)
        self.apply()
        self.write(DASH % (ERRORS + " SINCE 1 day ago"))
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, "plan.json")) as f:
            plan = json.load(f)
        for c in plan["changes"]:
            if c.get("id"):
                c["id"] = "Zm9yZ2Vk"
        with open(os.path.join(self.dir, "bad.json"), "w") as f:
            json.dump(plan, f)
        self.assertEqual(self.run_mc("apply", "--auto-approve", "bad.json").returncode, 1)
        self.assertNotIn("SINCE 1 day ago", json.dumps(self.state()["dashboards"]))
        # Changed by hand after the plan: the saved plan is stale.
        guid = self.dashboards()["Shop overview"]["guid"]
        r = self.fake.graphql("mutation($g: EntityGuid!, $d: DashboardInput!) { dashboardUpdate(guid: $g, dashboard: $d) "
                              "{ errors { type } } }", {"g": guid, "d": dict(FOREIGN, name="Shop overview")})
        self.assertEqual(r, {"data": {"dashboardUpdate": {"errors": []}}})
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("plan --out", p.stdout + p.stderr)

    def test_fake_refuses_bad_dashboards(self):
        doc = "mutation($a: Int!, $d: DashboardInput!) { dashboardCreate(accountId: $a, dashboard: $d) { errors { type description } } }"
        wide = json.loads(json.dumps(FOREIGN))
        wide["pages"][0]["widgets"][0]["layout"] = {"column": 7, "row": 1, "width": 8, "height": 3}
        r = self.fake.graphql(doc, {"a": ACCOUNT, "d": wide})
        self.assertEqual(r["data"]["dashboardCreate"]["errors"][0]["type"], "INVALID_INPUT")
        for bad, why in [(dict(FOREIGN, permissions="EVERYONE"), 'does not exist in "DashboardPermissions"'),
                         ({k: v for k, v in FOREIGN.items() if k != "pages"}, '"DashboardInput.pages" of required type'),
                         (dict(FOREIGN, pages=[{"name": "p", "widgets": [{"visualization": "viz.line"}]}]), "to be an object")]:
            r = self.fake.graphql(doc, {"a": ACCOUNT, "d": bad})
            self.assertIn(why, r["errors"][0]["message"])
        r = self.fake.graphql("query { actor { entitySearch(query: \"type = 'DASHBOARD'\") { results { entities { guid pages } } } } }", {})
        self.assertIn('Cannot query field "pages" on type "EntityOutline"', r["errors"][0]["message"])
        self.assertEqual(self.state()["dashboards"], {})

    def pulled(self, where):
        out = ""
        for d, _, fs in sorted(os.walk(os.path.join(self.dir, where))):
            for f in sorted(fs):
                with open(os.path.join(d, f)) as fh:
                    out += fh.read()
        return out

    def test_pull_round_trip(self):
        self.write(DASH % ERRORS + self.ERRORS)
        self.apply()
        self.fake.post("/_seed", {"dashboards": [FOREIGN]})
        p = self.run_mc("pull", "--target", "nr", "-o", "pulled", "--owned-only", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        pulled = self.pulled("pulled")
        self.assertIn('dashboard "Shop overview"', pulled)
        self.assertNotIn("Team board", pulled)
        plan, _ = self.dplan(path="pulled")
        self.assertEqual(plan, [("ignore", "Team board"), ("no-change", "Shop overview")])

    def import_file(self, name, doc):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            json.dump(doc, f)
        p = self.run_mc("import", "newrelic", path, "-o", os.path.join(self.dir, name + ".mon"))
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, name + ".mon")) as f:
            return f.read(), p.stderr

    def test_import_round_trip(self):
        """A dashboard as New Relic's "Copy JSON" gives it and conditions as an
        nrqlConditionsSearch answer, imported, plan no change against the same objects."""
        with open(os.path.join(HERE, "cases", "import", "dashboard.json")) as f:
            exported = json.load(f)
        self.fake.post("/_seed", {"dashboards": [exported], "policies": [{"name": "monitorc: newrelic"}]})
        pid = [p["id"] for p in self.state()["policies"].values()][0]
        with open(os.path.join(HERE, "cases", "import", "conditions.json")) as f:
            seeded = json.load(f)
        self.fake.post("/_seed", {"conditions": [dict(c, policyId=pid) for c in seeded]})
        answer = self.fake.graphql(
            "query($a: Int!, $p: ID) { actor { account(id: $a) { id alerts { nrqlConditionsSearch(searchCriteria: {policyId: $p}) {"
            " nrqlConditions { id name type enabled description runbookUrl titleTemplate violationTimeLimitSeconds nrql { query }"
            " terms { operator priority threshold thresholdDuration thresholdOccurrences }"
            " signal { aggregationWindow aggregationMethod aggregationDelay aggregationTimer fillOption fillValue slideBy evaluationDelay }"
            " expiration { expirationDuration openViolationOnExpiration closeViolationsOnExpiration ignoreOnExpectedTermination }"
            " ... on AlertsNrqlBaselineCondition { baselineDirection } } } } } } }", {"a": ACCOUNT, "p": pid})
        self.assertNotIn("errors", answer)
        dash_src, warnings = self.import_file("dashboard.json", exported)
        self.assertIn("variables not kept", warnings)
        cond_src, _ = self.import_file("conditions.json", answer)
        # Each file declares the target with the account its objects name; the test points it at
        # the fake instead.
        decl = re.compile(r'target newrelic "newrelic" \{\s*account_id = (\d+)\s*\}\n')
        self.assertEqual(decl.findall(dash_src), [str(ACCOUNT)])
        self.assertEqual(decl.findall(cond_src), [str(ACCOUNT)])
        target = 'target newrelic "newrelic" {\n  account_id = %d\n  url = "%s/graphql"\n}\n' % (ACCOUNT, self.fake.url)
        with open(os.path.join(self.dir, "imported.mon"), "w") as f:
            f.write(target + decl.sub("", dash_src) + decl.sub("", cond_src))
        p = self.run_mc("plan", "--format", "json", "imported.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        changes = json.loads(p.stdout)["changes"]
        # Made by someone else, so adopted through a reviewed plan, with no field to change.
        self.assertEqual(sorted((c["kind"], c["action"], c["key"], len(c.get("fields", []))) for c in changes),
                         sorted([("dashboard", "adopt", exported["name"], 0)] +
                                [("monitor", "adopt", c["name"], 0) for c in seeded]))


class Import(Harness):
    """What import refuses: located, nothing written."""
    def test_refused(self):
        cases = [("bad.json", '{\n  "name": "x",\n  "pages": [,]\n}', "bad.json:3:"),
                 ("other.json", '{"panels": []}', "not a New Relic dashboard export"),
                 ("cond.json", '[{"name": "x"}]', "needs at least name, nrql")]
        for name, text, why in cases:
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)
            p = self.run_mc("import", "newrelic", name, "-o", "out.mon")
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn(why, p.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.dir, "out.mon")))


if __name__ == "__main__":
    unittest.main()
