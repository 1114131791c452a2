"""End to end: `monitorc plan/apply/pull` on kibana targets, through the real binary, against
fake_kibana.py (Kibana's alerting API with its request validation, 409s and kbn-xsrf)."""
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
KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="


class Fake:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="monitorc-kb-fake-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fake_kibana.py"), port_file, KEY],
                                     stdin=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not os.path.exists(port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("fake_kibana.py did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.url = "http://127.0.0.1:%s" % f.read().strip()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)

    def post(self, path, body=None):
        req = urllib.request.Request(self.url + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
        with self.opener.open(req, timeout=30) as r:
            return json.load(r)

    def get(self, path):
        with self.opener.open(self.url + path, timeout=30) as r:
            return json.load(r)

    def rules(self, space="ops"):
        """name -> rule, as the fake holds them."""
        return {r["name"]: r for r in self.get("/_state")["spaces"].get(space, {}).values()}

    def api(self, method, path, body=None, headers=None):
        """One request to the fake's API as any client would send it: (status, answer)."""
        h = {"Authorization": "ApiKey " + KEY, "kbn-xsrf": "x", "Content-Type": "application/json"}
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        req = urllib.request.Request(self.url + path, None if body is None else json.dumps(body).encode(), h, method=method)
        try:
            with self.opener.open(req, timeout=30) as r:
                data = r.read()
                return r.status, json.loads(data) if data else None
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())


ERRORS = ('monitor query "Checkout errors" {\n  query = "{\\"term\\": {\\"log.level\\": \\"error\\"}}"\n  operator = ">"\n'
          '  warning = 5\n  critical = %s\n  labels = { team = "payments" }\n  memo = "Runbook: wiki/checkout"\n}\n')
TIMEOUTS = ('monitor query "Payment timeouts" {\n  query = "message : timeout"\n  operator = ">"\n  critical = 3\n}\n')


class KibanaCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = Fake()

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="monitorc-kb-")
        self.outputs = []
        self.fake.post("/_reset")
        self.env = {"KIBANA_API_KEY": KEY, "HOME": self.dir}

    def tearDown(self):
        for out in self.outputs:
            self.assertNotIn(KEY, out)
        for root, _, files in os.walk(self.dir):
            for f in files:
                with open(os.path.join(root, f), errors="replace") as fh:
                    self.assertNotIn(KEY, fh.read(), f)

    def write(self, body, extra=""):
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write('target kibana "kb" {\n  url = "%s"\n  space = "ops"\n  index = ["logs-*"]\n  data_view = "logs"\n'
                    '  critical_connectors = ["oncall-slack"]\n%s}\n%s' % (self.fake.url, extra, body))

    def run_mc(self, *args, env=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("KIBANA_")}
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

    def seed(self, name, threshold, tags, space="ops"):
        return self.fake.post("/_seed", {"space": space, "rule": {
            "name": name, "rule_type_id": ".es-query", "consumer": "stackAlerts", "schedule": {"interval": "1m"},
            "tags": tags, "params": {"searchType": "esQuery", "esQuery": '{"query":{"match_all":{}}}', "index": ["x"],
                                     "timeField": "@timestamp", "size": 100, "threshold": [threshold],
                                     "thresholdComparator": ">", "timeWindowSize": 5, "timeWindowUnit": "m"}}})["id"]

    def test_fake_follows_the_api(self):
        """The fake refuses what Kibana refuses, with Kibana's error body."""
        ok = {"name": "r", "rule_type_id": ".es-query", "consumer": "stackAlerts", "schedule": {"interval": "1m"},
              "params": {"esQuery": '{"query":{"match_all":{}}}', "index": ["x"], "timeField": "@timestamp", "size": 1,
                         "threshold": [1], "thresholdComparator": ">", "timeWindowSize": 5, "timeWindowUnit": "m"}}
        status, body = self.fake.api("POST", "/api/alerting/rule", ok, {"kbn-xsrf": None})
        self.assertEqual((status, body["error"]), (400, "Bad Request"))
        self.assertIn("kbn-xsrf", body["message"])
        status, body = self.fake.api("POST", "/api/alerting/rule", ok, {"Authorization": "ApiKey wrong"})
        self.assertEqual(status, 401)
        status, body = self.fake.api("POST", "/api/alerting/rule", {k: v for k, v in ok.items() if k != "name"})
        self.assertEqual((status, body["statusCode"]), (400, 400))
        self.assertEqual(body["message"], "[request body.name]: expected value of type [string] but got [undefined]")
        status, body = self.fake.api("POST", "/api/alerting/rule", dict(ok, params=dict(ok["params"], size=None)))
        self.assertEqual(status, 400)
        self.assertTrue(body["message"].startswith("params invalid: [size]"), body)
        rid = "8a1f5a2e-3c4d-4e5f-8a6b-7c8d9e0f1a2b"
        self.assertEqual(self.fake.api("POST", "/api/alerting/rule/" + rid, ok)[0], 200)
        status, body = self.fake.api("POST", "/api/alerting/rule/" + rid, ok)
        self.assertEqual((status, body["error"]), (409, "Conflict"))
        status, body = self.fake.api("PUT", "/api/alerting/rule/" + rid, dict(ok))
        self.assertEqual(status, 400)
        self.assertIn("definition for this key is missing", body["message"])

    def test_plan_apply_replan_update_prune(self):
        self.write(ERRORS % 20 + TIMEOUTS)
        names = ["Checkout errors (critical)", "Checkout errors (warning)", "Payment timeouts (critical)"]
        self.assertEqual(self.plan(), [("create", n) for n in names])
        self.apply()
        self.assertEqual(self.plan(), [("no-change", n) for n in names])
        got = self.fake.rules()
        self.assertEqual(sorted(got), names)
        crit = got["Checkout errors (critical)"]
        self.assertEqual(crit["rule_type_id"], ".es-query")
        self.assertEqual(crit["params"]["threshold"], [20])
        self.assertEqual(crit["params"]["thresholdComparator"], ">")
        self.assertEqual(json.loads(crit["params"]["esQuery"]), {"query": {"term": {"log.level": "error"}}})
        self.assertEqual((crit["params"]["timeWindowSize"], crit["params"]["timeWindowUnit"]), (5, "m"))
        self.assertEqual(crit["schedule"], {"interval": "1m"})
        self.assertEqual(sorted(crit["tags"]), ["managed-by:monitorc", "monitorc-severity:critical", "team:payments"])
        self.assertEqual([a["id"] for a in crit["actions"]], ["oncall-slack"])
        self.assertIn("Runbook: wiki/checkout", crit["actions"][0]["params"]["message"])
        self.assertEqual(got["Checkout errors (warning)"]["actions"], [])  # no warning_connectors
        kql = got["Payment timeouts (critical)"]["params"]
        self.assertEqual(kql["searchType"], "searchSource")
        self.assertEqual(kql["searchConfiguration"], {"query": {"query": "message : timeout", "language": "kuery"}, "index": "logs"})
        # Every write carried the key as an ApiKey header and kbn-xsrf (the fake refuses otherwise).
        log = self.fake.get("/_log")
        self.assertTrue(all(e["status"] in (200, 204) for e in log), log)
        self.assertTrue(all(e["space"] == "ops" for e in log))
        # One threshold changed: one update.
        self.write(ERRORS % 25 + TIMEOUTS)
        self.assertEqual(self.plan(), [("no-change", "Checkout errors (warning)"), ("no-change", "Payment timeouts (critical)"),
                                       ("update", "Checkout errors (critical)")])
        self.apply()
        self.assertEqual(self.fake.rules()["Checkout errors (critical)"]["params"]["threshold"], [25])
        self.assertEqual(self.plan(), [("no-change", n) for n in names])
        # Disabled by hand: the plan puts it back.
        rid = self.fake.rules()["Payment timeouts (critical)"]["id"]
        self.assertEqual(self.fake.api("POST", "/s/ops/api/alerting/rule/%s/_disable" % rid)[0], 204)
        self.assertIn(("update", "Payment timeouts (critical)"), self.plan())
        self.apply()
        self.assertTrue(self.fake.rules()["Payment timeouts (critical)"]["enabled"])
        # Gone from the source: orphans until --prune.
        self.write(TIMEOUTS)
        self.assertEqual(self.plan(), [("no-change", "Payment timeouts (critical)"), ("orphan", "Checkout errors (critical)"),
                                       ("orphan", "Checkout errors (warning)")])
        self.apply()
        self.assertEqual(len(self.fake.rules()), 3)
        self.apply("--prune")
        self.assertEqual(sorted(self.fake.rules()), ["Payment timeouts (critical)"])
        self.assertEqual(self.plan("--prune"), [("no-change", "Payment timeouts (critical)")])

    def test_rename_through_previous_names(self):
        self.write(ERRORS % 20)
        self.apply()
        ids = {n: r["id"] for n, r in self.fake.rules().items()}
        self.write((ERRORS % 20).replace('"Checkout errors"', '"Checkout failures"').replace(
            '  memo', '  previous_names = ["Checkout errors"]\n  memo'))
        self.assertEqual(self.plan(), [("update", "Checkout failures (critical)"), ("update", "Checkout failures (warning)")])
        self.apply()
        got = self.fake.rules()
        self.assertEqual(sorted(got), ["Checkout failures (critical)", "Checkout failures (warning)"])
        # Renamed in place: the same rules, not new ones.
        self.assertEqual(got["Checkout failures (critical)"]["id"], ids["Checkout errors (critical)"])
        self.assertEqual(self.plan("--prune"), [("no-change", "Checkout failures (critical)"),
                                                ("no-change", "Checkout failures (warning)")])
        # The old name again: its id is taken by the renamed rule, so Kibana picks a new one.
        self.write(ERRORS % 20 + (ERRORS % 20).replace('"Checkout errors"', '"Checkout failures"'))
        self.apply()
        self.assertEqual(len(self.fake.rules()), 4)
        self.assertEqual({a for a, _ in self.plan()}, {"no-change"})

    def test_unowned_rules_untouched_even_with_prune(self):
        hand = self.seed("Hand made", 50, ["team:ops"])
        other = self.seed("Other space", 1, ["managed-by:monitorc"], space="default")
        self.write(TIMEOUTS)
        self.assertEqual(self.plan("--prune"), [("create", "Payment timeouts (critical)"), ("ignore", "Hand made")])
        self.apply("--prune")
        got = self.fake.rules()
        self.assertEqual(got["Hand made"]["params"]["threshold"], [50])
        self.assertEqual(got["Hand made"]["tags"], ["team:ops"])
        self.assertEqual(got["Hand made"]["id"], hand)
        self.assertIn(other, self.fake.get("/_state")["spaces"]["default"])
        writes = [e for e in self.fake.get("/_log") if e["method"] != "GET"]
        self.assertFalse([e for e in writes if hand in e["path"] or other in e["path"]], writes)
        # An unowned rule with a monitor's rule name is adopted only through the plan.
        self.seed("Checkout errors (critical)", 1, [])
        self.write(TIMEOUTS + ERRORS % 20)
        self.assertIn(("adopt", "Checkout errors (critical)"), self.plan())
        self.apply()
        self.assertIn("managed-by:monitorc", self.fake.rules()["Checkout errors (critical)"]["tags"])

    def test_429_and_503_are_retried(self):
        self.write(ERRORS % 20)
        self.fake.post("/_faults", [{"method": "POST", "path": "/api/alerting/rule", "status": 429, "times": 2},
                                    {"method": "GET", "path": "_find", "status": 503, "times": 1}])
        self.apply()
        log = self.fake.get("/_log")
        self.assertEqual(sum(1 for e in log if e.get("status") == 429), 2)
        self.assertEqual(sum(1 for e in log if e.get("status") == 503), 1)
        self.assertEqual(len(self.fake.rules()), 2)
        self.assertEqual(self.plan(), [("no-change", "Checkout errors (critical)"), ("no-change", "Checkout errors (warning)")])

    def test_lost_create_answer_is_found_again(self):
        """A create Kibana carried out but whose answer was lost (503): the retry names the same
        rule id, answers 409, and the rule is taken (owned, same name), not made twice."""
        self.write(TIMEOUTS)
        self.fake.post("/_faults", [{"method": "POST", "path": "/api/alerting/rule/", "status": 503, "times": 1, "lose": True}])
        self.apply()
        log = self.fake.get("/_log")
        self.assertEqual([e["status"] for e in log if e["method"] == "POST"][:2], [503, 409])
        self.assertEqual(len(self.fake.rules()), 1)
        self.assertEqual(self.plan(), [("no-change", "Payment timeouts (critical)")])

    def test_kill_9_mid_apply_then_rerun_converges(self):
        self.write("".join(TIMEOUTS.replace("Payment timeouts", "Timeouts %d" % i) for i in range(6)))
        self.fake.post("/_delay", {"seconds": 0.4})
        e = {k: v for k, v in os.environ.items() if not k.startswith("KIBANA_")}
        e.update(self.env)
        proc = subprocess.Popen([MONITORC, "apply", "--auto-approve", "--parallel", "1", "main.mon"], cwd=self.dir, env=e,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while len(self.fake.rules()) < 2 and time.time() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        self.outputs.append(proc.communicate()[0].decode())
        made = len(self.fake.rules())
        self.assertGreaterEqual(made, 2)
        self.assertLess(made, 6)
        self.fake.post("/_delay", {"seconds": 0})
        self.apply()
        self.assertEqual(len(self.fake.rules()), 6)
        self.assertEqual({a for a, _ in self.plan()}, {"no-change"})

    def test_saved_plan_stale_and_tampered(self):
        self.write(ERRORS % 20)
        self.apply()
        self.write(ERRORS % 30)
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, "plan.json")) as f:
            plan = json.load(f)
        for c in plan["changes"]:
            if c.get("id"):
                c["id"] = "00000000-0000-4000-8000-000000000000"
        with open(os.path.join(self.dir, "bad.json"), "w") as f:
            json.dump(plan, f)
        p = self.run_mc("apply", "--auto-approve", "bad.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        # Stale: the rule changed by hand after the plan.
        rule = self.fake.rules()["Checkout errors (critical)"]
        body = {k: rule[k] for k in ("name", "tags", "schedule", "params")}
        body["params"] = dict(body["params"], threshold=[42])
        self.assertEqual(self.fake.api("PUT", "/s/ops/api/alerting/rule/" + rule["id"], body)[0], 200)
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("plan --out", p.stdout + p.stderr)
        self.assertEqual(self.fake.rules()["Checkout errors (critical)"]["params"]["threshold"], [42])
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.fake.rules()["Checkout errors (critical)"]["params"]["threshold"], [30])

    def test_key_missing_or_wrong_and_never_printed(self):
        self.write(TIMEOUTS)
        p = self.run_mc("plan", "-v", "main.mon", env={"KIBANA_API_KEY": KEY + "x"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("401", p.stderr)
        p = self.run_mc("plan", "main.mon", env={"KIBANA_API_KEY": ""})
        self.assertEqual(p.returncode, 1)
        self.assertIn("KIBANA_API_KEY", p.stderr)
        p = self.run_mc("apply", "--auto-approve", "-v", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_pull_round_trip(self):
        self.write(ERRORS % 20 + TIMEOUTS + 'monitor query "Slow" {\n  query = "{\\"match_all\\": {}}"\n  operator = "<"\n'
                   '  critical = 2\n  raw = { timeWindowSize = 1, timeWindowUnit = "h", schedule = { interval = "10m" } }\n}\n')
        self.apply()
        self.seed("Hand made", 50, ["team:ops"])
        p = self.run_mc("pull", "--target", "kb", "-o", "pulled", "--owned-only", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        pulled = ""
        for d, _, fs in sorted(os.walk(os.path.join(self.dir, "pulled"))):
            for f in sorted(fs):
                with open(os.path.join(d, f)) as fh:
                    pulled += fh.read()
        self.assertIn('monitor query "Checkout errors"', pulled)
        self.assertNotIn("Hand made", pulled)
        p = self.run_mc("plan", "--format", "json", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        changes = sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"])
        self.assertEqual(changes, [("ignore", "Hand made"), ("no-change", "Checkout errors (critical)"),
                                   ("no-change", "Checkout errors (warning)"), ("no-change", "Payment timeouts (critical)"),
                                   ("no-change", "Slow (critical)")])


if __name__ == "__main__":
    unittest.main()
