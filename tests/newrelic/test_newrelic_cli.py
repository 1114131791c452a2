"""End to end: `monitorc plan/apply/pull` on newrelic targets, through the real binary, against
fake_nerdgraph.py, which checks every GraphQL document and its variables against NerdGraph's
schema tables and keeps policies and conditions as New Relic does."""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MONITORC = os.environ.get("MONITORC", "monitorc")
PYTHON = "/usr/bin/python3"
KEY = "NRAK-MONITORCTESTKEY0123456789ABCDEF"
ACCOUNT = 4242
POLICY = "monitorc: nr"


class Fake:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="monitorc-nr-fake-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen([PYTHON, os.path.join(HERE, "fake_nerdgraph.py"), port_file, KEY, str(ACCOUNT)],
                                     stdin=subprocess.DEVNULL, cwd=HERE)
        deadline = time.time() + 30
        while not os.path.exists(port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("fake_nerdgraph.py did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.url = "http://127.0.0.1:%s" % f.read().strip()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)

    def post(self, path, body=None):
        req = urllib.request.Request(self.url + path, json.dumps(body or {}).encode(), {"Content-Type": "application/json"})
        with self.opener.open(req, timeout=30) as r:
            return json.load(r)

    def graphql(self, document, variables):
        req = urllib.request.Request(self.url + "/graphql", json.dumps({"query": document, "variables": variables}).encode(),
                                     {"Content-Type": "application/json", "API-Key": KEY})
        with self.opener.open(req, timeout=30) as r:
            return json.load(r)

    def get(self, path):
        with self.opener.open(self.url + path, timeout=30) as r:
            return json.load(r)


class Harness(unittest.TestCase):
    """A fake NerdGraph per class, a fresh directory and state per test, and the check that the
    key appears in no output and no file (no tests of its own)."""
    @classmethod
    def setUpClass(cls):
        cls.fake = Fake()

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="monitorc-nr-")
        self.outputs = []
        self.fake.post("/_reset")
        self.env = {"NEW_RELIC_API_KEY": KEY, "HOME": self.dir}

    def tearDown(self):
        # The key is never printed, and never written into a plan or a pulled source.
        for out in self.outputs:
            self.assertNotIn(KEY, out)
        for root, _, files in os.walk(self.dir):
            for f in files:
                with open(os.path.join(root, f), errors="replace") as fh:
                    self.assertNotIn(KEY, fh.read())

    def write(self, body, extra=""):
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write('target newrelic "nr" {\n  account_id = %d\n  url = "%s/graphql"\n%s}\n%s' % (ACCOUNT, self.fake.url, extra, body))

    def run_mc(self, *args, env=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("NEW_RELIC")}
        e.update(self.env)
        e.update(env or {})
        p = subprocess.run([MONITORC, *args], cwd=self.dir, env=e, capture_output=True, text=True, timeout=300,
                           stdin=subprocess.DEVNULL)
        self.outputs.append(p.stdout + p.stderr)
        return p

    def plan(self, *extra):
        p = self.run_mc("plan", "--format", "json", *extra, "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        return sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"])

    def apply(self, *extra, expect=0):
        p = self.run_mc("apply", "--auto-approve", *extra, "main.mon")
        self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return p

    def state(self):
        return self.fake.get("/_state")

    def conditions(self):
        """name -> condition, of every policy."""
        return {c["name"]: c for c in self.state()["conditions"].values()}

    def policy_id(self, name=POLICY):
        ids = [p["id"] for p in self.state()["policies"].values() if p["name"] == name]
        self.assertEqual(len(ids), 1, ids)
        return ids[0]

    def seed_foreign(self):
        """Someone else's policy and, in monitorc's policy, a condition made by hand."""
        out = self.fake.post("/_seed", {"policies": [{"name": "Team ops"}]})
        ops = [p for p in self.state()["policies"].values() if p["name"] == "Team ops"][0]["id"]
        self.fake.post("/_seed", {"conditions": [
            {"policyId": ops, "name": "CPU high", "enabled": True, "nrql": {"query": "SELECT 1 FROM X"},
             "terms": [{"operator": "ABOVE", "priority": "CRITICAL", "threshold": 5, "thresholdDuration": 60,
                        "thresholdOccurrences": "ALL"}]}]})
        if any(p["name"] == POLICY for p in self.state()["policies"].values()):
            self.fake.post("/_seed", {"conditions": [
                {"policyId": self.policy_id(), "name": "Hand made", "enabled": True, "description": "by hand",
                 "nrql": {"query": "SELECT count(*) FROM Transaction"},
                 "terms": [{"operator": "BELOW", "priority": "CRITICAL", "threshold": 1, "thresholdDuration": 300,
                            "thresholdOccurrences": "AT_LEAST_ONCE"}]}]})
        return out

    ERRORS = ('monitor query "Error rate" {\n  query = "SELECT percentage(count(*), WHERE error IS true) FROM Transaction '
              'WHERE appName = \'shop\'"\n  operator = ">"\n  critical = 5\n  for_duration = 300\n'
              '  raw = { signal = { fillOption = "STATIC", fillValue = 0 }, thresholdOccurrences = "AT_LEAST_ONCE" }\n}\n')


class NewRelicCli(Harness):
    CPU = ('monitor host "CPU high" {\n  metric = "cpu%%"\n  operator = ">"\n  warning = 70\n  critical = %s\n'
           '  duration = 5m\n  max_check_attempts = 3\n  labels = { team = "web", runbook = "https://wiki.example/cpu" }\n'
           '  memo = "WHY: busy"\n}\n')
    THROUGHPUT = ('monitor query "Throughput off" {\n  query = "SELECT rate(count(*), 1 minute) FROM Transaction"\n'
                  '  operator = ">"\n  critical = 3\n  warning = 2\n  for_duration = 600\n'
                  '  raw = { baselineDirection = "UPPER_AND_LOWER" }\n}\n')
    GONE = 'monitor connectivity "Host gone" {}\n'
    TOP = ('monitor external "Top page" {\n  url = "https://shop.example.com/"\n  service = "shop"\n'
           '  response_time_critical = 3000\n  response_time_duration = 1m\n  max_check_attempts = 2\n}\n')

    def test_apply_replan_update_prune(self):
        self.write(self.CPU % 90 + self.ERRORS + self.THROUGHPUT + self.GONE + self.TOP)
        names = ["CPU high", "Error rate", "Host gone", "Throughput off", "Top page", "Top page (response time)"]
        self.assertEqual(self.plan(), [("create", n) for n in names])
        self.assertEqual(self.state()["policies"], {}, "plan wrote nothing")
        self.apply()
        self.assertEqual(self.plan(), [("no-change", n) for n in names])
        pid = self.policy_id()
        got = self.conditions()
        self.assertEqual(sorted(got), names)
        self.assertTrue(all(c["policyId"] == pid for c in got.values()))
        cpu = got["CPU high"]
        self.assertEqual(cpu["type"], "STATIC")
        self.assertEqual(cpu["nrql"]["query"], "SELECT average(cpuPercent) FROM SystemSample FACET hostname")
        self.assertEqual([(t["priority"], t["operator"], t["threshold"], t["thresholdDuration"], t["thresholdOccurrences"])
                          for t in cpu["terms"]],
                         [("CRITICAL", "ABOVE", 90.0, 900, "ALL"), ("WARNING", "ABOVE", 70.0, 900, "ALL")])
        self.assertEqual(cpu["signal"]["aggregationWindow"], 300)
        self.assertEqual(cpu["runbookUrl"], "https://wiki.example/cpu")
        self.assertEqual(cpu["description"], "WHY: busy\n\nteam: web\n\nmanaged-by: monitorc")
        base = got["Throughput off"]
        self.assertEqual((base["type"], base["baselineDirection"]), ("BASELINE", "UPPER_AND_LOWER"))
        self.assertEqual(got["Error rate"]["signal"]["fillOption"], "STATIC")
        self.assertEqual(got["Error rate"]["terms"][0]["thresholdOccurrences"], "AT_LEAST_ONCE")
        self.assertEqual(got["Host gone"]["expiration"]["openViolationOnExpiration"], True)
        self.assertEqual(got["Host gone"]["terms"], [])
        self.assertIn("monitorName = 'Top page'", got["Top page (response time)"]["nrql"]["query"])
        # A threshold changes: one update, in place.
        before = cpu["id"]
        self.write(self.CPU % 95 + self.ERRORS + self.THROUGHPUT + self.GONE + self.TOP)
        self.assertIn(("update", "CPU high"), self.plan())
        self.apply()
        self.assertEqual(self.conditions()["CPU high"]["id"], before)
        self.assertEqual(self.conditions()["CPU high"]["terms"][0]["threshold"], 95.0)
        # Static to baseline: the condition is made again under its name.
        self.write(self.CPU % 95 + self.ERRORS + self.THROUGHPUT.replace('raw = { baselineDirection = "UPPER_AND_LOWER" }', "") +
                   self.GONE + self.TOP)
        self.assertIn(("update", "Throughput off"), self.plan())
        self.apply()
        self.assertEqual(self.conditions()["Throughput off"]["type"], "STATIC")
        self.assertEqual(len(self.conditions()), 6)
        # Settings the source no longer gives are cleared, not kept (NerdGraph's updates keep
        # what they are not given): gap filling back to NONE, no fill value, no runbook.
        plain = self.ERRORS.replace('  raw = { signal = { fillOption = "STATIC", fillValue = 0 }, thresholdOccurrences = "AT_LEAST_ONCE" }\n', "")
        self.assertNotEqual(plain, self.ERRORS)
        self.write((self.CPU % 95).replace(', runbook = "https://wiki.example/cpu"', "") + plain + self.GONE + self.TOP)
        self.assertEqual(sorted(k for a, k in self.plan() if a == "update"), ["CPU high", "Error rate"])
        self.apply()
        got = self.conditions()
        self.assertEqual((got["Error rate"]["signal"]["fillOption"], got["Error rate"]["signal"]["fillValue"]), ("NONE", None))
        self.assertIsNone(got["CPU high"]["runbookUrl"])
        self.assertEqual({a for a, _ in self.plan() if a != "orphan"}, {"no-change"})
        # Gone from the source: orphans until --prune.
        self.write(self.ERRORS)
        plan = self.plan()
        self.assertIn(("orphan", "CPU high"), plan)
        self.apply()
        self.assertEqual(len(self.conditions()), 6)
        self.apply("--prune")
        self.assertEqual(sorted(self.conditions()), ["Error rate"])
        self.assertEqual(self.plan("--prune"), [("no-change", "Error rate")])
        # The policy stays: monitorc never deletes it.
        self.policy_id()

    def test_rename_through_previous_names(self):
        self.write(self.CPU % 90 + self.TOP)
        self.apply()
        ids = {n: c["id"] for n, c in self.conditions().items()}
        self.write((self.CPU % 90).replace('"CPU high" {', '"CPU busy" {\n  previous_names = ["CPU high"]') +
                   self.TOP.replace('"Top page" {', '"Front page" {\n  previous_names = ["Top page"]'))
        plan = self.plan("--prune")
        self.assertEqual(sorted(a for a, _ in plan), ["update", "update", "update"], plan)
        self.apply("--prune")
        got = self.conditions()
        self.assertEqual(sorted(got), ["CPU busy", "Front page", "Front page (response time)"])
        self.assertEqual(got["CPU busy"]["id"], ids["CPU high"])
        self.assertEqual(got["Front page (response time)"]["id"], ids["Top page (response time)"])
        self.assertEqual({a for a, _ in self.plan("--prune")}, {"no-change"})

    def test_unowned_untouched_even_with_prune(self):
        self.write(self.ERRORS)
        self.apply()
        self.seed_foreign()
        before = self.state()
        self.write(self.ERRORS + self.CPU % 90)
        plan = self.plan("--prune")
        # The hand-made condition in monitorc's policy is listed, never deleted; the other
        # policy's "CPU high" is not read at all: monitorc's "CPU high" is a create.
        self.assertEqual(plan, [("create", "CPU high"), ("ignore", "Hand made"), ("no-change", "Error rate")])
        self.apply("--prune")
        after = self.state()
        for cid, c in before["conditions"].items():
            if not c["description"] or not c["description"].endswith("managed-by: monitorc"):
                self.assertEqual(after["conditions"][cid], c)
        self.assertEqual(len(after["policies"]), 2)

    def test_two_policies_of_the_name_refused(self):
        self.fake.post("/_seed", {"policies": [{"name": POLICY}, {"name": POLICY}]})
        self.write(self.ERRORS)
        p = self.run_mc("plan", "main.mon")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("2 policies named", p.stdout + p.stderr)

    def test_rate_limits_and_faults_are_retried(self):
        self.write(self.CPU % 90 + self.ERRORS)
        self.fake.post("/_fault", {"status": 429, "count": 2, "field": "actor"})
        self.fake.post("/_fault", {"status": 429, "count": 1, "field": "alertsNrqlConditionStaticCreate", "body": True})
        self.fake.post("/_fault", {"status": 500, "count": 1, "field": "alertsPolicyCreate"})
        self.apply("--parallel", "1")
        self.assertEqual(sorted(self.conditions()), ["CPU high", "Error rate"])
        log = self.fake.get("/_log")
        self.assertEqual(sum(1 for e in log if "alertsNrqlConditionStaticCreate" in e["fields"]), 3)
        self.assertEqual(len(self.state()["policies"]), 1)
        # A create whose answer is lost (a 500 after the condition was made) is found again by
        # its name, not made twice.
        self.write(self.CPU % 90 + self.ERRORS + self.GONE)
        self.fake.post("/_fault", {"status": 500, "count": 1, "field": "alertsNrqlConditionStaticCreate", "after": True})
        self.apply()
        self.assertEqual(sorted(self.conditions()), ["CPU high", "Error rate", "Host gone"])
        self.assertEqual({a for a, _ in self.plan()}, {"no-change"})

    def test_fault_for_good_then_rerun_converges(self):
        self.write(self.CPU % 90 + self.ERRORS)
        self.fake.post("/_fault", {"status": 500, "count": 100, "field": "alertsNrqlConditionStaticCreate"})
        p = self.apply("--parallel", "1", expect=1)
        self.assertIn("HTTP 500", p.stdout + p.stderr)
        self.assertEqual(self.conditions(), {})
        # The service recovers: the next run converges.
        self.fake.post("/_fault", {"clear": True})
        self.apply()
        self.assertEqual({a for a, _ in self.plan()}, {"no-change"})

    def test_kill_9_mid_apply_then_rerun_converges(self):
        self.write("".join((self.CPU % 90).replace("CPU high", "CPU %d" % i) for i in range(6)))
        self.fake.post("/_delay", {"alertsNrqlConditionStaticCreate": 0.3})
        e = {k: v for k, v in os.environ.items() if not k.startswith("NEW_RELIC")}
        e.update(self.env)
        proc = subprocess.Popen([MONITORC, "apply", "--auto-approve", "--parallel", "1", "main.mon"], cwd=self.dir, env=e,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while len(self.state()["conditions"]) < 2 and time.time() < deadline and proc.poll() is None:
            time.sleep(0.01)
        self.assertIsNone(proc.poll(), "apply was still running")
        os.kill(proc.pid, signal.SIGKILL)
        self.outputs.append(proc.communicate()[0].decode())
        made = len(self.state()["conditions"])
        self.assertTrue(2 <= made < 6, made)
        self.fake.post("/_delay", {})
        self.apply()
        self.assertEqual(len(self.conditions()), 6)
        self.assertEqual({a for a, _ in self.plan()}, {"no-change"})

    def test_saved_plan_stale_and_tampered(self):
        self.write(self.CPU % 90)
        self.apply()
        self.write(self.CPU % 80)
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, "plan.json")) as f:
            plan = json.load(f)
        for c in plan["changes"]:
            if c.get("id"):
                c["id"] = "999999"
        with open(os.path.join(self.dir, "bad.json"), "w") as f:
            json.dump(plan, f)
        p = self.run_mc("apply", "--auto-approve", "bad.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(self.conditions()["CPU high"]["terms"][0]["threshold"], 90.0)
        # Stale: the condition was changed by hand (through the API, as the UI does) after the plan.
        cid = self.conditions()["CPU high"]["id"]
        r = self.fake.graphql("mutation($a: Int!, $id: ID!, $c: AlertsNrqlConditionUpdateStaticInput!) {"
                              " alertsNrqlConditionStaticUpdate(accountId: $a, id: $id, condition: $c) { id } }",
                              {"a": ACCOUNT, "id": cid, "c": {"enabled": False}})
        self.assertEqual(r, {"data": {"alertsNrqlConditionStaticUpdate": {"id": cid}}})
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("plan --out", p.stdout + p.stderr)
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.conditions()["CPU high"]["terms"][0]["threshold"], 80.0)

    def test_key_missing_or_wrong(self):
        self.write(self.ERRORS)
        p = self.run_mc("plan", "main.mon", env={"NEW_RELIC_API_KEY": ""})
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("NEW_RELIC_API_KEY", p.stdout + p.stderr)
        p = self.run_mc("plan", "main.mon", env={"NEW_RELIC_API_KEY": KEY[:-1] + "X"})
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("401", p.stdout + p.stderr)
        self.assertNotIn(KEY[:-1], p.stdout + p.stderr)
        # A key in a variable named by api_key_env.
        self.write(self.ERRORS, extra='  api_key_env = "NR_KEY"\n')
        p = self.run_mc("plan", "main.mon", env={"NEW_RELIC_API_KEY": "", "NR_KEY": KEY})
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.run_mc("plan", "-v", "main.mon", env={"NEW_RELIC_API_KEY": "", "NR_KEY": KEY})
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_fake_refuses_what_the_schema_does_not_have(self):
        """The fake is the schema check of everything above: it must refuse what NerdGraph refuses."""
        ok = self.fake.graphql("query($a: Int!) { actor { account(id: $a) { alerts { policiesSearch { policies { id } } } } } }",
                               {"a": ACCOUNT})
        self.assertEqual(ok["data"]["actor"]["account"]["alerts"]["policiesSearch"]["policies"], [])
        cases = [
            ("query($a: Int!) { actor { account(id: $a) { alerts { policiesSearch { policies { id nam } } } } } }", {"a": ACCOUNT},
             'Cannot query field "nam"'),
            ("query($a: Int!) { actor { account(id: $a) { alerts { policiesSearch(filter: {}) { nextCursor } } } } }",
             {"a": ACCOUNT}, 'Unknown argument "filter"'),
            ("query($a: String!) { actor { account(id: $a) { id } } }", {"a": "1"}, 'used in position expecting type "Int!"'),
            ("mutation($a: Int!, $p: AlertsPolicyInput!) { alertsPolicyCreate(accountId: $a, policy: $p) { id } }",
             {"a": ACCOUNT, "p": {"name": "x", "incidentPreference": "PER_HOST"}}, 'does not exist in "AlertsIncidentPreference"'),
            ("mutation($a: Int!, $p: AlertsPolicyInput!) { alertsPolicyCreate(accountId: $a, policy: $p) { id } }",
             {"a": ACCOUNT, "p": {"name": "x"}}, 'of required type "AlertsIncidentPreference!" was not provided'),
            ("mutation($a: Int!, $id: ID!) { alertsConditionDelete(accountId: $a, id: $id) }", {"a": ACCOUNT, "id": "1"},
             "must have a selection of subfields"),
            ("mutation { alertsConditionDelete(accountId: 1) { id } }", {}, 'argument "id" of type "ID!" is required'),
        ]
        for doc, variables, why in cases:
            r = self.fake.graphql(doc, variables)
            self.assertIn("errors", r, doc)
            self.assertIn(why, r["errors"][0]["message"])
        self.assertEqual(self.state()["policies"], {})

    def test_pull_round_trip(self):
        self.write(self.CPU % 90 + self.ERRORS + self.THROUGHPUT + self.GONE)
        self.apply()
        self.seed_foreign()
        p = self.run_mc("pull", "--target", "nr", "-o", "pulled", "--owned-only", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        pulled = ""
        for d, _, fs in sorted(os.walk(os.path.join(self.dir, "pulled"))):
            for f in sorted(fs):
                with open(os.path.join(d, f)) as fh:
                    pulled += fh.read()
        self.assertIn('monitor query "CPU high"', pulled)
        self.assertIn("SystemSample", pulled)
        self.assertNotIn("Hand made", pulled)
        p = self.run_mc("plan", "--format", "json", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        changes = sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"])
        self.assertEqual(changes, [("ignore", "Hand made"), ("no-change", "CPU high"), ("no-change", "Error rate"),
                                   ("no-change", "Host gone"), ("no-change", "Throughput off")])


if __name__ == "__main__":
    unittest.main()
