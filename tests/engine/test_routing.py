"""End to end: channels, routes and maintenance windows as Mackerel notification channels,
notification groups and downtimes, against the fake Mackerel server (tests/fakes/mackerel)."""
import json
import os
import tempfile
import unittest

from harness import KEY, FakeServer, Workspace, slurp

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
        for key in ("channels", "notificationGroups", "downtimes"):
            for hand in UNOWNED[key]:
                now = {i["id"]: i for i in state[key]}
                self.assertIn(hand["id"], now)
                self.assertEqual(now[hand["id"]]["name"], hand["name"])
        self.assertEqual(by_name(state["notificationGroups"])["Default"]["childChannelIds"], ["chanHand01"])
        self.assert_no_secret()

    def test_faults_are_retried_and_lost_creates_found(self):
        # A notification group's create fails once with 503, a channel's answer is lost after
        # the server made it: apply retries the one and finds the other, and makes no copies.
        self.server.fault(status=503, count=1, methods=["POST"], path_prefix="/api/v0/notification-groups")
        self.server.fault(lose_response_after_commit=True, count=1, methods=["POST"], path_prefix="/api/v0/channels")
        p = self.run_ok("apply", "main.mon", "--auto-approve")
        state = self.server.state()
        names = [c["name"] for c in state["channels"]]
        self.assertEqual(sorted(names), sorted(["ops mail", "line", "sre chat" + MARK, "dba mail" + MARK,
                                                "incident log" + MARK]))
        self.assertEqual(len(state["notificationGroups"]), 4)
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
