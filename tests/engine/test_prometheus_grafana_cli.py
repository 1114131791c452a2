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

from harness import apply_on_terminal, monitorc_path, pulled_objects, slurp

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


    def apply_stale(self, plan_file, *reasons):
        """`apply PLAN_FILE` is refused as stale, listing each of `reasons`, and applies nothing."""
        p = self.run_mc("apply", name=plan_file)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("monitorc: error: the saved plan '%s' is stale: the target changed since it was made:" % plan_file, p.stderr)
        for r in reasons:
            self.assertIn(r, p.stderr)
        self.assertIn("Run 'monitorc plan --out %s' again." % plan_file, p.stderr)
        self.assertNotIn("Apply complete", p.stdout)

    def refused_plan(self, plan, message):
        """`apply FILE` with the edited `plan` fails with `message` before reading or writing anything."""
        with open(os.path.join(self.dir, "bad.json"), "w") as f:
            json.dump(plan, f)
        p = self.run_mc("apply", name="bad.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("monitorc: error: " + message, p.stderr)
        self.assertNotIn("Apply complete", p.stdout)


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
        self.assertEqual(sorted(os.listdir(self.rules)), [".monitorc.lock", "monitorc_prom.yml"])  # the lock applies take turns on

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
        self.assertEqual(sorted(os.listdir(self.rules)), [".monitorc.lock", "monitorc_other.yml", "other.yml"])
        groups = self.groups()
        self.assertNotIn("crowdfund.alerts", groups)
        self.assertIn("other", groups)
        self.assertIn("mine", groups)

    def owned_rules(self):
        return os.path.join(self.rules, "monitorc_prom.yml")

    def cpu_critical_expr(self):
        cpu = [r for r in self.groups()["crowdfund.alerts"][1] if r["name"] == "CPU high" and r["labels"]["severity"] == "critical"]
        return cpu[0]["query"]

    def test_saved_plan_applies_exactly_and_refuses_when_stale(self):
        self.write(source(self.target))
        p = self.run_mc("plan", "--out", "p.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        saved = json.loads(slurp(os.path.join(self.dir, "p.json")))
        self.assertEqual(saved["target"], {"kind": "prometheus", "name": "prom", "url": self.url, "rules_dir": self.rules,
                                           "where": self.url + ", rules_dir " + self.rules})
        self.assertEqual([(o["action"], o["file"]) for o in saved["operations"]], [("create", "monitorc_prom.yml")])
        self.assertEqual(saved["fingerprints"], {})  # nothing there yet
        self.assertTrue(all(c["operation"] == 0 for c in saved["changes"]))
        # The source changes after the plan: apply FILE applies the saved plan, not the source.
        self.write(source(self.target).replace("critical = 95", "critical = 97"))
        p = self.run_mc("apply", name="p.json")  # no terminal, no --auto-approve: a saved plan is applied as reviewed
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Apply complete: 15 succeeded, 0 failed", p.stdout)
        self.assertTrue(self.cpu_critical_expr().endswith("> 95"))
        self.assertEqual(slurp(self.owned_rules()), saved["operations"][0]["content"])

        # The same plan again: the file it expected to be absent exists now.
        self.apply_stale("p.json", "rule_file/monitorc_prom.yml was created")

        # A plan for the change (97), then someone edits the owned file: refused, nothing written.
        p = self.run_mc("plan", "--out", "p2.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        saved = json.loads(slurp(os.path.join(self.dir, "p2.json")))
        self.assertEqual(list(saved["fingerprints"]), ["rule_file/monitorc_prom.yml"])
        self.assertEqual(self.pending(saved), [("update", "monitor", "crowdfund.alerts / CPU high (critical)")])
        edited = slurp(self.owned_rules()).replace("> 80", "> 81")
        self.assertNotEqual(edited, slurp(self.owned_rules()))
        with open(self.owned_rules(), "w") as f:
            f.write(edited)
        self.apply_stale("p2.json", "rule_file/monitorc_prom.yml was changed")
        self.assertEqual(slurp(self.owned_rules()), edited)
        # Planned again, it applies.
        self.assertEqual(self.run_mc("plan", "--out", "p2.json").returncode, 0)
        p = self.run_mc("apply", name="p2.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertTrue(self.cpu_critical_expr().endswith("> 97"))
        self.assertNotIn("> 81", slurp(self.owned_rules()))

        # --prune belongs to plan --out; the saved plan deletes what it listed.
        v3 = "\n".join(l for l in source(self.target).replace("critical = 95", "critical = 97").splitlines()
                       if not l.startswith('monitor host "Swap"')) + "\n"
        self.write(v3)
        self.assertEqual(self.run_mc("plan", "--out", "p3.json").returncode, 0)
        p = self.run_mc("apply", "--prune", name="p3.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("--prune must be given to 'plan --out', not to 'apply FILE'", p.stderr)
        self.assertEqual(self.run_mc("plan", "--prune", "--out", "p3.json").returncode, 0)
        self.assertEqual(self.pending(json.loads(slurp(os.path.join(self.dir, "p3.json")))),
                         [("delete", "monitor", "crowdfund.alerts / Swap (warning)")])
        p = self.run_mc("apply", name="p3.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn('ok     delete monitor "crowdfund.alerts / Swap (warning)"', p.stdout)
        names = [r["name"] for r in self.groups()["crowdfund.alerts"][1]]
        self.assertEqual((len(names), "Swap" in names), (14, False))

        # A plan file that would write another file than the owned one is refused.
        self.write(source(self.target))
        self.assertEqual(self.run_mc("plan", "--out", "p4.json").returncode, 0)
        bad = json.loads(slurp(os.path.join(self.dir, "p4.json")))
        bad["operations"][0]["file"] = "other.yml"
        with open(os.path.join(self.dir, "bad.json"), "w") as f:
            json.dump(bad, f)
        p = self.run_mc("apply", name="bad.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("plan file: operation on 'other.yml', not the owned file 'monitorc_prom.yml'", p.stderr)
        self.assertEqual(sorted(os.listdir(self.rules)), [".monitorc.lock", "monitorc_prom.yml"])  # the lock applies take turns on

    def test_saved_plan_cannot_choose_its_rules_dir(self):
        # The plan shows one place and must write there: rules_dir comes from the source.
        self.write(source(self.target))
        self.assertEqual(self.run_mc("plan", "--out", "p.json").returncode, 0)
        saved = json.loads(slurp(os.path.join(self.dir, "p.json")))
        elsewhere = os.path.join(self.dir, "elsewhere")
        os.makedirs(elsewhere)
        saved["target"]["rules_dir"] = elsewhere
        with open(os.path.join(self.dir, "bad.json"), "w") as f:
            json.dump(saved, f)
        p = self.run_mc("apply", name="bad.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("rules_dir: the plan says '" + elsewhere + "'", p.stderr)
        self.assertEqual(os.listdir(elsewhere), [])
        self.assertNotIn("monitorc_prom.yml", os.listdir(self.rules))

    def test_saved_plan_cannot_name_files_outside_rules_dir(self):
        self.write(source(self.target))
        self.assertEqual(self.run_mc("plan", "--out", "p.json").returncode, 0)
        saved = json.loads(slurp(os.path.join(self.dir, "p.json")))
        # Staleness reads each file named in the fingerprints: only the owned one may be named.
        bad = json.loads(json.dumps(saved))
        bad["fingerprints"] = {"rule_file/../../secret.yml": "0000000000000000"}
        self.refused_plan(bad, "plan file: fingerprint 'rule_file/../../secret.yml' is not the owned file "
                               "'rule_file/monitorc_prom.yml'")
        # A target name with path characters names a plain file in rules_dir, nothing else.
        bad = json.loads(json.dumps(saved))
        bad["target"]["name"] = "../../evil"
        bad["operations"][0]["file"] = "monitorc_../../evil.yml"
        # (no such target is declared, so the plan is refused before its operations are read)
        self.refused_plan(bad, "the saved plan 'bad.json' does not match the target declared in the source; nothing was sent")
        self.assertIn("the source declares no target named '../../evil'", self.outputs[-1])
        bad["target"]["name"] = "pr\u0000om"
        self.refused_plan(bad, "the saved plan 'bad.json' does not match the target declared in the source; nothing was sent")
        self.assertIn("the source declares no target named 'pr\\x00om'", self.outputs[-1])
        self.assertEqual(os.listdir(self.rules), [])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "evil.yml")))

    def test_pull_writes_inside_the_output_directory_whatever_the_target_name(self):
        self.write(f'target prometheus "../evil" {{ rules_dir = "{self.rules}" url = "{self.url}" }}\n')
        p = self.run_mc("pull", "-o", "pulled-evil")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(self.dir, "pulled-evil"))), [".._evil", ".._evil.target.mon", ".monitorc-pulled"])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "evil.mon")))
        self.assertIn('target prometheus "../evil" {', slurp(os.path.join(self.dir, "pulled-evil", ".._evil.target.mon")))

    def test_pull_of_a_target_named_target_keeps_both_files(self):
        # The target block used to go to a fixed DIR/target.mon: the objects file of a target
        # named "target" then overwrote it (or it the objects).
        self.write(source(self.target.replace('"prom"', '"target"')))
        self.apply()
        p = self.run_mc("pull", "-o", "pulled-target")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = os.path.join(self.dir, "pulled-target")
        self.assertEqual(sorted(os.listdir(out)), [".monitorc-pulled", "target", "target.target.mon"])
        objects = pulled_objects(out, "target")
        self.assertIn('monitor query "CPU high" {', objects)
        self.assertNotIn("target prometheus", objects)
        self.assertIn('target prometheus "target" {\n  group = "crowdfund.alerts"\n', slurp(os.path.join(out, "target.target.mon")))
        p = subprocess.run([monitorc_path(), "plan", "--detailed-exitcode", "pulled-target"], cwd=self.dir, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("15 unchanged", p.stdout)

    def build(self, src_dir, out):
        p = subprocess.run([monitorc_path(), "build", "-o", out, src_dir], cwd=self.dir, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def test_pull_round_trips(self):
        self.write(source(self.target))
        self.apply()
        p = self.run_mc("pull", "--target", "prom", "-o", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        pulled = pulled_objects(os.path.join(self.dir, "pulled"), "prom")
        # One file per rule, numbered in the group's order (rules run in order).
        files = sorted(os.listdir(os.path.join(self.dir, "pulled", "prom")))
        self.assertEqual([f[:4] for f in files], ["%03d-" % (i + 1) for i in range(len(files))])
        self.assertEqual(len([f for f in files if f[3:] == "-monitor-cpu-high.mon"]), 1, files)
        self.assertIn('monitor query "CPU high" {', pulled)
        self.assertIn('  targets = ["prom"]', pulled)
        self.assertNotIn("target prometheus", pulled)
        target = slurp(os.path.join(self.dir, "pulled", "prom.target.mon"))
        self.assertIn('target prometheus "prom" {\n  group = "crowdfund.alerts"\n  rules_dir = "%s"\n  url = "%s"\n}' % (self.rules, self.url), target)
        # pull then build gives the same rule file, byte for byte
        os.makedirs(os.path.join(self.dir, "orig"), exist_ok=True)
        shutil.copy(os.path.join(self.dir, "main.mon"), os.path.join(self.dir, "orig", "main.mon"))
        self.build("orig", "out-orig")
        self.build("pulled", "out-pulled")
        rel = os.path.join("prometheus", "prom", "crowdfund.alerts.yml")
        self.assertEqual(slurp(os.path.join(self.dir, "out-pulled", rel)), slurp(os.path.join(self.dir, "out-orig", rel)))
        # and planning the pulled source against the target finds nothing to do
        p = subprocess.run([monitorc_path(), "plan", "--detailed-exitcode", "pulled"], cwd=self.dir, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("15 unchanged", p.stdout)

        # --owned-only: a rule file without the generated header is not pulled.
        with open(self.owned_rules(), "w") as f:
            f.write('groups:\n  - name: "g"\n    rules:\n      - alert: "By hand"\n        expr: "up < 1"\n'
                    '        labels:\n          severity: "warning"\n')
        p = self.run_mc("pull", "--target", "prom", "-o", "owned", "--owned-only")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("was not written by monitorc (no generated header); skipped with --owned-only", p.stderr)
        self.assertNotIn("By hand", pulled_objects(os.path.join(self.dir, "owned"), "prom"))
        p = self.run_mc("pull", "--target", "prom", "-o", "all")
        self.assertEqual(p.returncode, 0, p.stderr)
        # No summary annotation: a monitor would add one, so the rule stays an alert block as written.
        self.assertIn('alert "By hand" {\n  expr = "up < 1"\n  labels = { severity = "warning" }\n  targets = ["prom"]\n}',
                      pulled_objects(os.path.join(self.dir, "all"), "prom"))
        self.assertIn('group = "g"', slurp(os.path.join(self.dir, "all", "prom.target.mon")))

    def test_missing_settings_are_located_errors(self):
        self.write('target prometheus "prom" { url = "%s" }\nmonitor query "q" { query = "up" operator = "<" critical = 1 }\n' % self.url)
        p = self.run_mc("plan", "--target", "prom")
        self.assertEqual(p.returncode, 1)
        self.assertIn("main.mon:1:1: error: prometheus target 'prom' has no rules_dir", p.stderr)

    def test_prometheus_operator_targets_are_built_not_applied(self):
        # A PrometheusRule object goes to the cluster through kubectl or GitOps; plan, apply and
        # pull would write and read rule files in rules_dir, which this target does not have.
        self.write('target prometheus "prom" {\n  rules_dir = "%s"\n  url = "%s"\n  format = "prometheus-operator"\n'
                   '  resource_name = "rules"\n}\nmonitor query "q" { query = "up" operator = "<" critical = 1 }\n'
                   % (self.rules, self.url))
        before = sorted(os.listdir(self.rules))
        for cmd in (("plan",), ("apply", "--auto-approve"), ("pull", "-o", "pulled-operator")):
            p = self.run_mc(*cmd, "--target", "prom")
            self.assertEqual(p.returncode, 1, cmd)
            self.assertIn("main.mon:4:12: error: prometheus target 'prom': a format = \"prometheus-operator\" target is built", p.stderr)
        self.assertEqual(sorted(os.listdir(self.rules)), before)
        p = self.run_mc("build", "-o", "out-operator")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "out-operator", "prometheus-operator", "rules.yaml")))


    def test_unreadable_rules_dir_is_an_error_not_an_empty_target(self):
        monitor = 'monitor query "q" { query = "up" operator = "<" critical = 1 }\n'
        # rules_dir is a file: plan and pull used to read "no rules" (plan: create; pull: exit 0).
        not_dir = os.path.join(self.dir, "not-a-dir")
        with open(not_dir, "w") as f:
            f.write("x\n")
        self.write('target prometheus "prom" { rules_dir = "%s" url = "%s" }\n%s' % (not_dir, self.url, monitor))
        for cmd in (("plan",), ("pull", "-o", "pulled-unreadable")):
            p = self.run_mc(*cmd)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("prometheus target 'prom': rules_dir: '%s' is not a directory" % not_dir, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "pulled-unreadable")))
        # The owned file is a directory: plan used to offer to adopt it, pull to call it malformed.
        rules = os.path.join(self.dir, "odd-rules")
        os.makedirs(os.path.join(rules, "monitorc_prom.yml"), exist_ok=True)
        self.write('target prometheus "prom" { rules_dir = "%s" url = "%s" }\n%s' % (rules, self.url, monitor))
        for cmd in (("plan",), ("pull", "-o", "pulled-unreadable")):
            p = self.run_mc(*cmd)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("rules_dir: '%s/monitorc_prom.yml' is not a regular file" % rules, p.stderr)
        # A saved plan whose owned file became unreadable: an error that names it, nothing applied.
        os.rmdir(os.path.join(rules, "monitorc_prom.yml"))
        p = self.run_mc("plan", "--out", "p.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        os.makedirs(os.path.join(rules, "monitorc_prom.yml"))
        p = self.run_mc("apply", name="p.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("'%s/monitorc_prom.yml' is not a regular file" % rules, p.stderr)
        self.assertTrue(os.path.isdir(os.path.join(rules, "monitorc_prom.yml")))

    def test_rule_file_bytes_that_are_not_utf8_are_shown_not_fatal(self):
        # A rule file is read from disk unchecked: its bytes may be anything. Every plan format
        # used to stop with "[json.exception.type_error.316] invalid UTF-8 byte".
        self.write(self.target + '\nmonitor query "q" { query = "up" operator = "<" critical = 1 }\n')
        hand = (b"# Generated by monitorc\ngroups:\n- name: crowdfund.alerts\n  rules:\n  - alert: q\n"
                b"    expr: up < 1\n    labels:\n      severity: critical\n"
                b"    annotations:\n      summary: \"bad \xff\xfe \x1b[2J `x` </details>\"\n")
        with open(self.owned_rules(), "wb") as f:
            f.write(hand)
        p = self.run_mc("plan", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotIn("\x1b", p.stdout)
        fields = [c for c in json.loads(p.stdout)["changes"] if c["action"] == "update"][0]["fields"]
        self.assertIn({"path": "annotations.summary", "before": "bad \ufffd\ufffd \x1b[2J `x` </details>", "after": "q"},
                      fields)
        p = self.run_mc("plan", "--format", "markdown")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotIn("\x1b", p.stdout)
        self.assertIn('| `annotations.summary` | ``"bad \ufffd\ufffd \\u001b[2J `x` </details>"`` | `"q"` |', p.stdout)
        # ("</details>" inside a code span is text; only a line of its own closes the block.)
        self.assertEqual(p.stdout.splitlines().count("</details>"), p.stdout.count("<details>"))
        # A saved plan fingerprints the file as it is, bytes included: an edit to them is a change.
        p = self.run_mc("plan", "--out", "p.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(self.owned_rules(), "wb") as f:
            f.write(hand.replace(b"\xfe", b"\xfd"))
        self.apply_stale("p.json", "rule_file/monitorc_prom.yml was changed")
        self.apply()
        self.assertNotIn("bad", slurp(self.owned_rules()))

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
        p = self.run_mc("pull", "--target", "graf")
        self.assertEqual(p.returncode, 1)
        self.assertIn("the environment variable GF_TEST_TOKEN", p.stderr)
        # A saved plan reads the token when applied, from the variable it names.
        self.env = {"GF_TEST_TOKEN": TOKEN}
        self.assertEqual(self.run_mc("plan", "--out", "plan.json").returncode, 0)
        self.env = {"GF_TEST_TOKEN": ""}
        p = self.run_mc("apply", name="plan.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("the environment variable GF_TEST_TOKEN", p.stderr)
        self.assertEqual(self.state()["dashboards"], [])

    def rule_params(self, title):
        return [r["data"][2]["model"]["conditions"][0]["evaluator"]["params"][0] for r in self.state()["alertRules"]
                if r["title"] == title]

    def hand_rule(self, uid="hand-rule", title="Hand rule"):
        self.api("POST", "/api/v1/provisioning/alert-rules", {
            "uid": uid, "title": title, "ruleGroup": "graf", "folderUID": "ops", "condition": "A", "for": "1m",
            "noDataState": "NoData", "execErrState": "Error",
            "data": [{"refId": "A", "datasourceUid": "prom-main", "relativeTimeRange": {"from": 600, "to": 0},
                      "model": {"expr": "vector(1)"}}]}, {"X-Disable-Provenance": "true"})

    def test_saved_plan_applies_exactly_and_refuses_when_stale(self):
        self.write(source(self.target))
        p = self.run_mc("plan", "--out", "p.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        text = slurp(os.path.join(self.dir, "p.json"))
        self.assertNotIn(TOKEN, text)
        saved = json.loads(text)
        self.assertEqual(saved["target"], {"kind": "grafana", "name": "graf", "url": self.url, "folder": "ops",
                                           "api_key_env": "GF_TEST_TOKEN", "where": self.url + ", folder ops"})
        self.assertEqual([(o["action"], o["key"]) for o in saved["operations"]],
                         [("create_folder", "ops"), ("create_dashboard", "crowdfund-web-overview-880f5db98c5ffae6"),
                          ("create_dashboard", "plain_uid"), ("put_rule_group", "graf")])
        self.assertEqual(saved["fingerprints"], {})
        # The source changes after the plan: the saved plan is what gets applied.
        self.write(source(self.target).replace("critical = 95", "critical = 97"))
        p = self.run_mc("apply", name="p.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Apply complete: 18 succeeded, 0 failed", p.stdout)
        self.assertEqual(self.rule_params("CPU high (critical)"), [95.0])
        self.assertEqual(len(self.state()["alertRules"]), 15)

        # Applied twice: the folder, dashboards and rules it expected to be absent exist now.
        self.apply_stale("p.json", "folder/ops (ops) was created", "dashboard/plain_uid (plain) was created", "alert_rule/")

        # A plan for 97; then the dashboard it does not even change is edited in Grafana: refused.
        p = self.run_mc("plan", "--out", "p2.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        saved = json.loads(slurp(os.path.join(self.dir, "p2.json")))
        self.assertEqual(self.pending(saved), [("update", "monitor", "CPU high (critical)")])
        self.assertEqual(saved["fingerprints"]["dashboard/plain_uid"], "v1")
        self.assertEqual(len([k for k in saved["fingerprints"] if k.startswith("alert_rule/")]), 15)
        self.assertIn("folder/ops", saved["fingerprints"])
        self.assertIn("rule_group/graf", saved["fingerprints"])
        plain = [d for d in self.state()["dashboards"] if d["uid"] == "plain_uid"][0]
        edited = dict(plain["dashboard"], title="plain, edited by hand")
        self.api("POST", "/api/dashboards/db", {"dashboard": edited, "folderUid": "ops", "overwrite": True})
        self.apply_stale("p2.json", "dashboard/plain_uid (plain, edited by hand) was changed")
        self.assertEqual(self.rule_params("CPU high (critical)"), [95.0])

        # A rule added by hand to the group after the plan: the saved group PUT would drop it.
        self.assertEqual(self.run_mc("plan", "--out", "p3.json").returncode, 0)
        self.hand_rule()
        self.apply_stale("p3.json", "alert_rule/hand-rule (Hand rule) was created")
        self.assertIn("Hand rule", [r["title"] for r in self.state()["alertRules"]])
        self.assertEqual(self.rule_params("CPU high (critical)"), [95.0])
        # Planned again it applies (also reverting the hand edit), and keeps the hand-made rule.
        self.assertEqual(self.run_mc("plan", "--out", "p3.json").returncode, 0)
        p = self.run_mc("apply", name="p3.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Apply complete: 2 succeeded, 0 failed", p.stdout)
        self.assertIn('ok     update dashboard "plain_uid"', p.stdout)
        self.assertEqual(self.rule_params("CPU high (critical)"), [97.0])
        self.assertIn("Hand rule", [r["title"] for r in self.state()["alertRules"]])
        # A saved plan with nothing to do applies as nothing, and stays fresh.
        self.assertEqual(self.run_mc("plan", "--out", "p4.json").returncode, 0)
        p = self.run_mc("apply", name="p4.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("No changes.", p.stdout)

        # --prune with plan --out: the saved plan deletes the dashboard and the rule it listed.
        text = source(self.target).replace("critical = 95", "critical = 97")
        text = text[:text.index('dashboard "plain"')]
        text = "\n".join(l for l in text.splitlines() if not l.startswith('monitor host "Swap"')) + "\n"
        self.write(text)
        self.assertEqual(self.run_mc("plan", "--prune", "--out", "p5.json").returncode, 0)
        p = self.run_mc("apply", name="p5.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        st = self.state()
        self.assertEqual(sorted(d["uid"] for d in st["dashboards"]), ["crowdfund-web-overview-880f5db98c5ffae6"])
        titles = [r["title"] for r in st["alertRules"]]
        self.assertNotIn("Swap (warning)", titles)
        self.assertIn("Hand rule", titles)

    def test_rule_group_names_are_percent_encoded_and_bad_uids_refused(self):
        # The rule group is named after the target: free text, so it is one encoded path segment.
        self.write(source(self.target.replace('"graf"', '"team a/b"')))
        p = self.run_mc("plan", "--out", "p.json", "-v")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("GET /api/v1/provisioning/folder/ops/rule-groups/team%20a%2Fb -> 404", p.stderr)
        saved = json.loads(slurp(os.path.join(self.dir, "p.json")))
        # Hand-edited uids that would reach other API paths are refused before any request.
        before = len(self.control("GET", "/_log"))
        bad = json.loads(json.dumps(saved))
        bad["prune"] = True
        bad["operations"].append({"action": "delete_dashboard", "key": "../../folders/ops"})
        self.refused_plan(bad, "plan file: operation 'delete_dashboard': key '../../folders/ops' is not a valid uid "
                               "(a Grafana uid is 1 to 40 letters, digits, '-' or '_')")
        bad = json.loads(json.dumps(saved))
        bad["target"]["folder"] = "ops/../x"
        self.refused_plan(bad, "the saved plan 'bad.json' does not match the target declared in the source; nothing was sent")
        self.assertIn("folder: the plan says 'ops/../x', the source declares 'ops'", self.outputs[-1])
        bad = json.loads(json.dumps(saved))
        bad["operations"][1]["key"] = "plain_uid"
        self.refused_plan(bad, "plan file: operation 'create_dashboard': the body's uid is not the key 'plain_uid'")
        self.assertEqual(len(self.control("GET", "/_log")), before)
        # The plan as saved applies; the group has the target's name.
        p = self.run_mc("apply", name="p.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual({r["ruleGroup"] for r in self.state()["alertRules"]}, {"team a/b"})
        # A folder from the source that is not a uid is a located error, not a request.
        self.write(source(self.target.replace('folder = "ops"', 'folder = "my folder"')))
        p = self.run_mc("plan")
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"main\.mon:\d+:\d+: error: grafana target 'graf': folder 'my folder' is not a valid Grafana folder uid")

    # ---------------- routing: contact points, notification policies, mute timings

    SLACK = "https://hooks.slack.test/services/T0/B0/gr4fanaR0utingS3cret"
    PD_KEY = "pd-routing-key-5ecr3t-9931"

    def routing_source(self, extra_target="", routes=None, channels=None):
        channels = channels if channels is not None else """
channel slack "ops chat" { channel = "#ops"  api_url_env = "GF_SLACK_URL"  send_resolved = true }
channel email "dba mail" { to = ["dba@shop.example", "oncall@shop.example"]  from = "alerts@shop.example" }
channel webhook "incident log" { url = "https://incidents.shop.example/hook"  max_alerts = 5 }
channel pagerduty "on-call" { routing_key_env = "GF_PD_KEY" }
"""
        routes = routes if routes is not None else """
route "critical" { severity = ["critical"]  channels = ["on-call", "incident log"]  continue = true  group_wait = 10s }
route "dba" { match = { team = "dba" }  scopes = ["shop:db"]  channels = ["dba mail"]  group_by = ["alertname", "service"] }
route "rest" { channels = ["ops chat"]  repeat_interval = 2h }
"""
        target = self.target[:-1] + " " + extra_target + "}"
        return target + channels + routes + """
maintenance "weekly backup" { weekdays = ["sunday"]  start = "03:00"  end = "04:30"  time_zone = "Asia/Tokyo"  scopes = ["shop:db"] }
maintenance "db upgrade" { start = "2026-12-30 23:00"  end = "2026-12-31 03:00"  time_zone = "Asia/Tokyo" }
"""

    def routing_env(self):
        self.env = {"GF_TEST_TOKEN": TOKEN, "GF_SLACK_URL": self.SLACK, "GF_PD_KEY": self.PD_KEY}

    def assert_no_secret(self):
        for out in self.outputs:
            self.assertNotIn(self.SLACK, out)
            self.assertNotIn(self.PD_KEY, out)

    def test_routing_apply_converges_and_prunes_in_order(self):
        self.routing_env()
        self.write(self.routing_source())
        plan = self.plan_json()
        pending = self.pending(plan)
        for name in ("ops chat", "dba mail", "incident log", "on-call"):
            self.assertIn(("create", "channel", name), pending)
        self.assertIn(("create", "downtime", "weekly backup [monitorc]"), pending)
        self.assertIn(("update", "notification_group", "policies"), pending)
        self.assertNotIn(self.SLACK, json.dumps(plan))
        p = self.run_mc("plan", "--out", "routing.plan.json")
        self.assertIn(p.returncode, (0, 2), p.stderr)
        self.assertNotIn(self.SLACK, slurp(os.path.join(self.dir, "routing.plan.json")))
        self.assertNotIn(self.PD_KEY, slurp(os.path.join(self.dir, "routing.plan.json")))
        self.apply()
        st = self.state()
        cps = {c["name"]: c for c in st["contactPoints"]}
        self.assertEqual(cps["ops chat"]["settings"], {"url": self.SLACK, "recipient": "#ops"})
        self.assertEqual(cps["on-call"]["settings"], {"integrationKey": self.PD_KEY})
        self.assertEqual(cps["dba mail"]["settings"]["addresses"], "dba@shop.example;oncall@shop.example")
        self.assertEqual(cps["incident log"]["settings"]["maxAlerts"], 5)
        self.assertTrue(all(c["provenance"] == "" for c in st["contactPoints"]))
        tree = st["policies"]
        self.assertEqual(tree["receiver"], "grafana-default-email")
        self.assertEqual(tree["routes"][0]["object_matchers"], [["__monitorc_policy_tree__", "=", "true"]])
        crit = tree["routes"][1]
        self.assertEqual((crit["object_matchers"], crit["continue"], crit["group_wait"]),
                         ([["severity", "=", "critical"]], True, "10s"))
        self.assertEqual([r["receiver"] for r in crit["routes"]], ["on-call", "incident log"])
        dba = tree["routes"][2]
        self.assertEqual(dba["object_matchers"], [["role", "=", "db"], ["service", "=", "shop"], ["team", "=", "dba"]])
        self.assertIn("db upgrade [monitorc]", dba["mute_time_intervals"])
        mts = {m["name"]: m for m in st["muteTimings"]}
        self.assertEqual(mts["weekly backup [monitorc]"]["time_intervals"][0]["weekdays"], ["sunday"])
        self.assertEqual([s["days_of_month"] for s in mts["db upgrade [monitorc]"]["time_intervals"]], [["30"], ["31"]])
        # Grafana reads the secrets back as [REDACTED]: the plan still converges.
        self.assertEqual(self.pending(self.plan_json()), [])
        # A contact point and a mute timing someone else made, and a channel gone from the source.
        self.api("POST", "/api/v1/provisioning/contact-points",
                 {"uid": "theirs", "name": "their hook", "type": "webhook", "settings": {"url": "https://x.example"}},
                 {"X-Disable-Provenance": "true"})
        self.api("POST", "/api/v1/provisioning/mute-timings", {"name": "their nights", "time_intervals": []},
                 {"X-Disable-Provenance": "true"})
        self.write(self.routing_source(routes="""
route "critical" { severity = ["critical"]  channels = ["on-call"]  continue = true  group_wait = 10s }
route "dba" { match = { team = "dba" }  scopes = ["shop:db"]  channels = ["dba mail"]  group_by = ["alertname", "service"] }
route "rest" { channels = ["ops chat"]  repeat_interval = 2h }
""", channels="""
channel slack "ops chat" { channel = "#ops"  api_url_env = "GF_SLACK_URL"  send_resolved = true }
channel email "dba mail" { to = ["dba@shop.example", "oncall@shop.example"]  from = "alerts@shop.example" }
channel pagerduty "on-call" { routing_key_env = "GF_PD_KEY" }
"""))
        plan = self.plan_json()
        self.assertEqual(self.pending(plan), [("update", "notification_group", "policies")])
        orphans = [(c["kind"], c["key"]) for c in plan["changes"] if c["action"] == "orphan"]
        self.assertEqual(orphans, [("channel", "incident log")])
        plan = self.plan_json("--prune")
        self.assertEqual(sorted(self.pending(plan)), [("delete", "channel", "incident log"),
                                                      ("update", "notification_group", "policies")])
        # The delete runs after the tree stops naming it (the fake answers 409 otherwise).
        self.apply("--prune")
        st = self.state()
        self.assertEqual(sorted(c["name"] for c in st["contactPoints"]),
                         ["dba mail", "grafana-default-email", "on-call", "ops chat", "their hook"])
        self.assertIn("their nights", [m["name"] for m in st["muteTimings"]])
        self.assertEqual(self.pending(self.plan_json("--prune")), [])
        self.assert_no_secret()

    def test_routing_foreign_tree_is_kept_unless_take_over(self):
        self.routing_env()
        self.api("PUT", "/api/v1/provisioning/policies",
                 {"receiver": "grafana-default-email",
                  "routes": [{"receiver": "grafana-default-email", "object_matchers": [["team", "=", "web"]]}]},
                 {"X-Disable-Provenance": "true"})
        self.write(self.routing_source())
        p = self.run_mc("plan")
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("the notification policy tree was not written by monitorc (it has 1 child policies)", p.stderr)
        self.assertIn("take_over = true", p.stderr)
        self.write(self.routing_source(extra_target="take_over = true"))
        plan = self.plan_json()
        self.assertIn(("update", "notification_group", "policies"), self.pending(plan))
        self.apply()
        self.assertEqual(self.state()["policies"]["routes"][0]["object_matchers"], [["__monitorc_policy_tree__", "=", "true"]])
        # An unset secret is an error naming the variable.
        self.env = {"GF_TEST_TOKEN": TOKEN, "GF_PD_KEY": self.PD_KEY}
        self.control("POST", "/_reset")
        p = self.run_mc("plan")
        self.assertEqual(p.returncode, 1)
        self.assertIn("$GF_SLACK_URL (the secret of channel 'ops chat') is not set", p.stderr)
        self.assert_no_secret()

    def test_routing_saved_plan_is_checked_and_goes_stale(self):
        self.routing_env()
        self.write(self.routing_source())
        self.apply()
        self.write(self.routing_source(routes="""
route "critical" { severity = ["critical"]  channels = ["on-call"]  continue = true }
route "rest" { channels = ["ops chat", "dba mail", "incident log"] }
"""))
        p = self.run_mc("plan", "--out", "r.plan.json")
        self.assertIn(p.returncode, (0, 2), p.stderr)
        with open(os.path.join(self.dir, "r.plan.json")) as f:
            saved = json.load(f)
        ops = [o["action"] for o in saved["operations"]]
        self.assertEqual(ops, ["put_policies"])
        self.assertIn("policies/tree", saved["fingerprints"])
        # A plan file cannot point a routing write at something monitorc does not own.
        bad = json.loads(json.dumps(saved))
        bad["operations"] = [{"action": "delete_contact_point", "key": "theirs"}]
        self.refused_plan(bad, "plan file: operation 'delete_contact_point': key 'theirs' is not the uid of a contact point "
                                   "monitorc owns")
        bad["operations"] = [{"action": "update_mute_timing", "key": "their nights", "body": {"name": "their nights"}}]
        self.refused_plan(bad, "plan file: operation 'update_mute_timing': 'their nights' is not the name of a mute timing "
                                   "monitorc owns")
        # Someone edits the tree in Grafana after the plan: the saved plan is stale.
        tree = self.state()["policies"]
        tree["routes"].append({"receiver": "on-call", "object_matchers": [["team", "=", "late"]]})
        self.api("PUT", "/api/v1/provisioning/policies", tree, {"X-Disable-Provenance": "true"})
        self.apply_stale("r.plan.json", "the notification policy tree")
        self.assert_no_secret()

    def test_routing_import_round_trips(self):
        self.routing_env()
        self.write(self.routing_source())
        self.apply()
        self.assertEqual(self.run_mc("build", "-o", "out1").returncode, 0)
        bundle = {"contact_points": json.loads(self.api("GET", "/api/v1/provisioning/contact-points", None)),
                  "policies": json.loads(self.api("GET", "/api/v1/provisioning/policies", None)),
                  "mute_timings": json.loads(self.api("GET", "/api/v1/provisioning/mute-timings", None))}
        with open(os.path.join(self.dir, "bundle.json"), "w") as f:
            json.dump(bundle, f)
        p = subprocess.run([monitorc_path(), "import", "grafana", "bundle.json", "-o", "imported.mon"], cwd=self.dir,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        # The redacted secrets become variables, each named in a warning.
        self.assertIn("OPS_CHAT_API_URL", p.stderr)
        self.assertIn("ON_CALL_ROUTING_KEY", p.stderr)
        imported = slurp(os.path.join(self.dir, "imported.mon"))
        self.assertNotIn("[REDACTED]", imported)
        self.assertEqual(self.run_mc("build", "-o", "out2", name="imported.mon").returncode, 0, self.outputs[-1])

        def files(d):
            base = os.path.join(self.dir, d, "grafana")
            name = os.listdir(base)[0]
            out = {}
            for f in ("contact-points.json", "policies.json", "mute-timings.json"):
                out[f] = json.loads(slurp(os.path.join(base, name, "alerting", f)))
            for cp in out["contact-points.json"]:  # the variables' names are the importer's
                cp["secureSettings"] = sorted(cp.get("secureSettings", {}))
            return out
        self.assertEqual(files("out2"), files("out1"))
        # pull reads the same resources back into the pulled target's source.
        p = self.run_mc("pull", "--target", "graf", "-o", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        shutil.rmtree(os.path.join(self.dir, "out3"), ignore_errors=True)
        p = subprocess.run([monitorc_path(), "build", "-o", "out3", "pulled"], cwd=self.dir, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(files("out3"), files("out1"))


    def test_pull_round_trips(self):
        self.write(source(self.target))
        self.apply()
        self.hand_rule()
        self.api("POST", "/api/dashboards/db", {"dashboard": {"uid": "by-hand", "title": "By hand", "tags": [], "panels": []},
                                                "folderUid": "ops"})
        p = self.run_mc("pull", "--target", "graf", "-o", "pulled", "--owned-only")
        self.assertEqual(p.returncode, 0, p.stderr)
        pulled = pulled_objects(os.path.join(self.dir, "pulled"), "graf")
        self.assertNotIn("Hand rule", pulled)
        self.assertNotIn("By hand", pulled)
        self.assertIn('monitor query "CPU high" {', pulled)
        self.assertIn('dashboard "Web overview" {\n  url_path = "crowdfund-web-overview-880f5db98c5ffae6"\n  targets = ["graf"]\n',
                      pulled)
        target = slurp(os.path.join(self.dir, "pulled", "graf.target.mon"))
        self.assertIn('target grafana "graf" {\n  url = "%s"\n  token_env = "GF_TEST_TOKEN"\n  folder = "ops"\n'
                      '  datasource = "prom-main"\n}' % self.url, target)
        os.makedirs(os.path.join(self.dir, "orig"), exist_ok=True)
        shutil.copy(os.path.join(self.dir, "main.mon"), os.path.join(self.dir, "orig", "main.mon"))
        for src, out in (("orig", "out-orig"), ("pulled", "out-pulled")):
            p = subprocess.run([monitorc_path(), "build", "-o", out, src], cwd=self.dir, capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
        base = os.path.join("grafana", "graf")
        # Dashboards: the same JSON.
        for name in ("crowdfund-web-overview-880f5db98c5ffae6.json", "plain_uid.json"):
            rel = os.path.join(base, "dashboards", name)
            self.assertEqual(json.loads(slurp(os.path.join(self.dir, "out-pulled", rel))),
                             json.loads(slurp(os.path.join(self.dir, "out-orig", rel))))
        # Rules: the same rules; those of an external monitor's response time and certificate
        # come back as query monitors named after their summary, so their uid and title differ.
        rules = lambda out: json.loads(slurp(os.path.join(self.dir, out, base, "alert-rules", "graf.json")))["rules"]
        orig, back = rules("out-orig"), rules("out-pulled")
        self.assertEqual(len(orig), 15)
        aspect = lambda r: "(response time" in r["title"] or "(certificate" in r["title"]
        self.assertEqual(sorted(json.dumps(r, sort_keys=True) for r in orig if not aspect(r)),
                         sorted(json.dumps(r, sort_keys=True) for r in back if not aspect(r)))
        strip = lambda r: json.dumps({k: v for k, v in r.items() if k not in ("uid", "title")}, sort_keys=True)
        self.assertEqual(sorted(strip(r) for r in orig), sorted(strip(r) for r in back))
        self.assertEqual(sorted(r["title"] for r in back if aspect(r)),
                         ["Top page (certificate) (critical)", "Top page (certificate) (warning)",
                          "Top page (response time) (critical)", "Top page (response time) (warning)"])
        # Planned against Grafana, the pulled source changes only those four rules' names.
        env = dict(os.environ, **self.env)
        p = subprocess.run([monitorc_path(), "plan", "--format", "json", "pulled"], cwd=self.dir, env=env, capture_output=True,
                           text=True, timeout=60)
        self.outputs.append(p.stdout + p.stderr)
        self.assertEqual(p.returncode, 0, p.stderr)
        plan = json.loads(p.stdout)
        self.assertEqual(sorted(k for a, _, k in self.pending(plan)), sorted(r["title"] for r in back if aspect(r)))
        self.assertTrue(all(a == "create" for a, _, _ in self.pending(plan)))
        self.assertEqual(sorted(c["key"] for c in plan["changes"] if c["action"] == "orphan"),
                         sorted(r["title"] for r in orig if aspect(r)))
        self.assertEqual(plan["summary"]["no_change"], 11 + 2)
        # Without --owned-only the hand-made rule and dashboard are pulled too.
        p = self.run_mc("pull", "--target", "graf", "-o", "all")
        self.assertEqual(p.returncode, 0, p.stderr)
        everything = pulled_objects(os.path.join(self.dir, "all"), "graf")
        # Its settings as Grafana has them (here only the empty tags), so it builds back to itself.
        self.assertIn('dashboard "By hand" {\n  url_path = "by-hand"\n  targets = ["graf"]\n'
                      '  raw = { grafana_dashboard = { tags = [] } }\n}', everything)
        self.assertIn("alert rule 'Hand rule': skipped: its condition is not a threshold expression", p.stderr)

    def test_zabbix_data_source_dashboard_applies_pulls_and_builds_back(self):
        # A target on Grafana's Zabbix data source: its panels are grafana-zabbix queries, the
        # pulled target keeps datasource_type, and the pulled source builds the same dashboard.
        self.write(f'target grafana "graf" {{ url = "{self.url}" token_env = "GF_TEST_TOKEN" folder = "ops" '
                   'datasource = "zbx-main" datasource_type = zabbix }\n'
                   'dashboard "DB hosts" {\n  url_path = "db-hosts"\n'
                   '  graph "CPU" {\n    query = "CPU utilization"\n    host_group = "Linux servers"\n    host = "db-*"\n'
                   '    functions = ["groupBy(5m, max)"]\n    legend = "$__zbx_host_name"\n  }\n'
                   '  value "Queue" {\n    query = "Zabbix queue"\n    host = "Zabbix server"\n  }\n}\n')
        self.apply()
        stored = self.state()
        self.assertIn("alexanderzobnin-zabbix-datasource", json.dumps(stored))
        p = self.run_mc("pull", "--target", "graf", "-o", "pulled-zbx")
        self.assertEqual(p.returncode, 0, p.stderr)
        target = slurp(os.path.join(self.dir, "pulled-zbx", "graf.target.mon"))
        self.assertIn('  datasource = "zbx-main"\n  datasource_type = zabbix\n}', target)
        pulled = pulled_objects(os.path.join(self.dir, "pulled-zbx"), "graf")
        self.assertIn('    query = "CPU utilization"\n    host_group = "Linux servers"\n    host = "/^db-.*$/"\n'
                      '    functions = ["groupBy(5m, max)"]\n    legend = "$__zbx_host_name"\n', pulled)
        os.makedirs(os.path.join(self.dir, "orig-zbx"), exist_ok=True)
        shutil.copy(os.path.join(self.dir, "main.mon"), os.path.join(self.dir, "orig-zbx", "main.mon"))
        for src, out in (("orig-zbx", "out-orig-zbx"), ("pulled-zbx", "out-pulled-zbx")):
            p = subprocess.run([monitorc_path(), "build", "-o", out, src], cwd=self.dir, capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
        rel = os.path.join("grafana", "graf", "dashboards", "db-hosts.json")
        self.assertEqual(json.loads(slurp(os.path.join(self.dir, "out-pulled-zbx", rel))),
                         json.loads(slurp(os.path.join(self.dir, "out-orig-zbx", rel))))
        env = dict(os.environ, **self.env)
        p = subprocess.run([monitorc_path(), "plan", "--detailed-exitcode", "pulled-zbx"], cwd=self.dir, env=env,
                           capture_output=True, text=True, timeout=60)
        self.outputs.append(p.stdout + p.stderr)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
