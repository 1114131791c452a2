"""End to end: `monitorc plan/apply` on prometheus and grafana targets, through the real binary,
against a real Prometheus (tests/prometheus/prom.sh) and the fake Grafana (tests/fakes/grafana)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from harness import apply_on_terminal, monitorc_path, slurp

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "backends", "cases")
PROM_SH = os.path.join(HERE, "..", "prometheus", "prom.sh")
FAKE_GRAFANA = os.path.join(HERE, "..", "fakes", "grafana", "fake_grafana.py")
TOKEN = "gf-tok-8d1e77a2c9b04f15"  # must never show up anywhere


def source(target_line):
    """portable.mon (15 rules) plus the dashboards of dashboards.mon, with `target_line` added."""
    text = slurp(os.path.join(CASES, "portable.mon"))
    text = "\n".join(l for l in text.splitlines() if not l.startswith("target "))
    dash = "\n".join(l for l in slurp(os.path.join(CASES, "dashboards.mon")).splitlines() if not l.startswith("target "))
    return target_line + "\n" + text + "\n" + dash + "\n"


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read().decode())


class Base(unittest.TestCase):
    env = {}

    def write(self, text, name="main.mon"):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def run_mc(self, *args, name="main.mon"):
        env = dict(os.environ)
        env.update(self.env)
        p = subprocess.run([monitorc_path(), args[0], name, *args[1:]], cwd=self.dir, env=env, capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.outputs.append(p.stdout + p.stderr)
        return p

    def plan_json(self, *extra):
        p = self.run_mc("plan", "--format", "json", *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def pending(self, plan):
        return [(c["action"], c["kind"], c["key"]) for c in plan["changes"]
                if c["action"] in ("create", "update", "adopt", "delete")]

    def apply(self, *extra, expect=0):
        p = self.run_mc("apply", "--auto-approve", *extra)
        self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return p


class PrometheusTarget(Base):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="monitorc-prom-cli-")
        cls.prom = os.path.join(cls.dir, "prom")
        subprocess.run(["bash", PROM_SH, "start", cls.prom], check=True, capture_output=True, timeout=60)
        cls.url = slurp(os.path.join(cls.prom, "url")).strip()
        cls.rules = os.path.join(cls.prom, "rules")

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["bash", PROM_SH, "stop", cls.prom], capture_output=True, timeout=30)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.outputs = []
        for f in os.listdir(self.rules):
            os.remove(os.path.join(self.rules, f))
        self.target = f'target prometheus "prom" {{ group = "crowdfund.alerts" rules_dir = "{self.rules}" url = "{self.url}" }}'

    def groups(self):
        return {g["name"]: (os.path.basename(g["file"]), g["rules"]) for g in get_json(self.url + "/api/v1/rules")["data"]["groups"]}

    def test_apply_replan_change_prune(self):
        self.write(source(self.target))
        p = self.run_mc("plan", "--detailed-exitcode")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn('+ monitor "crowdfund.alerts / CPU high (critical)" (rule)  main.mon:', p.stdout)
        self.assertIn("Plan: 15 to create, 0 to update, 0 to adopt, 0 to delete.", p.stdout)
        # Without a terminal apply refuses and writes nothing.
        p = self.run_mc("apply")
        self.assertEqual(p.returncode, 1)
        self.assertIn("--auto-approve", p.stderr)
        self.assertEqual(os.listdir(self.rules), [])

        p = self.apply()
        self.assertIn("Apply complete: 15 succeeded, 0 failed", p.stdout)
        file, rules = self.groups()["crowdfund.alerts"]
        self.assertEqual((file, len(rules)), ("monitorc_prom.yml", 15))
        self.assertEqual(sorted(os.listdir(self.rules)), ["monitorc_prom.yml"])

        p = self.run_mc("plan", "--detailed-exitcode")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("No changes.", p.stdout)
        self.assertIn("15 unchanged", p.stdout)

        # One threshold: exactly that rule, exactly its expr, with the source line.
        self.write(source(self.target).replace("critical = 95", "critical = 97"))
        plan = self.plan_json()
        self.assertEqual(self.pending(plan), [("update", "monitor", "crowdfund.alerts / CPU high (critical)")])
        change = [c for c in plan["changes"] if c["action"] == "update"][0]
        self.assertEqual([f["path"] for f in change["fields"]], ["expr"])
        self.assertTrue(change["fields"][0]["before"].endswith("> 95") and change["fields"][0]["after"].endswith("> 97"))
        lines = source(self.target).splitlines()
        self.assertTrue(lines[int(change["source"].split(":")[1]) - 1].startswith('monitor host "CPU high"'))
        p = self.run_mc("plan", "--format", "markdown")
        self.assertIn("| `expr` |", p.stdout)
        self.apply()
        cpu = [r for r in self.groups()["crowdfund.alerts"][1] if r["name"] == "CPU high" and r["labels"]["severity"] == "critical"]
        self.assertTrue(cpu[0]["query"].endswith("> 97"), cpu)

        # A monitor gone from the source: its rule stays (a prune candidate) until --prune, also
        # when the file is rewritten for another change.
        v3 = source(self.target).replace("critical = 95", "critical = 97").replace("critical = 90.5", "critical = 91")
        v3 = "\n".join(l for l in v3.splitlines() if not l.startswith('monitor host "Swap"')) + "\n"
        self.write(v3)
        plan = self.plan_json()
        self.assertEqual(self.pending(plan), [("update", "monitor", "crowdfund.alerts / Memory (critical)")])
        self.assertEqual([c["key"] for c in plan["changes"] if c["action"] == "orphan"], ["crowdfund.alerts / Swap (warning)"])
        self.apply()
        names = [r["name"] for r in self.groups()["crowdfund.alerts"][1]]
        self.assertEqual(len(names), 15)
        self.assertIn("Swap", names)
        self.assertEqual(self.pending(self.plan_json()), [])
        plan = self.plan_json("--prune")
        self.assertEqual(self.pending(plan), [("delete", "monitor", "crowdfund.alerts / Swap (warning)")])
        self.apply("--prune")
        names = [r["name"] for r in self.groups()["crowdfund.alerts"][1]]
        self.assertEqual((len(names), "Swap" in names), (14, False))

        # A bad rule: promtool stops it, exit 1, the report says FAILED, the file is unchanged.
        before = slurp(os.path.join(self.rules, "monitorc_prom.yml"))
        self.write(source(self.target).replace("critical = 95", "critical = 97") +
                   'monitor query "Broken" { query = "rate(x[5m]" operator = ">" critical = 1 }\n')
        p = self.apply(expect=1)
        self.assertIn("FAILED create monitor", p.stdout)
        self.assertIn("promtool check rules failed", p.stdout)
        self.assertEqual(slurp(os.path.join(self.rules, "monitorc_prom.yml")), before)

        # Prune: only the owned file goes; a foreign file and an unowned file stay.
        with open(os.path.join(self.rules, "other.yml"), "w") as f:
            f.write("groups:\n  - name: other\n    rules:\n      - alert: Other\n        expr: vector(1) > 2\n")
        with open(os.path.join(self.rules, "monitorc_other.yml"), "w") as f:  # our prefix, no header
            f.write("groups:\n  - name: mine\n    rules:\n      - alert: Mine\n        expr: vector(1) > 2\n")
        urllib.request.urlopen(urllib.request.Request(self.url + "/-/reload", method="POST"), timeout=10).read()
        self.write(self.target + "\n")
        p = self.run_mc("plan", "--detailed-exitcode")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("14 prune candidates", p.stdout)
        plan = self.plan_json("--prune")
        self.assertEqual(len(self.pending(plan)), 14)
        self.assertTrue(all(a == "delete" for a, _, _ in self.pending(plan)))
        self.apply("--prune")
        self.assertEqual(sorted(os.listdir(self.rules)), ["monitorc_other.yml", "other.yml"])
        groups = self.groups()
        self.assertNotIn("crowdfund.alerts", groups)
        self.assertIn("other", groups)
        self.assertIn("mine", groups)

    def test_out_is_refused(self):
        self.write(source(self.target))
        p = self.run_mc("plan", "--out", "plan.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("plan --out is not supported for prometheus target 'prom'", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "plan.json")))

    def test_missing_settings_are_located_errors(self):
        self.write('target prometheus "prom" { url = "%s" }\nmonitor query "q" { query = "up" operator = "<" critical = 1 }\n' % self.url)
        p = self.run_mc("plan", "--target", "prom")
        self.assertEqual(p.returncode, 1)
        self.assertIn("main.mon:1:1: prometheus target 'prom' has no rules_dir", p.stderr)


class GrafanaTarget(Base):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="monitorc-grafana-cli-")
        port_file = os.path.join(cls.dir, "port")
        cls.log = open(os.path.join(cls.dir, "fake.log"), "w")
        cls.proc = subprocess.Popen([sys.executable, FAKE_GRAFANA, "--port", "0", "--port-file", port_file, "--token", TOKEN,
                                     "--datasource", "prom-main"], stdout=cls.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(port_file) and slurp(port_file).strip():
                break
            time.sleep(0.05)
        cls.url = "http://127.0.0.1:" + slurp(port_file).strip()

    @classmethod
    def tearDownClass(cls):
        cls.proc.kill()
        cls.proc.wait()
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.outputs = []
        self.env = {"GF_TEST_TOKEN": TOKEN}
        self.control("POST", "/_reset")
        self.target = (f'target grafana "graf" {{ url = "{self.url}" token_env = "GF_TEST_TOKEN" folder = "ops" '
                       'datasource = "prom-main" }')

    def tearDown(self):
        for out in self.outputs:
            self.assertNotIn(TOKEN, out)
        self.assertNotIn(TOKEN, slurp(os.path.join(self.dir, "fake.log")))
        self.assertNotIn(TOKEN, json.dumps(self.control("GET", "/_log")))

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
        return json.loads(text) if text else None

    def api(self, method, path, body, extra=None):
        headers = {"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN, **(extra or {})}
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read()

    def state(self):
        return self.control("GET", "/_state")

    def test_apply_replan_change_prune(self):
        self.write(source(self.target))
        p = self.run_mc("plan", "--detailed-exitcode", "-v")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn('+ dashboard "ops" (folder)', p.stdout)
        self.assertIn('+ dashboard "plain_uid"  main.mon:', p.stdout)
        self.assertIn('+ monitor "CPU high (critical)" (alert rule)  main.mon:', p.stdout)
        self.assertIn("Plan: 18 to create", p.stdout)
        self.assertIn("monitorc: http: GET /api/folders/ops -> 404", p.stderr)

        p = self.apply("-v")
        self.assertIn("Apply complete: 18 succeeded, 0 failed", p.stdout)
        st = self.state()
        self.assertEqual(sorted((d["uid"], d["folderUid"]) for d in st["dashboards"]),
                         [("crowdfund-web-overview-880f5db98c5ffae6", "ops"), ("plain_uid", "ops")])
        self.assertEqual(len(st["alertRules"]), 15)

        p = self.run_mc("plan", "--detailed-exitcode")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("No changes.", p.stdout)
        self.assertIn("17 unchanged", p.stdout)

        # One threshold: exactly that rule and the threshold parameter.
        self.write(source(self.target).replace("critical = 95", "critical = 97"))
        plan = self.plan_json()
        self.assertNotIn(TOKEN, json.dumps(plan))
        self.assertEqual(plan["target"].get("api_key_env"), "GF_TEST_TOKEN")
        self.assertEqual(self.pending(plan), [("update", "monitor", "CPU high (critical)")])
        change = [c for c in plan["changes"] if c["action"] == "update"][0]
        self.assertEqual([(f["path"], f["before"], f["after"]) for f in change["fields"]],
                         [("data[2].model.conditions[0].evaluator.params", [95.0], [97.0])])
        self.apply()
        params = [r["data"][2]["model"]["conditions"][0]["evaluator"]["params"][0] for r in self.state()["alertRules"]
                  if r["title"] == "CPU high (critical)"]
        self.assertEqual(params, [97.0])

        # A concurrent edit (412) fails the apply with exit 1 and a FAILED line.
        self.write(source(self.target).replace("critical = 95", "critical = 97").replace('"Requests/s"', '"Req/s"'))
        self.control("POST", "/_fault", {"status": 412, "method": "POST", "path": "/api/dashboards/db", "count": 1,
                                         "body": {"status": "version-mismatch", "message": "changed by someone else"}})
        p = self.apply(expect=1)
        self.assertIn("FAILED update dashboard", p.stdout)
        self.assertIn("conflict", p.stdout)
        self.apply()

        # Prune: a hand-made dashboard and a hand-made rule in the same folder and group stay.
        self.api("POST", "/api/dashboards/db", {"dashboard": {"uid": "by-hand", "title": "By hand", "tags": []}, "folderUid": "ops"})
        self.api("POST", "/api/v1/provisioning/alert-rules", {
            "uid": "hand-rule", "title": "Hand rule", "ruleGroup": "graf", "folderUID": "ops", "condition": "A", "for": "1m",
            "noDataState": "NoData", "execErrState": "Error",
            "data": [{"refId": "A", "datasourceUid": "prom-main", "relativeTimeRange": {"from": 600, "to": 0},
                      "model": {"expr": "vector(1)"}}]}, {"X-Disable-Provenance": "true"})
        text = source(self.target).replace("critical = 95", "critical = 97").replace('"Requests/s"', '"Req/s"')
        text = text[:text.index('dashboard "plain"')]
        text = "\n".join(l for l in text.splitlines() if not l.startswith('monitor host "Swap"')) + "\n"
        self.write(text)
        p = self.run_mc("plan", "--detailed-exitcode")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("2 prune candidates, 1 ignored", p.stdout)
        plan = self.plan_json("--prune")
        self.assertEqual(sorted(self.pending(plan)), [("delete", "dashboard", "plain_uid"), ("delete", "monitor", "Swap (warning)")])
        self.apply("--prune")
        st = self.state()
        self.assertEqual(sorted(d["uid"] for d in st["dashboards"]), ["by-hand", "crowdfund-web-overview-880f5db98c5ffae6"])
        titles = sorted(r["title"] for r in st["alertRules"])
        self.assertIn("Hand rule", titles)
        self.assertNotIn("Swap (warning)", titles)
        self.assertEqual(len(titles), 15)
        p = self.run_mc("plan", "--prune", "--detailed-exitcode")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def run_on_terminal(self, answer):
        """apply with a pseudo-terminal as stdin/stdout/stderr, answering the prompt."""
        rc, out = apply_on_terminal(self.dir, dict(os.environ, **self.env), answer)
        self.outputs.append(out)
        return rc, out

    def test_confirmation_on_a_terminal(self):
        self.write(source(self.target))
        rc, out = self.run_on_terminal("no")
        self.assertEqual(rc, 1, out)
        self.assertIn('Apply these changes to grafana "graf"?', out)
        self.assertIn("Apply cancelled.", out)
        self.assertEqual(self.state()["dashboards"], [])
        rc, out = self.run_on_terminal("yes")
        self.assertEqual(rc, 0, out)
        self.assertIn("Apply complete: 18 succeeded, 0 failed", out)
        self.assertEqual(len(self.state()["alertRules"]), 15)

    def test_token_errors_never_show_the_token(self):
        self.write(source(self.target))
        self.env = {"GF_TEST_TOKEN": "wrong-" + TOKEN}
        p = self.run_mc("plan", "-v")
        self.assertEqual(p.returncode, 1)
        self.assertIn("HTTP 401: Invalid API key", p.stderr)
        self.assertNotIn("wrong-", p.stdout + p.stderr)
        self.env = {}
        p = self.run_mc("plan")
        self.assertEqual(p.returncode, 1)
        self.assertIn("the environment variable GF_TEST_TOKEN", p.stderr)
        self.env = {"GF_TEST_TOKEN": TOKEN}
        p = self.run_mc("plan", "--out", "plan.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("plan --out is not supported for grafana target 'graf'", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "plan.json")))


if __name__ == "__main__":
    unittest.main()
