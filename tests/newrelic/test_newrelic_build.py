"""Golden tests of the newrelic backend: `monitorc build` of each cases/NAME.mon writes exactly
cases/NAME.out/ (its newrelic/ files) and prints exactly cases/NAME.warn, or fails with exactly
cases/NAME.diag; `check` reports the same. Every condition written is checked against
NerdGraph's schema tables (the input type its create mutation takes) and New Relic's rules for
conditions, as the fake NerdGraph checks what apply sends. NEWRELIC_UPDATE=1 rewrites goldens."""
import filecmp
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import nerdgraph_rules as R

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
MONITORC = os.environ.get("MONITORC", "monitorc")
UPDATE = os.environ.get("NEWRELIC_UPDATE") == "1"


def files(root):
    out = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            with open(p) as fh:
                out[os.path.relpath(p, root)] = fh.read()
    return out


class Build(unittest.TestCase):
    def run_case(self, name):
        src = os.path.join("cases", name + ".mon")
        tmp = tempfile.mkdtemp(prefix="monitorc-nr-build-")
        out = os.path.join(tmp, "out")
        p = subprocess.run([MONITORC, "build", "-o", out, src], cwd=HERE, capture_output=True, text=True)
        c = subprocess.run([MONITORC, "check", src], cwd=HERE, capture_output=True, text=True)
        self.assertEqual(c.stderr, p.stderr, "check reports what build reports")
        diag = os.path.join(CASES, name + ".diag")
        if os.path.exists(diag) or (UPDATE and p.returncode != 0):
            if UPDATE:
                open(diag, "w").write(p.stderr)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertEqual(p.stderr, open(diag).read())
            self.assertFalse(os.path.exists(out), "nothing written despite errors")
            return None
        self.assertEqual(p.returncode, 0, p.stderr)
        warn = os.path.join(CASES, name + ".warn")
        if UPDATE:
            if p.stderr:
                open(warn, "w").write(p.stderr)
            elif os.path.exists(warn):
                os.remove(warn)
        self.assertEqual(p.stderr, open(warn).read() if os.path.exists(warn) else "")
        got = files(os.path.join(out, "newrelic"))
        expected_dir = os.path.join(CASES, name + ".out")
        if UPDATE:
            shutil.rmtree(expected_dir, ignore_errors=True)
            shutil.copytree(os.path.join(out, "newrelic"), os.path.join(expected_dir, "newrelic"))
        self.assertEqual(got, files(os.path.join(expected_dir, "newrelic")))
        return got

    def check_conditions(self, got):
        n = 0
        for path, text in got.items():
            if not path.endswith("conditions.json"):
                continue
            doc = json.loads(text)
            for c in doc["conditions"]:
                kind = c["type"]
                input_type = "AlertsNrqlConditionBaselineInput!" if kind == "BASELINE" else "AlertsNrqlConditionStaticInput!"
                R.coerce(c["condition"], input_type, "$condition")
                R.stored_condition(kind, "1", c["condition"])
                self.assertTrue(c["condition"]["description"].endswith("managed-by: monitorc"))
                n += 1
        return n

    def test_conditions(self):
        got = self.run_case("conditions")
        self.assertEqual(self.check_conditions(got), 11)

    def test_dropped(self):
        got = self.run_case("dropped")
        self.assertEqual(self.check_conditions(got), 3)

    def check_dashboards(self, got):
        """Each dashboard written is one dashboardCreate takes: the DashboardInput type, and New
        Relic's rules (the grid, NRQL with accounts, markdown text)."""
        n = 0
        for path, text in got.items():
            if not path.endswith("dashboards.json"):
                continue
            for d in json.loads(text)["dashboards"]:
                R.coerce(d, "DashboardInput!", "$dashboard")
                self.assertIsNone(R.dashboard_rules(d))
                self.assertTrue(d["description"].endswith("managed-by: monitorc"))
                n += 1
        return n

    def test_dashboards(self):
        got = self.run_case("dashboards")
        self.assertEqual(self.check_dashboards(got), 1)
        # The checker itself refuses a widget off the grid.
        d = json.loads(got["nr/dashboards.json"])["dashboards"][0]
        d["pages"][0]["widgets"][0]["layout"]["column"] = 12
        self.assertIn("columns 1 to 12", R.dashboard_rules(d))
        d["pages"][0]["widgets"][0]["layout"]["colum"] = 1
        with self.assertRaises(R.Refused):
            R.coerce(d, "DashboardInput!", "$dashboard")

    def test_cannot(self):
        self.run_case("cannot")

    def test_settings(self):
        self.run_case("settings")

    def test_the_checker_itself_refuses(self):
        # The schema check is not a no-op: a condition with an unknown field or a wrong enum fails.
        good = {"name": "x", "enabled": True, "nrql": {"query": "SELECT 1 FROM X"}, "terms": []}
        R.coerce(good, "AlertsNrqlConditionStaticInput!", "$c")
        for bad in (dict(good, bogus=1), dict(good, terms=[{"operator": "OVER", "threshold": 1, "thresholdDuration": 60,
                                                            "thresholdOccurrences": "ALL"}]), {"name": "x"}):
            with self.assertRaises(R.Refused):
                R.coerce(bad, "AlertsNrqlConditionStaticInput!", "$c")
        with self.assertRaises(R.Refused):
            R.stored_condition("STATIC", "1", good)  # neither terms nor signal loss


if __name__ == "__main__":
    unittest.main()
