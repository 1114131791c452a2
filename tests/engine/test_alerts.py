"""End to end: `monitorc alerts` ranks a target's alert history. Mackerel through the fake API
(tests/fakes/mackerel, alerts seeded with PUT /_state); Prometheus through a real Prometheus
whose ALERTS history was backfilled with `promtool tsdb create-blocks-from openmetrics`."""
import calendar
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import KEY, FakeServer, Workspace, slurp

HERE = os.path.dirname(os.path.abspath(__file__))
PROM_SH = os.path.join(HERE, "..", "prometheus", "prom.sh")

UNTIL = "2026-11-30T00:00:00Z"
T0 = calendar.timegm(time.strptime(UNTIL, "%Y-%m-%dT%H:%M:%SZ"))
DAY = 86400

MACKEREL_SOURCE = """target mackerel "prod" {
  base_url = "@BASE_URL@"
  api_key_env = "MONITORC_TEST_KEY"
}

monitor host "cpu high" {
  metric = "cpu%"
  operator = ">"
  critical = 90
  duration = 5m
  memo = "see the runbook"
}

monitor host "disk full" { metric = "disk%" operator = ">" critical = 95 duration = 1m memo = "clean up" }
"""


def alert(i, monitor, opened, closed=None, reason=None):
    a = {"id": "al%05d" % i, "status": "OK" if closed else "CRITICAL", "monitorId": monitor, "type": "host",
         "hostId": "host1", "value": 97.5, "openedAt": opened}
    if closed:
        a["closedAt"] = closed
    if reason is not None:
        a["reason"] = reason
    return a


class MackerelAlerts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="monitorc-alerts-")
        cls.server = FakeServer(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.server.reset()
        self.ws = Workspace(self.server, MACKEREL_SOURCE)
        p = self.ws.run("apply", "main.mon", "--auto-approve")
        self.assertEqual(p.returncode, 0, p.stderr)
        state = self.server.state()
        ids = {m["name"]: m["id"] for m in state["monitors"]}
        self.cpu, self.disk = ids["cpu high"], ids["disk full"]
        state["monitors"].append({"id": "legacyPing1", "type": "external", "name": "legacy ping",
                                  "url": "https://legacy.example/", "memo": ""})
        history, n = [], 0
        # 120 flaps of 'cpu high' in the window (closed by recovery after 2 minutes), one closed by hand.
        for k in range(120):
            n += 1
            history.append(alert(n, self.cpu, T0 - DAY - k * 3600, T0 - DAY - k * 3600 + 120))
        n += 1
        history.append(alert(n, self.cpu, T0 - 2 * DAY, T0 - 2 * DAY + 7200, reason="silenced during the migration"))
        n += 1
        history.append(alert(n, self.disk, T0 - DAY // 2))  # still open
        for k in range(2):
            n += 1
            history.append(alert(n, "legacyPing1", T0 - 3 * DAY - k * 600, T0 - 3 * DAY - k * 600 + 1200))
        n += 1
        history.append(alert(n, "goneMonitor1", T0 - 4 * DAY, T0 - 4 * DAY + 600))
        # 300 alerts before the window: reading stops at the first page that reaches them.
        for k in range(300):
            n += 1
            history.append(alert(n, self.cpu, T0 - 40 * DAY - k * 60, T0 - 40 * DAY - k * 60 + 60))
        state["alerts"] = history
        self.server.control("PUT", "/_state", state)
        self.server.control("DELETE", "/_log")

    def report(self, *extra):
        p = self.ws.run("alerts", "main.mon", "--until", UNTIL, *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn(KEY, p.stdout + p.stderr)
        return p.stdout

    def test_ranked_json_with_source_locations(self):
        r = json.loads(self.report("--format", "json"))
        self.assertEqual(r["target"], {"kind": "mackerel", "name": "prod"})
        self.assertEqual(r["totalAlerts"], 125)
        rows = r["monitors"]
        self.assertEqual([m["name"] for m in rows], ["cpu high", "legacy ping", "disk full", ""])
        cpu, legacy, disk, gone = rows
        self.assertEqual(cpu["source"], "main.mon:6:14")
        self.assertTrue(cpu["inSource"])
        self.assertEqual((cpu["fired"], cpu["selfClosedQuickly"], cpu["closedByHand"]), (121, 120, 1))
        self.assertEqual(cpu["medianOpenSeconds"], 120)
        self.assertEqual(cpu["totalOpenSeconds"], 120 * 120 + 7200)
        self.assertEqual(disk["source"], "main.mon:14:14")
        self.assertEqual((disk["stillOpen"], disk["totalOpenSeconds"]), (1, DAY // 2))
        self.assertEqual((legacy["inSource"], legacy["id"], legacy["selfClosedQuickly"]), (False, "legacyPing1", 0))
        self.assertNotIn("source", legacy)
        self.assertEqual((gone["id"], gone["inSource"]), ("goneMonitor1", False))
        # Two pages read: the second reaches alerts older than the window, so the third is not asked for.
        gets = [e["path"] for e in self.server.log_entries() if e["path"].startswith("/api/v0/alerts")]
        self.assertEqual(len(gets), 2, gets)
        self.assertIn("withClosed=true", gets[0])
        self.assertIn("nextId=", gets[1])

    def test_flap_window_and_since(self):
        r = json.loads(self.report("--format", "json", "--flap-minutes", "1"))
        self.assertEqual(r["monitors"][0]["selfClosedQuickly"], 0)  # 2 minutes is not within 1
        r = json.loads(self.report("--format", "json", "--since", "2026-11-27T12:00:00Z"))
        self.assertEqual({m["name"]: m["fired"] for m in r["monitors"]}, {"cpu high": 38, "disk full": 1})

    def test_text_and_markdown(self):
        text = self.report()
        self.assertIn('Alerts of mackerel "prod", 2026-10-31T00:00:00Z to 2026-11-30T00:00:00Z: 125 alert(s) from 4 monitor(s)', text)
        self.assertIn("cpu high  main.mon:6:14", text)
        self.assertIn("legacy ping  not in the source (id legacyPing1)", text)
        md = self.report("--format", "markdown", "--max-rows", "2")
        self.assertIn("| 1 | `cpu high` | `main.mon:6:14` | 121 | 120 (99%) |", md)
        self.assertIn("| 2 | `legacy ping` | not in the source (id `legacyPing1`) | 2 |", md)
        self.assertIn("2 quieter monitor(s) not shown", md)

    def test_bad_times(self):
        for args, message in ((("--since", "30x"), "--since: '30x': unexpected 'x' at character 3"),
                              (("--since", "2026-13-01T00:00:00Z"), "month 13 out of range"),
                              (("--since", "2026-11-01T00:00:00"), "a time needs a zone"),
                              (("--since", "1d", "--until", "2026-11-30"), "--until: '2026-11-30'")):
            p = self.ws.run("alerts", "main.mon", *args)
            self.assertEqual(p.returncode, 1, p.stdout)
            self.assertIn("monitorc: error: ", p.stderr)
            self.assertIn(message, p.stderr)
        p = self.ws.run("alerts", "main.mon", "--since", "2026-12-01T00:00:00Z", "--until", UNTIL)
        self.assertIn("--since must be before --until", p.stderr)

    def test_unreadable(self):
        p = self.ws.run("alerts", "main.mon", key="wrong-key-123")
        self.assertEqual(p.returncode, 1)
        self.assertIn("HTTP 403", p.stderr)
        self.assertNotIn("wrong-key-123", p.stdout + p.stderr)


def openmetrics(series, step=15):
    """ALERTS samples: for each (labels, [sample times]) one line per time."""
    lines = ["# TYPE ALERTS gauge"]
    for labels, times in series:
        text = ",".join('%s="%s"' % kv for kv in sorted(labels.items()))
        lines += ["ALERTS{%s} 1 %d" % (text, t) for t in times]
    return "\n".join(lines) + "\n# EOF\n"


class PrometheusAlerts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="monitorc-prom-alerts-")
        cls.prom = os.path.join(cls.dir, "prom")
        # The window: five hours ending 20 minutes ago, on the 15-second grid; samples 7 s into a step.
        cls.until = (int(time.time()) - 1200) // 15 * 15
        cls.since = cls.until - 5 * 3600
        firing = {"alertstate": "firing"}
        flaps = [cls.since + 600 + k * 2400 + 7 for k in range(6)]  # six single evaluations
        disk = list(range(cls.until - 7200 + 7, cls.until, 15))    # firing to the end: still open
        orphan = list(range(cls.since + 3600 + 7, cls.since + 3600 + 1800, 15))  # half an hour
        data = openmetrics([
            ({**firing, "alertname": "HighErrorRate", "severity": "page"}, flaps),
            ({**firing, "alertname": "DiskFull", "instance": "db1"}, disk),
            ({**firing, "alertname": "Orphaned"}, orphan),
        ])
        om = os.path.join(cls.dir, "history.om")
        with open(om, "w") as f:
            f.write(data)
        os.makedirs(os.path.join(cls.prom, "data"))
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", om, os.path.join(cls.prom, "data")],
                       check=True, capture_output=True, timeout=120)
        subprocess.run(["bash", PROM_SH, "start", cls.prom], check=True, capture_output=True, timeout=60)
        cls.url = slurp(os.path.join(cls.prom, "url")).strip()

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["bash", PROM_SH, "stop", cls.prom], capture_output=True, timeout=30)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_intervals_from_a_recorded_history(self):
        rules = os.path.join(self.prom, "rules")
        src = (f'target prometheus "prom" {{ rules_dir = "{rules}" url = "{self.url}" }}\n\n'
               'alert "HighErrorRate" {\n  expr = "sum(rate(http_errors_total[5m])) > 1"\n'
               '  annotations = { summary = "errors" }\n}\n\n'
               'monitor host "DiskFull" { metric = "disk%" operator = ">" critical = 95 duration = 1m memo = "x" }\n')
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write(src)
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        args = ["alerts", "main.mon", "--format", "json", "--since", time.strftime(fmt, time.gmtime(self.since)),
                "--until", time.strftime(fmt, time.gmtime(self.until))]
        p = subprocess.run([os.environ["MONITORC"], *args], cwd=self.dir, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = json.loads(p.stdout)
        self.assertEqual(r["resolutionSeconds"], 15)
        rows = {m["name"]: m for m in r["monitors"]}
        self.assertEqual([m["name"] for m in r["monitors"]], ["HighErrorRate", "DiskFull", "Orphaned"])
        high, disk, orphan = rows["HighErrorRate"], rows["DiskFull"], rows["Orphaned"]
        self.assertEqual((high["fired"], high["selfClosedQuickly"], high["medianOpenSeconds"]), (6, 6, 15))
        self.assertEqual(high["source"], "main.mon:3:7")
        self.assertEqual((disk["fired"], disk["stillOpen"], disk["source"]), (1, 1, "main.mon:8:14"))
        self.assertEqual(disk["totalOpenSeconds"], 7200)
        self.assertEqual((orphan["fired"], orphan["inSource"], orphan["selfClosedQuickly"]), (1, False, 0))
        self.assertEqual(orphan["totalOpenSeconds"], 1800)


if __name__ == "__main__":
    unittest.main()
