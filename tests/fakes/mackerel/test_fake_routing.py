"""The fake's channels, notification groups, downtimes and alert group settings: what the API
docs say it refuses."""
import unittest

from test_fake_mackerel import FakeServer


class FakeRouting(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = FakeServer()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def setUp(self):
        self.srv.call("POST", "/_reset", key=None)

    def ok(self, method, path, body=None):
        status, _, obj = self.srv.call(method, path, body)
        self.assertEqual(status, 200, obj)
        return obj

    def refused(self, method, path, body, status=400):
        got, _, obj = self.srv.call(method, path, body)
        self.assertEqual(got, status, obj)
        return obj["error"]["message"]

    def test_channels(self):
        c = self.ok("POST", "/api/v0/channels", {"type": "slack", "name": "ops", "url": "https://hooks.slack.com/x",
                                                  "events": ["alert"]})
        self.assertEqual(self.ok("GET", "/api/v0/channels")["channels"][0]["url"], "https://hooks.slack.com/x")
        self.assertIn("type", self.refused("PUT", f"/api/v0/channels/{c['id']}", {"type": "webhook", "name": "ops",
                                                                                  "url": "https://x.example/"}))
        self.assertIn("type", self.refused("POST", "/api/v0/channels", {"type": "line", "name": "l"}))
        self.assertIn("url", self.refused("POST", "/api/v0/channels", {"type": "webhook", "name": "w", "url": "ftp://x"}))
        self.assertIn("events", self.refused("POST", "/api/v0/channels", {"type": "email", "name": "e",
                                                                          "events": ["everything"]}))
        self.assertIn("emails", self.refused("POST", "/api/v0/channels", {"type": "email", "name": "e",
                                                                          "emails": ["nobody"]}))
        self.assertIn("userIds", self.refused("POST", "/api/v0/channels", {"type": "email", "name": "e",
                                                                           "userIds": ["u1"]}))
        self.refused("PUT", "/api/v0/channels/nope", {"type": "email", "name": "e"}, status=404)
        self.assertEqual(self.ok("DELETE", f"/api/v0/channels/{c['id']}")["name"], "ops")

    def test_groups(self):
        self.ok("PUT", "/_state", {"notificationGroups": [{"id": "dflt", "name": "Default", "default": True,
                                                          "notificationLevel": "all"}]})
        self.assertIn("default", self.refused("DELETE", "/api/v0/notification-groups/dflt", None))
        self.assertIn("default", self.refused("PUT", "/api/v0/notification-groups/dflt",
                                              {"name": "Other", "notificationLevel": "all"}))
        self.assertIn("notificationLevel", self.refused("POST", "/api/v0/notification-groups",
                                                        {"name": "g", "notificationLevel": "warning"}))
        self.assertIn("childChannelIds", self.refused("POST", "/api/v0/notification-groups",
                                                      {"name": "g", "notificationLevel": "all",
                                                       "childChannelIds": ["nope"]}))
        self.assertIn("monitors", self.refused("POST", "/api/v0/notification-groups",
                                               {"name": "g", "notificationLevel": "all", "monitors": [{"id": "nope"}]}))
        g = self.ok("POST", "/api/v0/notification-groups", {"name": "g", "notificationLevel": "critical",
                                                           "childNotificationGroupIds": ["dflt"]})
        self.assertEqual(g["childNotificationGroupIds"], ["dflt"])

    def test_downtimes(self):
        base = {"name": "d", "start": 1798639200, "duration": 60}
        self.ok("POST", "/api/v0/downtimes", {**base, "recurrence": {"type": "weekly", "interval": 1,
                                                                     "weekdays": ["Sunday"]}})
        self.assertIn("weekdays", self.refused("POST", "/api/v0/downtimes", {**base, "recurrence": {
            "type": "daily", "interval": 1, "weekdays": ["Sunday"]}}))
        self.assertIn("until", self.refused("POST", "/api/v0/downtimes", {**base, "recurrence": {
            "type": "daily", "interval": 1, "until": 5}}))
        self.assertIn("duration", self.refused("POST", "/api/v0/downtimes", {**base, "duration": 0}))
        self.assertIn("redundant", self.refused("POST", "/api/v0/downtimes", {**base, "serviceScopes": ["a1", "a1"]}))
        self.assertIn("roleScopes", self.refused("POST", "/api/v0/downtimes", {**base, "roleScopes": ["a1: web"]}))
        self.assertIn("monitorScopes", self.refused("POST", "/api/v0/downtimes", {**base, "monitorScopes": ["nope"]}))
        self.refused("PUT", "/api/v0/downtimes/nope", base, status=404)

    def test_alert_group_settings(self):
        self.ok("PUT", "/_state", {"monitors": [{"id": "mon1", "type": "host", "name": "cpu"}]})
        a = self.ok("POST", "/api/v0/alert-group-settings", {"name": "shop", "monitorScopes": ["mon1"],
                                                             "serviceScopes": ["shop"], "notificationInterval": 60})
        listed = self.ok("GET", "/api/v0/alert-group-settings")["alertGroupSettings"]
        self.assertEqual([(x["name"], x["monitorScopes"], x["notificationInterval"]) for x in listed],
                         [("shop", ["mon1"], 60)])
        self.assertIn("name", self.refused("POST", "/api/v0/alert-group-settings", {"memo": "no name"}))
        self.assertIn("monitorScopes", self.refused("POST", "/api/v0/alert-group-settings",
                                                    {"name": "g", "monitorScopes": ["nope"]}))
        self.assertIn("roleScopes", self.refused("POST", "/api/v0/alert-group-settings",
                                                 {"name": "g", "roleScopes": ["shop"]}))
        self.assertIn("redundant", self.refused("POST", "/api/v0/alert-group-settings",
                                                {"name": "g", "serviceScopes": ["shop", "shop"]}))
        self.assertIn("notificationInterval", self.refused("POST", "/api/v0/alert-group-settings",
                                                           {"name": "g", "notificationInterval": 0}))
        self.refused("PUT", "/api/v0/alert-group-settings/nope", {"name": "g"}, status=404)
        updated = self.ok("PUT", f"/api/v0/alert-group-settings/{a['id']}", {"name": "shop", "memo": "m"})
        self.assertEqual((updated["memo"], updated["monitorScopes"]), ("m", []))
        self.assertEqual(self.ok("DELETE", f"/api/v0/alert-group-settings/{a['id']}")["name"], "shop")
        self.assertEqual(self.ok("GET", "/api/v0/alert-group-settings")["alertGroupSettings"], [])


if __name__ == "__main__":
    unittest.main()
