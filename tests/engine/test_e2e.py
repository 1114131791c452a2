"""End to end: monitorc plan/apply against the fake Mackerel server (tests/fakes/mackerel)."""
import json
import os
import unittest
import subprocess

from harness import FIXTURE, KEY, FakeServer, Workspace, apply_on_terminal, monitorc_path, pulled_objects, slurp

# (old text, new text, object key, field path; "W:<title>:<field>" = field of that widget; the
# API values before and after; the line the text plan shows, in the source's words)
EDITS = [
    ("warning  = 80", "warning  = 85", "e2e host cpu", "warning", 80, 85,
     "warning: 80 -> 85"),
    ("alert_status_on_gone = warning", "alert_status_on_gone = critical", "e2e connectivity", "alertStatusOnGone",
     "WARNING", "CRITICAL",
     "alert_status_on_gone: warning -> critical"),
    ("missing_duration_warning = 20m", "missing_duration_warning = 30m", "e2e service 5xx", "missingDurationWarning", 20, 30,
     "missing_duration_warning: 20m -> 30m"),
    ('contains_string = "ok"', 'contains_string = "fine"', "e2e external top", "containsString", "ok", "fine",
     'contains_string: "ok" -> "fine"'),
    ('"X-Probe" = "mackerel"', '"X-Probe" = "m2"', "e2e external top", "headers[0].value", "mackerel", "m2",
     'headers["X-Probe"]: "mackerel" -> "m2"'),
    ("evaluate_backward_minutes = 3m", "evaluate_backward_minutes = 4m", "e2e expression ratio",
     "evaluateBackwardMinutes", 3, 4,
     "evaluate_backward_minutes: 3m -> 4m"),
    ("warning_sensitivity = normal", "warning_sensitivity = sensitive", "e2e anomaly web", "warningSensitivity",
     "normal", "sensitive",
     "warning_sensitivity: normal -> sensitive"),
    ("critical = 2.5", "critical = 3", "e2e query latency", "critical", 2.5, 3,
     "critical: 2.5 -> 3"),
    ('text = "# shop"', 'text = "# shop 2"', "e2e/overview", "W:Read me:markdown", "# shop", "# shop 2",
     'markdown "Read me" text: "# shop" -> "# shop 2"'),
    ('role = "shop:web"', 'role = "shop:api"', "e2e/overview", "W:web alerts:roleFullname", "shop: web", "shop: api",
     'alert_status "web alerts" role: "shop:web" -> "shop:api"'),
    ('metric  = "loadavg"\n', 'metric  = "loadavg15"\n', "e2e/overview", "W:host graph:graph.name", "loadavg", "loadavg15",
     'graph "host graph" metric: "loadavg" -> "loadavg15"'),
    ("value = 80 }", "value = 90 }", "e2e/overview", "W:role graph:referenceLines[0].value", 80, 90,
     'graph "role graph" reference_lines[0].value: 80 -> 90'),
    ("period = 6h", "period = 12h", "e2e/overview", "W:service graph:range.period", 21600, 43200,
     'graph "service graph" range.period: 6h -> 12h'),
    ("value_range = { min = 0 }", "value_range = { min = 1 }", "e2e/overview", "W:expression graph:valueRange.min", 0, 1,
     'graph "expression graph" value_range.min: 0 -> 1'),
    ('legend = "{{http.route}}"', 'legend = "{{http.method}}"', "e2e/overview", "W:query graph:graph.legend",
     "{{http.route}}", "{{http.method}}",
     'graph "query graph" legend: "{{http.route}}" -> "{{http.method}}"'),
    ('suffix = "req"', 'suffix = "reqs"', "e2e/overview", "W:service value:suffix", "req", "reqs",
     'value "service value" suffix: "req" -> "reqs"'),
    ('metric  = "loadavg5"', 'metric  = "loadavg15"', "e2e/overview", "W:host value:metric.name", "loadavg5", "loadavg15",
     'value "host value" metric: "loadavg5" -> "loadavg15"'),
    ('expression = "max(role(shop:web, loadavg5))"\n    }', 'expression = "max(role(shop:db, loadavg5))"\n    }',
     "e2e/overview", "W:expression value:metric.expression", "max(role(shop:web, loadavg5))",
     "max(role(shop:db, loadavg5))",
     'value "expression value" expression: "max(role(shop:web, loadavg5))" -> "max(role(shop:db, loadavg5))"'),
    ('legend = "p99"', 'legend = "p50"', "e2e/overview", "W:query value:metric.legend", "p99", "p50",
     'value "query value" legend: "p99" -> "p50"'),
    ('memo = "dashboard memo"', 'memo = "dashboard memo 2"', "e2e/overview", "memo", "dashboard memo", "dashboard memo 2",
     'memo: "dashboard memo" -> "dashboard memo 2"'),
]

MONITOR_TYPES = {"host", "connectivity", "service", "external", "expression", "anomalyDetection", "query"}
WIDGET_TYPES = {"graph", "value", "markdown", "alertStatus"}


def api_words(fields):
    """The fields in the API's names and values, as machines read them (the source's words,
    source_path/source_before/source_after, come beside them for people)."""
    return [{k: v for k, v in f.items() if not k.startswith("source_")} for f in fields]


def pending(plan):
    return [c for c in plan["changes"] if c["action"] in ("create", "update", "adopt", "delete")]


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = __import__("tempfile").mkdtemp(prefix="monitorc-fake-")
        cls.server = FakeServer(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.ws = Workspace(self.server)

    def apply(self, *extra, expect=0):
        p = self.ws.run("apply", "main.mon", "--auto-approve", *extra)
        self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return p

    def test_apply_every_kind_then_no_changes(self):
        plan = self.ws.plan_json()
        self.assertEqual(plan["summary"]["create"], 8)
        self.apply()
        state = self.server.state()
        self.assertEqual({m["type"] for m in state["monitors"]}, MONITOR_TYPES)
        self.assertEqual(len(state["monitors"]), 7)
        self.assertEqual({w["type"] for w in state["dashboards"][0]["widgets"]}, WIDGET_TYPES)
        for obj in state["monitors"] + state["dashboards"]:
            self.assertTrue(obj["memo"].endswith("managed-by: monitorc"), obj)
        p = self.ws.run("plan", "main.mon", "--detailed-exitcode")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("No changes.", p.stdout)
        self.assertEqual(pending(self.ws.plan_json()), [])

    def test_one_field_change_shows_exactly_that_field(self):
        self.apply()
        widgets = self.server.state()["dashboards"][0]["widgets"]
        original = self.ws.read()
        for old, new, key, path, before, after, shown in EDITS:
            with self.subTest(edit=new):
                if path.startswith("W:"):
                    _, title, field = path.split(":", 2)
                    index = [w["title"] for w in widgets].index(title)
                    path = f"widgets[{index}].{field}"
                self.ws.write(original)
                self.ws.edit(old, new)
                changes = pending(self.ws.plan_json())
                self.assertEqual(len(changes), 1, changes)
                self.assertEqual(changes[0]["action"], "update")
                self.assertEqual(changes[0]["key"], key)
                self.assertEqual(api_words(changes[0]["fields"]), [{"path": path, "before": before, "after": after}])
                text = self.ws.run("plan", "main.mon").stdout
                self.assertIn(f"      {shown}\n", text)
        # The last edit applied converges.
        self.apply()
        self.assertEqual(pending(self.ws.plan_json()), [])

    def test_detailed_exitcode(self):
        self.assertEqual(self.ws.run("plan", "main.mon", "--detailed-exitcode").returncode, 2)
        self.assertEqual(self.ws.run("plan", "main.mon").returncode, 0)

    def test_apply_without_terminal_needs_auto_approve(self):
        p = self.ws.run("apply", "main.mon")
        self.assertEqual(p.returncode, 1)
        self.assertIn("--auto-approve", p.stderr)
        self.assertEqual(self.server.state()["monitors"], [])

    def run_on_terminal(self, answer):
        """apply with a pseudo-terminal as stdin/stdout, answering the prompt."""
        return apply_on_terminal(self.ws.dir, dict(os.environ, MONITORC_TEST_KEY=KEY), answer)

    def test_confirmation_on_a_terminal(self):
        rc, out = self.run_on_terminal("no")
        self.assertEqual(rc, 1)
        self.assertIn("Apply cancelled.", out)
        self.assertEqual(self.server.state()["monitors"], [])
        rc, out = self.run_on_terminal("yes")
        self.assertEqual(rc, 0, out)
        self.assertIn("Apply complete: 8 succeeded, 0 failed", out)
        self.assertEqual(len(self.server.state()["monitors"]), 7)

    def test_unknown_remote_types_are_ignored(self):
        odd = {"id": "checkmon001", "type": "check", "name": "e2e host cpu", "memo": "agent check"}
        self.server.control("PUT", "/_state", {"monitors": [odd], "dashboards": []})
        plan = self.ws.plan_json("--prune")
        by_id = {c.get("id"): c for c in plan["changes"]}
        self.assertEqual(by_id["checkmon001"]["action"], "ignore")
        self.assertEqual(plan["summary"]["create"], 8)
        self.apply("--prune")
        self.assertIn(odd, self.server.state()["monitors"])

    def test_unowned_objects_are_ignored_and_same_key_is_adopted(self):
        manual = {"id": "manual00001", "type": "host", "name": "made in the UI", "memo": "hands off", "metric": "cpu%",
                  "operator": ">", "warning": 90, "duration": 3, "maxCheckAttempts": 1, "isMute": False,
                  "scopes": [], "excludeScopes": []}
        same = {"id": "adoptme0001", "type": "query", "name": "e2e query latency", "memo": "old",
                "query": "old.query", "operator": ">", "critical": 9, "isMute": False}
        board = {"id": "manualdash1", "title": "UI board", "urlPath": "ui/board", "memo": "", "widgets": []}
        self.server.control("PUT", "/_state", {"monitors": [manual, same], "dashboards": [board]})
        before = self.server.state()
        plan = self.ws.plan_json("--prune")
        by_key = {c["key"]: c for c in plan["changes"]}
        self.assertEqual(by_key["made in the UI"]["action"], "ignore")
        self.assertEqual(by_key["ui/board"]["action"], "ignore")
        self.assertEqual(by_key["e2e query latency"]["action"], "adopt")
        self.assertEqual(by_key["e2e query latency"]["id"], "adoptme0001")
        text = self.ws.run("plan", "main.mon").stdout
        self.assertIn("apply adopts it", text)
        self.assertIn("Ignored (not managed by monitorc", text)
        self.apply("--prune")
        after = self.server.state()
        self.assertIn([m for m in before["monitors"] if m["id"] == "manual00001"][0], after["monitors"])
        self.assertEqual(before["dashboards"], [d for d in after["dashboards"] if d["id"] == "manualdash1"])
        adopted = [m for m in after["monitors"] if m["id"] == "adoptme0001"][0]
        self.assertTrue(adopted["memo"].endswith("managed-by: monitorc"))
        self.assertEqual(adopted["query"], 'http.server.duration.p99{service.name="shop"}')
        self.assertEqual(len([m for m in after["monitors"] if m["name"] == "e2e query latency"]), 1)

    def test_prune_only_with_flag(self):
        self.apply()
        self.ws.edit('monitor anomaly_detection "e2e anomaly web"', 'monitor anomaly_detection "e2e anomaly web2"')
        plan = self.ws.plan_json()
        actions = {(c["key"], c["action"]) for c in plan["changes"]}
        self.assertIn(("e2e anomaly web", "orphan"), actions)
        self.assertIn(("e2e anomaly web2", "create"), actions)
        self.assertIn("deleted only with --prune", self.ws.run("plan", "main.mon").stdout)
        self.apply()
        names = [m["name"] for m in self.server.state()["monitors"]]
        self.assertIn("e2e anomaly web", names)
        self.assertIn("e2e anomaly web2", names)
        plan = self.ws.plan_json("--prune")
        self.assertEqual([(c["key"], c["action"]) for c in pending(plan)], [("e2e anomaly web", "delete")])
        self.apply("--prune")
        names = [m["name"] for m in self.server.state()["monitors"]]
        self.assertNotIn("e2e anomaly web", names)
        self.assertEqual(pending(self.ws.plan_json("--prune")), [])

    def test_rename_with_previous_names_updates_in_place(self):
        self.apply()
        old_id = [m["id"] for m in self.server.state()["monitors"] if m["name"] == "e2e host cpu"][0]
        self.ws.edit('monitor host "e2e host cpu" {', 'monitor host "e2e host cpu renamed" {\n  previous_names = ["e2e host cpu"]')
        changes = pending(self.ws.plan_json("--prune"))
        self.assertEqual(len(changes), 1, changes)
        self.assertEqual(changes[0]["renamed_from"], "e2e host cpu")
        self.assertEqual(api_words(changes[0]["fields"]),
                         [{"path": "name", "before": "e2e host cpu", "after": "e2e host cpu renamed"}])
        self.apply("--prune")
        monitors = {m["name"]: m["id"] for m in self.server.state()["monitors"]}
        self.assertEqual(monitors.get("e2e host cpu renamed"), old_id)
        self.assertNotIn("e2e host cpu", monitors)

    def test_saved_plan_applies_exactly_and_refuses_when_stale(self):
        self.apply()
        self.ws.edit("warning  = 80", "warning  = 70")
        self.assertEqual(self.ws.run("plan", "main.mon", "--out", "p.json").returncode, 0)
        saved = json.loads(slurp(os.path.join(self.ws.dir, "p.json")))
        self.assertTrue(saved["fingerprints"])
        # Someone edits a monitor in the UI after the plan was made.
        state = self.server.state()
        for m in state["monitors"]:
            if m["name"] == "e2e service 5xx":
                m["warning"] = 11
        self.server.control("PUT", "/_state", state)
        p = self.ws.run("apply", "p.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("stale", p.stderr)
        self.assertIn("e2e service 5xx", p.stderr)
        host = [m for m in self.server.state()["monitors"] if m["name"] == "e2e host cpu"][0]
        self.assertEqual(host["warning"], 80)
        # A fresh plan applies, with exactly its content, even after the source changed again.
        self.assertEqual(self.ws.run("plan", "main.mon", "--out", "p.json").returncode, 0)
        self.ws.edit("warning  = 70", "warning  = 60")
        p = self.ws.run("apply", "p.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        host = [m for m in self.server.state()["monitors"] if m["name"] == "e2e host cpu"][0]
        self.assertEqual(host["warning"], 70)
        service = [m for m in self.server.state()["monitors"] if m["name"] == "e2e service 5xx"][0]
        self.assertEqual(service["warning"], 10)  # the UI edit was reverted by the plan

    def test_owned_duplicate_from_a_race_is_removed_without_prune(self):
        self.apply()
        state = self.server.state()
        original = [m for m in state["monitors"] if m["name"] == "e2e host cpu"][0]
        copy = dict(original, id="zzzzzzzzzzz")  # a second owned copy, as a racing run makes
        state["monitors"].append(copy)
        self.server.control("PUT", "/_state", state)
        p = self.ws.run("plan", "main.mon", "--format", "json")
        plan = json.loads(p.stdout)
        deletes = [c for c in plan["changes"] if c["action"] == "delete"]
        self.assertEqual(deletes, [dict(deletes[0], id="zzzzzzzzzzz", duplicate_of=original["id"], key="e2e host cpu")])
        self.apply()
        ids = [m["id"] for m in self.server.state()["monitors"] if m["name"] == "e2e host cpu"]
        self.assertEqual(ids, [original["id"]])

    def test_two_applies_at_once_leave_one_object_each(self):
        for attempt in range(3):
            self.server.reset()
            procs = [subprocess.Popen([monitorc_path(), "apply", "main.mon", "--auto-approve", "--parallel", "8"],
                                      cwd=self.ws.dir, env=dict(os.environ, MONITORC_TEST_KEY=KEY),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      stdin=subprocess.DEVNULL) for _ in range(2)]
            outs = [p.communicate(timeout=120) for p in procs]
            for p, (out, err) in zip(procs, outs):
                self.assertEqual(p.returncode, 0, out + err)
            state = self.server.state()
            names = sorted(m["name"] for m in state["monitors"])
            self.assertEqual(len(names), len(set(names)), "attempt %d: %s" % (attempt, names))
            urls = sorted(d["urlPath"] for d in state.get("dashboards", []))
            self.assertEqual(len(urls), len(set(urls)), "attempt %d" % attempt)
            p = self.ws.run("plan", "main.mon", "--detailed-exitcode")
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def edited_target_is_refused(self, edit, reason):
        """A saved plan whose target is edited (`edit(plan)`) is refused before any request is
        sent: where it writes and which variable holds the key come from the source."""
        self.apply()
        self.ws.edit("warning  = 80", "warning  = 70")
        self.assertEqual(self.ws.run("plan", "main.mon", "--out", "p.json").returncode, 0)
        path = os.path.join(self.ws.dir, "p.json")
        plan = json.loads(slurp(path))
        edit(plan)
        with open(path, "w") as f:
            json.dump(plan, f)
        before = len(self.server.log_entries())
        p = self.ws.run("apply", "p.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("does not match the target declared in the source; nothing was sent", p.stderr)
        self.assertIn(reason, p.stderr)
        self.assertEqual(len(self.server.log_entries()), before)
        host = [m for m in self.server.state()["monitors"] if m["name"] == "e2e host cpu"][0]
        self.assertEqual(host["warning"], 80)

    def test_edited_plan_cannot_choose_the_key_variable(self):
        def other_secret(plan):
            plan["target"]["api_key_env"] = "PATH"
        self.edited_target_is_refused(other_secret, "api_key_env: the plan says 'PATH', the source declares 'MONITORC_TEST_KEY'")

    def test_edited_plan_cannot_choose_the_host(self):
        def other_host(plan):
            plan["target"]["where"] = self.server.base + "/elsewhere/"
        self.edited_target_is_refused(other_host, "base URL: the plan says '" + self.server.base + "/elsewhere/'")

    def test_edited_plan_cannot_choose_its_sources(self):
        other = os.path.join(self.ws.dir, "..", "other.mon")
        def other_sources(plan):
            plan["sources"] = [other]
        self.apply()
        self.assertEqual(self.ws.run("plan", "main.mon", "--out", "p.json").returncode, 0)
        path = os.path.join(self.ws.dir, "p.json")
        plan = json.loads(slurp(path))
        self.assertEqual(plan["sources"], ["main.mon"])
        for bad in ([other], ["../other.mon"]):
            plan["sources"] = bad
            with open(path, "w") as f:
                json.dump(plan, f)
            p = self.ws.run("apply", "p.json")
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("which is not a relative path inside this directory", p.stderr)
        # Sources given on the command line are used instead of the recorded ones.
        p = self.ws.run("apply", "p.json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def edited_plan_is_refused(self, edit):
        """A plan file (made without --prune, with one pending update) edited by `edit(plan,
        hand_id, owned_ids)` is refused per object at apply time; the hand-made monitor stays."""
        hand = {"id": "handmade001", "type": "host", "name": "hand", "memo": "made in the UI", "metric": "cpu%",
                "operator": ">", "warning": 90, "duration": 3, "maxCheckAttempts": 1, "isMute": False,
                "scopes": [], "excludeScopes": []}
        self.apply()
        state = self.server.state()
        state["monitors"].append(hand)
        self.server.control("PUT", "/_state", state)
        self.ws.edit("warning  = 80", "warning  = 70")
        self.assertEqual(self.ws.run("plan", "main.mon", "--out", "p.json").returncode, 0)
        path = os.path.join(self.ws.dir, "p.json")
        plan = json.loads(slurp(path))
        edit(plan, hand)
        with open(path, "w") as f:
            json.dump(plan, f)
        p = self.ws.run("apply", "p.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("FAILED", p.stdout)
        self.assertIn("refused:", p.stdout)
        self.assertIn(hand, self.server.state()["monitors"])
        return p

    def test_edited_plan_cannot_delete_an_unowned_monitor(self):
        def add_delete(plan, hand):
            plan["changes"].append({"action": "delete", "kind": "monitor", "key": "hand", "id": hand["id"], "type": "host"})
        p = self.edited_plan_is_refused(add_delete)
        self.assertIn('FAILED delete monitor "hand": refused: a delete in a plan made without --prune', p.stdout)

        def add_pruned_delete(plan, hand):
            plan["prune"] = True
            add_delete(plan, hand)
        self.setUp()
        p = self.edited_plan_is_refused(add_pruned_delete)
        self.assertIn('FAILED delete monitor "hand": refused: monitor handmade001 is not owned by monitorc', p.stdout)

    def test_edited_plan_cannot_update_an_unowned_monitor(self):
        def swap_id(plan, hand):
            update = [c for c in plan["changes"] if c["action"] == "update"][0]
            update["id"] = hand["id"]
        p = self.edited_plan_is_refused(swap_id)
        self.assertIn('is "hand", not "e2e host cpu"', p.stdout)

        def swap_id_and_key(plan, hand):
            update = [c for c in plan["changes"] if c["action"] == "update"][0]
            update["id"], update["key"] = hand["id"], "hand"
        self.setUp()
        p = self.edited_plan_is_refused(swap_id_and_key)
        self.assertIn("refused: monitor handmade001 is not owned by monitorc", p.stdout)

    def test_pull_then_plan_shows_no_changes(self):
        self.apply()
        ui = {"id": "uimade00001", "type": "host", "name": "UI host", "memo": "by hand", "metric": "loadavg5",
              "operator": ">", "warning": 4, "duration": 3, "maxCheckAttempts": 1, "isMute": False,
              "scopes": [], "excludeScopes": []}
        state = self.server.state()
        state["monitors"].append(ui)
        self.server.control("PUT", "/_state", state)
        p = self.ws.run("pull", "main.mon", "-o", "owned", "--owned-only")
        self.assertEqual(p.returncode, 0, p.stderr)
        pulled = pulled_objects(os.path.join(self.ws.dir, "owned"), "fake")
        self.assertNotIn("managed-by", pulled)
        self.assertNotIn("UI host", pulled)
        self.assertIn('monitor query "e2e query latency"', pulled)
        p = self.ws.run("plan", "owned", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        plan = json.loads(p.stdout)
        self.assertEqual(pending(plan), [])
        self.assertEqual(plan["summary"]["no_change"], 8)
        # Without --owned-only the UI monitor is pulled too; planning it means adopting it, unchanged.
        self.assertEqual(self.ws.run("pull", "main.mon", "-o", "all").returncode, 0)
        p = self.ws.run("plan", "all", "--format", "json")
        plan = json.loads(p.stdout)
        self.assertEqual([(c["key"], c["action"], c.get("fields", [])) for c in pending(plan)], [("UI host", "adopt", [])])

    def test_pull_writes_one_file_per_object(self):
        host = lambda i, name: {"id": "handmade%04d" % i, "type": "host", "name": name, "memo": "", "metric": "loadavg5",
                                "operator": ">", "warning": 4, "duration": 3, "maxCheckAttempts": 1, "isMute": False,
                                "scopes": [], "excludeScopes": []}
        names = ["CPU high", "cpu-high", "Dup", "Dup", "ディスク使用率", "メモリ", "../../etc/passwd", "x" * 300]
        state = self.server.state()
        state["monitors"] = [host(i, n) for i, n in enumerate(names)]
        state["dashboards"] = []
        self.server.control("PUT", "/_state", state)
        p = self.ws.run("pull", "main.mon", "-o", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("wrote 8 files in 'pulled/fake/'", p.stderr)
        root = os.path.join(self.ws.dir, "pulled")
        files = sorted(os.listdir(os.path.join(root, "fake", "monitors")))
        self.assertEqual(sorted(os.listdir(root)), [".monitorc-pulled", "fake", "fake.target.mon"])
        self.assertEqual(os.listdir(os.path.join(root, "fake")), ["monitors"])
        # Lower-case ASCII slugs; names whose slugs collide get the hash of their own name, then
        # a count for the same name twice; a name of nothing but other letters is its kind.
        self.assertEqual(len(files), 8)
        self.assertIn("etc-passwd.mon", files)
        self.assertIn("x" * 60 + ".mon", files)
        cpu = [f for f in files if f.startswith("cpu-high-")]
        dup = [f for f in files if f.startswith("dup-")]
        other = [f for f in files if f.startswith("monitor-")]
        self.assertEqual((len(cpu), len(dup), len(other)), (2, 2, 2), files)
        self.assertEqual(len({f[:len("cpu-high-") + 8] for f in cpu}), 2)
        first, second = sorted(dup, key=len)
        self.assertEqual(second, first[:-len(".mon")] + "-2.mon")
        for f in files:
            text = slurp(os.path.join(root, "fake", "monitors", f))
            self.assertEqual(text.count("\nmonitor ") + text.startswith("monitor "), 1, f)
        self.assertIn('monitor host "CPU high" {', "".join(slurp(os.path.join(root, "fake", "monitors", f)) for f in cpu))
        # The same objects give the same files; a second pull replaces them (monitors deleted
        # since are gone, and the names they collided with need no hash any more), and the
        # pulled source plans as the service is.
        before = {f: slurp(os.path.join(root, "fake", "monitors", f)) for f in files}
        self.assertEqual(self.ws.run("pull", "main.mon", "-o", "pulled").returncode, 0)
        self.assertEqual(before, {f: slurp(os.path.join(root, "fake", "monitors", f)) for f in files})
        state["monitors"] = [m for i, m in enumerate(state["monitors"]) if i not in (0, 3)]  # "CPU high", a "Dup"
        self.server.control("PUT", "/_state", state)
        self.assertEqual(self.ws.run("pull", "main.mon", "-o", "pulled").returncode, 0)
        after = {f: slurp(os.path.join(root, "fake", "monitors", f)) for f in os.listdir(os.path.join(root, "fake", "monitors"))}
        expected = {f: t for f, t in before.items() if 'monitor host "CPU high"' not in t and f != second}
        expected["cpu-high.mon"] = expected.pop(next(f for f in cpu if f in expected))
        expected["dup.mon"] = expected.pop(first)
        self.assertEqual(after, expected)
        self.assertEqual(self.ws.run("fmt", "--check", "pulled").returncode, 0)
        p = self.ws.run("plan", "pulled", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(c["action"] for c in json.loads(p.stdout)["changes"]), ["adopt"] * 6)
        # --single-file: one file, and the per-object directory of the earlier pull is gone.
        p = self.ws.run("pull", "main.mon", "-o", "pulled", "--single-file")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(root)), [".monitorc-pulled", "fake.mon", "fake.target.mon"])
        self.assertEqual(slurp(os.path.join(root, "fake.mon")).count("monitor host "), 6)
        # A directory pull did not write is never replaced.
        os.makedirs(os.path.join(self.ws.dir, "mine", "fake"))
        p = self.ws.run("pull", "main.mon", "-o", "mine")
        self.assertEqual(p.returncode, 1)
        self.assertIn("'mine/fake' exists and `monitorc pull` did not write it", p.stderr)

    def test_markdown_and_text_render(self):
        self.apply()
        self.ws.edit("warning  = 80", "warning  = 85")
        md = self.ws.run("plan", "main.mon", "--format", "markdown").stdout
        self.assertIn("| create | update |", md)
        self.assertIn("<details><summary><code>~ update</code> monitor <code>e2e host cpu</code>", md)
        self.assertIn("| `warning` | `80` | `85` |", md)
        text = self.ws.run("plan", "main.mon").stdout
        self.assertIn('~ monitor "e2e host cpu" (host)  main.mon:8', text)
        self.assertIn("Plan: 0 to create, 1 to update, 0 to adopt, 0 to delete.", text)

    def test_markdown_and_json_stay_safe_whatever_the_names(self):
        # Names and values from the server may hold terminal escapes, HTML, backticks and pipes.
        evil = "evil \x1b]0;pwned\x07 </summary></details><script>alert(1)</script> `one` ``two`` a|b \x7f \x9b[2J"
        self.apply()
        state = self.server.state()
        cpu = [m for m in state["monitors"] if m["name"] == "e2e host cpu"][0]
        cpu["metric"] = "`cpu%` | \x1b[31m <b>"
        gone = dict(cpu, id="ownedgone01", name=evil)  # owned, not in the source: a prune candidate
        hand = {"id": "hand</code>1", "type": "host", "name": evil + " (hand)", "memo": "", "metric": "cpu%",
                "operator": ">", "warning": 90, "duration": 3, "maxCheckAttempts": 1, "isMute": False,
                "scopes": [], "excludeScopes": []}
        state["monitors"] += [gone, hand]
        self.server.control("PUT", "/_state", {"monitors": state["monitors"], "dashboards": state["dashboards"]})

        p = self.ws.run("plan", "main.mon", "--format", "markdown")
        self.assertEqual(p.returncode, 0, p.stderr)
        md = p.stdout
        for raw in ("\x1b", "\x07", "\x7f", "\x9b", "<script>"):
            self.assertNotIn(raw, md)
        # Every <details> closes exactly once: no value ended one early.
        self.assertEqual((md.count("<details>"), md.count("</summary>"), md.count("</details>")), (3, 3, 3))
        self.assertIn("<details><summary><code>prune candidate</code> monitor <code>evil \\x1b]0;pwned\\x07 "
                      "&lt;/summary&gt;&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt; `one` ``two`` a|b "
                      "\\x7f \\u009b[2J</code></summary>", md)
        self.assertIn("Owned, no longer in source (id `ownedgone01`)", md)
        self.assertIn("Not managed by monitorc (id `hand</code>1`)", md)  # a code span: shown as it is
        # A code span longer than any backtick run in the value, "|" escaped inside the table; inside
        # a code span "<b>" is text, not HTML.
        self.assertIn('| `metric` | ``"`cpu%` \\| \\u{1b}[31m <b>"`` | `"cpu%"` |', md)  # as a .mon string

        p = self.ws.run("plan", "main.mon", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        for raw in ("\x1b", "\x07", "\x7f", "\x9b"):
            self.assertNotIn(raw, p.stdout)
        plan = json.loads(p.stdout)  # every control escaped, the values unchanged
        self.assertEqual({c["key"] for c in plan["changes"] if c["action"] in ("orphan", "ignore")}, {evil, evil + " (hand)"})

    def test_errors_are_clear(self):
        p = self.ws.run("plan", "main.mon", key=None)
        self.assertEqual(p.returncode, 1)
        self.assertIn("MONITORC_TEST_KEY", p.stderr)
        p = self.ws.run("plan", "main.mon", key="wrong-key")
        self.assertEqual(p.returncode, 1)
        self.assertIn("HTTP 403", p.stderr)
        self.ws.write(self.ws.read().replace(self.server.base, "http://example.com"))
        p = self.ws.run("plan", "main.mon")
        self.assertEqual(p.returncode, 1)
        self.assertIn("plain http:// is only allowed to loopback", p.stderr)
        self.ws.write(slurp(FIXTURE).replace('memo = "host memo"', 'memo = "' + "x" * 2040 + '"'))
        p = self.ws.run("plan", "main.mon")
        self.assertEqual(p.returncode, 1)
        self.assertIn("main.mon:8: the memo of monitor 'e2e host cpu' is 2040 characters", p.stderr)
        self.assertIn("at most 2026", p.stderr)
        p = self.ws.run("plan", "main.mon", "--target", "nope")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no mackerel or local target named 'nope'", p.stderr)


if __name__ == "__main__":
    unittest.main()
