"""End to end: channels, routes and maintenance windows as Mackerel notification channels,
notification groups and downtimes, against the fake Mackerel server (tests/fakes/mackerel)."""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from harness import KEY, FakeServer, Workspace, monitorc_path, pulled_objects, slurp

SLACK_URL = "https://hooks.slack.com/services/T0E2E/B0E2E/s3cr3tE2eWebhookToken"
SLACK_URL_2 = "https://hooks.slack.com/services/T0E2E/B0E2E/an0therE2eWebhookToken"
MARK = " [monitorc]"

SOURCE = """
target mackerel "fake" {
  base_url = "@BASE_URL@"
  api_key_env = "MONITORC_TEST_KEY"
}

monitor host "web cpu" {
  metric = "cpu%"
  operator = ">"
  warning = 80
  critical = 95
  duration = 5m
  scopes = ["shop:web"]
}

monitor host "db cpu" {
  metric = "cpu%"
  operator = ">"
  critical = 90
  duration = 5m
  scopes = ["shop:db"]
}

channel slack "sre chat" {
  channel = "#sre"
  api_url_env = "E2E_SLACK_URL"
}

channel email "dba mail" {
  to = ["dba@shop.example"]
}

channel webhook "incident log" {
  url = "https://incidents.shop.example/hook"
}

channel pagerduty "on-call" {
  routing_key_env = "E2E_PD_KEY"
}

route "critical" {
  severity = ["critical"]
  channels = ["on-call", "incident log"]
  continue = true
  group_by = []
  repeat_interval = 1h
}

route "db" {
  scopes = ["shop:db"]
  channels = ["dba mail"]
}

route "rest" {
  channels = ["sre chat"]
}

maintenance "weekly backup" {
  weekdays = ["sunday"]
  start = "03:00"
  end = "04:30"
  time_zone = "Asia/Tokyo"
  scopes = ["shop:db"]
}

maintenance "upgrade" {
  start = "2026-12-30 23:00"
  end = "2026-12-31 03:00"
  time_zone = "Asia/Tokyo"
  monitors = ["db cpu"]
  memo = "db upgrade"
}
"""

# Objects nobody gave monitorc: the organization's default group and what people made by hand.
UNOWNED = {
    "channels": [{"id": "chanHand01", "type": "email", "name": "ops mail", "emails": ["ops@shop.example"],
                  "userIds": [], "events": ["alert"]},
                 {"id": "chanLine01", "type": "line", "name": "line"}],
    "notificationGroups": [{"id": "grpDefault1", "name": "Default", "notificationLevel": "all", "default": True,
                            "childNotificationGroupIds": [], "childChannelIds": ["chanHand01"],
                            "monitors": [], "services": []}],
    "downtimes": [{"id": "dtHand0001", "name": "by hand", "start": 1767225600, "duration": 60,
                   "serviceScopes": ["shop"]}],
    "alertGroupSettings": [{"id": "agHand0001", "name": "by hand", "serviceScopes": ["shop"], "roleScopes": [],
                            "monitorScopes": []}],
}


def by_name(items):
    return {i["name"]: i for i in items}


class Routing(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="monitorc-routing-")
        self.server = FakeServer(self.tmp, state_file=os.path.join(self.tmp, "state.json"))
        self.server.control("PUT", "/_state", UNOWNED)
        self.ws = Workspace(self.server, SOURCE)
        self.outputs = []

    def tearDown(self):
        self.server.stop()

    def run_ok(self, *args, env=None, code=0):
        old = dict(os.environ)
        os.environ.update({"E2E_SLACK_URL": SLACK_URL, **(env or {})})
        try:
            p = self.ws.run(*args)
        finally:
            os.environ.clear()
            os.environ.update(old)
        self.outputs.append(p.stdout + p.stderr)
        self.assertEqual(p.returncode, code, p.stdout + p.stderr)
        return p

    def assert_no_secret(self):
        for out in self.outputs:
            for secret in (SLACK_URL, SLACK_URL_2, "s3cr3tE2e", "an0therE2e", KEY):
                self.assertNotIn(secret, out)
        for dirpath, _, files in os.walk(self.ws.dir):
            for name in files:
                text = slurp(os.path.join(dirpath, name))
                self.assertNotIn("s3cr3tE2e", text, name)
                self.assertNotIn("an0therE2e", text, name)

    def test_apply_then_clean_update_prune_and_secrets(self):
        check = self.run_ok("check", "main.mon")
        # What Mackerel cannot express is said where it is written.
        self.assertIn("main.mon:37:", check.stderr)  # the pagerduty channel
        self.assertIn("'pagerduty' of channel 'on-call' is not expressed on mackerel target 'fake'", check.stderr)

        plan = self.run_ok("plan", "main.mon", "--out", "first.plan")
        self.assertIn('channel "sre chat"', plan.stdout)
        self.assertIn("api_url_env", plan.stdout)
        saved = slurp(os.path.join(self.ws.dir, "first.plan"))
        self.assertIn("E2E_SLACK_URL", saved)
        self.run_ok("apply", "first.plan")

        state = self.server.state()
        channels = by_name(state["channels"])
        self.assertEqual(set(channels), {"ops mail", "line", "sre chat" + MARK, "dba mail" + MARK, "incident log" + MARK})
        self.assertEqual(channels["sre chat" + MARK]["url"], SLACK_URL)
        self.assertEqual(channels["dba mail" + MARK]["emails"], ["dba@shop.example"])
        monitor_ids = {m["name"]: m["id"] for m in state["monitors"]}
        groups = by_name(state["notificationGroups"])
        self.assertEqual(groups["critical" + MARK]["notificationLevel"], "critical")
        self.assertEqual(groups["critical" + MARK]["childChannelIds"], [channels["incident log" + MARK]["id"]])
        self.assertEqual(sorted(m["id"] for m in groups["critical" + MARK]["monitors"]),
                         sorted(monitor_ids.values()))
        self.assertEqual(groups["db" + MARK]["monitors"], [{"id": monitor_ids["db cpu"], "skipDefault": True}])
        self.assertEqual(groups["rest" + MARK]["monitors"], [{"id": monitor_ids["web cpu"], "skipDefault": True}])
        downtimes = by_name(state["downtimes"])
        weekly = downtimes["weekly backup"]
        self.assertEqual(weekly["recurrence"], {"type": "weekly", "interval": 1, "weekdays": ["Sunday"]})
        self.assertEqual(weekly["roleScopes"], ["shop:db"])
        self.assertEqual(weekly["duration"], 90)
        self.assertEqual(weekly["start"] % 86400, 18 * 3600)  # 03:00 in Tokyo is 18:00 UTC
        upgrade = downtimes["upgrade"]
        self.assertEqual(upgrade["start"], 1798639200)  # 2026-12-30 23:00 +09:00
        self.assertEqual(upgrade["duration"], 240)
        self.assertEqual(upgrade["monitorScopes"], [monitor_ids["db cpu"]])
        self.assertTrue(upgrade["memo"].endswith("managed-by: monitorc"))
        alert_groups = by_name(state["alertGroupSettings"])
        self.assertEqual(sorted(alert_groups["critical"]["monitorScopes"]), sorted(monitor_ids.values()))
        self.assertEqual(alert_groups["critical"]["notificationInterval"], 60)
        self.assertEqual(alert_groups["critical"]["memo"], "managed-by: monitorc")

        # Plan again: nothing to do.
        p = self.run_ok("plan", "main.mon", "--detailed-exitcode")
        self.assertIn("No changes.", p.stdout)

        # A new secret: the plan says it changed, and shows neither value.
        p = self.run_ok("plan", "main.mon", "--detailed-exitcode", env={"E2E_SLACK_URL": SLACK_URL_2}, code=2)
        self.assertIn("(a different secret)", p.stdout)
        self.run_ok("plan", "main.mon", "--format", "json", env={"E2E_SLACK_URL": SLACK_URL_2}, code=0)
        self.run_ok("apply", "main.mon", "--auto-approve", env={"E2E_SLACK_URL": SLACK_URL_2})
        self.assertEqual(by_name(self.server.state()["channels"])["sre chat" + MARK]["url"], SLACK_URL_2)
        # A saved plan refuses a variable that changed since.
        self.run_ok("plan", "main.mon", "--out", "second.plan", env={"E2E_SLACK_URL": SLACK_URL})
        p = self.run_ok("apply", "second.plan", env={"E2E_SLACK_URL": SLACK_URL_2}, code=1)
        self.assertIn("no longer holds the value the plan was made with", p.stdout + p.stderr)
        self.run_ok("apply", "main.mon", "--auto-approve")

        # An update: the db route now also tells the SRE chat.
        self.ws.edit('channels = ["dba mail"]', 'channels = ["dba mail", "sre chat"]')
        p = self.run_ok("plan", "main.mon")
        self.assertIn('notification_group "db"', p.stdout)
        self.run_ok("apply", "main.mon", "--auto-approve")
        state = self.server.state()
        channels = by_name(state["channels"])
        self.assertEqual(sorted(by_name(state["notificationGroups"])["db" + MARK]["childChannelIds"]),
                         sorted([channels["dba mail" + MARK]["id"], channels["sre chat" + MARK]["id"]]))
        self.assertIn("No changes.", self.run_ok("plan", "main.mon").stdout)

        # Gone from the source: kept without --prune, deleted with it; unowned objects never move.
        text = self.ws.read()
        self.ws.write(text[:text.index('maintenance "upgrade"')].replace('route "db" {', 'route "dba" {'))
        p = self.run_ok("plan", "main.mon")
        self.assertIn("prune candidate", p.stdout)
        self.run_ok("apply", "main.mon", "--auto-approve")
        state = self.server.state()
        self.assertIn("upgrade", by_name(state["downtimes"]))
        self.assertIn("db" + MARK, by_name(state["notificationGroups"]))
        self.run_ok("apply", "main.mon", "--auto-approve", "--prune")
        state = self.server.state()
        self.assertNotIn("upgrade", by_name(state["downtimes"]))
        self.assertNotIn("db" + MARK, by_name(state["notificationGroups"]))
        self.assertIn("dba" + MARK, by_name(state["notificationGroups"]))
        for key in ("channels", "notificationGroups", "downtimes", "alertGroupSettings"):
            for hand in UNOWNED[key]:
                now = {i["id"]: i for i in state[key]}
                self.assertIn(hand["id"], now)
                self.assertEqual(now[hand["id"]]["name"], hand["name"])
        self.assertEqual(by_name(state["notificationGroups"])["Default"]["childChannelIds"], ["chanHand01"])
        self.assert_no_secret()

    def api_get(self, path):
        req = urllib.request.Request(self.server.base + path, headers={"X-Api-Key": KEY})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read().decode())

    def changes(self, *args, env=None):
        p = self.run_ok("plan", *args, "--format", "json", env=env)
        return sorted((c["action"], c["kind"], c["key"]) for c in json.loads(p.stdout)["changes"]
                      if c["action"] not in ("no-change", "ignore"))

    def test_import_of_the_api_answers_plans_clean(self):
        # What monitorc made, read back through the API's own answers, plans as no change; the
        # objects made by hand come back as adoptions (their names and memos gain the marker).
        self.run_ok("apply", "main.mon", "--auto-approve")
        args = []
        for flag, path in (("--monitors", "/api/v0/monitors"), ("--channels", "/api/v0/channels"),
                           ("--notification-groups", "/api/v0/notification-groups"),
                           ("--downtimes", "/api/v0/downtimes"),
                           ("--alert-group-settings", "/api/v0/alert-group-settings")):
            # The channels' answer holds the Slack URL: kept out of the workspace.
            name = os.path.join(self.tmp, path.rsplit("/", 1)[1] + ".json")
            with open(name, "w") as f:
                json.dump(self.api_get(path), f)
            args += [flag, name]
        p = self.run_ok("import", "mackerel", *args, "--time-zone", "Asia/Tokyo", "-o", "imported.mon")
        self.assertIn("channel 'sre chat': the webhook URL is a secret and is not written: "
                      "set $SRE_CHAT_SLACK_WEBHOOK_URL to it", p.stderr)
        self.assertIn("channel 'line': type 'line' cannot be written", p.stderr)
        # The default group selects no monitor: it is not written (nor ever changed).
        self.assertRegex(p.stderr, r"notification group 'Default': [^\n]*not written")
        imported = slurp(os.path.join(self.ws.dir, "imported.mon"))
        self.assertIn('maintenance "weekly backup" {\n  weekdays = ["sun"]\n  start = "03:00"\n  end = "04:30"\n'
                      '  time_zone = "Asia/Tokyo"\n', imported)
        self.assertIn('  group_by = []\n  repeat_interval = 1h\n', imported)
        self.assertIn("alert group setting 'by hand': no route of that name is written", p.stderr)
        self.assertNotIn("[monitorc]", imported)
        self.assertNotIn("managed-by", imported)
        self.ws.write(SOURCE[:SOURCE.index("monitor host")] + imported)
        self.assertEqual(self.changes("main.mon", env={"SRE_CHAT_SLACK_WEBHOOK_URL": SLACK_URL}),
                         [("adopt", "channel", "ops mail"), ("adopt", "downtime", "by hand")])
        self.run_ok("apply", "main.mon", "--auto-approve", env={"SRE_CHAT_SLACK_WEBHOOK_URL": SLACK_URL})
        self.assertEqual(self.changes("main.mon", env={"SRE_CHAT_SLACK_WEBHOOK_URL": SLACK_URL}), [])
        self.assert_no_secret()

    def test_pull_writes_routing_that_plans_clean(self):
        # pull writes windows in UTC; one written in UTC comes back as written.
        self.ws.edit('time_zone = "Asia/Tokyo"\n  scopes', 'scopes')
        self.run_ok("apply", "main.mon", "--auto-approve")
        p = self.run_ok("pull", "main.mon", "-o", "owned", "--owned-only")
        self.assertNotIn("not pulled", p.stderr)
        self.assertIn("set $SRE_CHAT_SLACK_WEBHOOK_URL to it", p.stderr)
        pulled = pulled_objects(os.path.join(self.ws.dir, "owned"), "fake")
        for block in ('channel slack "sre chat"', 'channel email "dba mail"', 'channel webhook "incident log"',
                      'route "critical"', 'route "db"', 'route "rest"', 'maintenance "weekly backup"',
                      'maintenance "upgrade"'):
            self.assertIn(block, pulled)
        self.assertNotIn('"by hand"', pulled)
        self.assertNotIn('"ops mail"', pulled)
        env = {"SRE_CHAT_SLACK_WEBHOOK_URL": SLACK_URL}
        self.assertEqual(self.run_ok("fmt", "--check", "owned").returncode, 0)
        self.assertEqual(self.changes("owned", env=env), [])
        # Everything: the hand-made objects would be adopted, nothing else changes.
        self.run_ok("pull", "main.mon", "-o", "all")
        self.assertEqual(self.changes("all", env=env),
                         [("adopt", "channel", "ops mail"), ("adopt", "downtime", "by hand")])
        self.assert_no_secret()

    def test_alert_group_settings_update_and_prune(self):
        # A route's `group_by = []` is an alert group setting named after the route.
        self.run_ok("apply", "main.mon", "--auto-approve")
        self.ws.edit("repeat_interval = 1h", "repeat_interval = 90m")
        p = self.run_ok("plan", "main.mon")
        self.assertIn('alert_group_setting "critical"', p.stdout)
        self.assertIn("repeat_interval (minutes)", p.stdout)
        self.run_ok("apply", "main.mon", "--auto-approve")
        self.assertEqual(by_name(self.server.state()["alertGroupSettings"])["critical"]["notificationInterval"], 90)
        # Grouped by labels: Mackerel cannot, so check says so and nothing is sent.
        self.ws.edit("group_by = []", 'group_by = ["alertname"]')
        check = self.run_ok("check", "main.mon")
        self.assertIn("'group_by' of route 'critical' is not expressed on mackerel target 'fake'", check.stderr)
        self.assertIn("'repeat_interval' of route 'critical' is not expressed", check.stderr)
        p = self.run_ok("plan", "main.mon")
        self.assertIn("prune candidate", p.stdout)
        self.run_ok("apply", "main.mon", "--auto-approve")
        self.assertIn("critical", by_name(self.server.state()["alertGroupSettings"]))
        self.run_ok("apply", "main.mon", "--auto-approve", "--prune")
        self.assertEqual([a["name"] for a in self.server.state()["alertGroupSettings"]], ["by hand"])
        self.assertIn("No changes.", self.run_ok("plan", "main.mon").stdout)

    def assert_converged(self):
        self.server.control("DELETE", "/_fault")
        state = self.server.state()
        for key in ("channels", "notificationGroups", "downtimes", "alertGroupSettings"):
            names = [i["name"] for i in state[key]]
            self.assertEqual(len(names), len(set(names)), key)
        self.assertEqual(len(state["notificationGroups"]), 4)
        self.assertEqual(sorted(a["name"] for a in state["alertGroupSettings"]), ["by hand", "critical"])
        self.assertEqual(self.changes("main.mon", "--prune"), [])

    def test_failed_alert_group_does_not_stop_the_others(self):
        self.server.fault(status=400, count=1, methods=["POST"], path_prefix="/api/v0/alert-group-settings")
        p = self.run_ok("apply", "main.mon", "--auto-approve", code=1)
        self.assertIn("FAILED", p.stdout)
        state = self.server.state()
        self.assertEqual(len(state["notificationGroups"]), 4)
        self.assertEqual(len(state["downtimes"]), 3)
        self.assertEqual([a["name"] for a in state["alertGroupSettings"]], ["by hand"])
        self.run_ok("apply", "main.mon", "--auto-approve")
        self.assert_converged()

    def test_kill_9_mid_apply_then_rerun(self):
        self.server.fault(latency_ms=150)
        env = dict(os.environ, MONITORC_TEST_KEY=KEY, E2E_SLACK_URL=SLACK_URL)
        proc = subprocess.Popen([monitorc_path(), "apply", "main.mon", "--auto-approve", "--parallel", "1"],
                                cwd=self.ws.dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline and len(self.server.state()["notificationGroups"]) < 2:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = self.server.state()
        done = len(state["notificationGroups"]) - 1 + len(state["downtimes"]) - 1 + len(state["alertGroupSettings"]) - 1
        self.assertGreaterEqual(done, 1)
        self.assertLess(done, 6, "apply finished before the kill; the test proves nothing")
        self.server.control("DELETE", "/_fault")
        time.sleep(0.6)  # a request sent before the kill is still being served
        self.run_ok("apply", "main.mon", "--auto-approve")
        self.assert_converged()

    def test_faults_are_retried_and_lost_creates_found(self):
        # A notification group's create fails once with 503, a channel's answer is lost after
        # the server made it: apply retries the one and finds the other, and makes no copies.
        self.server.fault(status=503, count=1, methods=["POST"], path_prefix="/api/v0/notification-groups")
        self.server.fault(lose_response_after_commit=True, count=1, methods=["POST"], path_prefix="/api/v0/channels")
        self.server.fault(status=503, count=1, methods=["POST"], path_prefix="/api/v0/alert-group-settings")
        self.server.fault(lose_response_after_commit=True, count=1, methods=["POST"],
                          path_prefix="/api/v0/alert-group-settings")
        p = self.run_ok("apply", "main.mon", "--auto-approve")
        state = self.server.state()
        names = [c["name"] for c in state["channels"]]
        self.assertEqual(sorted(names), sorted(["ops mail", "line", "sre chat" + MARK, "dba mail" + MARK,
                                                "incident log" + MARK]))
        self.assertEqual(len(state["notificationGroups"]), 4)
        self.assertEqual(sorted(a["name"] for a in state["alertGroupSettings"]), ["by hand", "critical"])
        self.assertIn("No changes.", self.run_ok("plan", "main.mon").stdout)
        self.assertEqual(p.returncode, 0)
        self.assert_no_secret()

    def test_api_validation_errors_reach_the_user(self):
        # The API refuses an address it cannot mail; the message names the object, not a secret.
        self.ws.edit('to = ["dba@shop.example"]', 'to = ["not an address"]')
        p = self.run_ok("apply", "main.mon", "--auto-approve", code=1)
        self.assertIn("HTTP 400", p.stdout)
        self.assertIn("emails: invalid address", p.stdout)
        self.assert_no_secret()

    def test_unset_secret_is_an_error_naming_the_variable(self):
        old = os.environ.pop("E2E_SLACK_URL", None)
        try:
            p = self.ws.run("plan", "main.mon")
        finally:
            if old is not None:
                os.environ["E2E_SLACK_URL"] = old
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("$E2E_SLACK_URL", p.stderr)


if __name__ == "__main__":
    unittest.main()
