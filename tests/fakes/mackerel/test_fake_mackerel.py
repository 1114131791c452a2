"""Tests for the fake Mackerel server: python3 -m unittest test_fake_mackerel

Starts fake_mackerel.py as a subprocess on port 0 and talks to it with urllib.
"""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "fake_mackerel.py")
KEY = "test-key-6d1f0c"


class FakeServer:
    """One fake_mackerel.py subprocess."""

    def __init__(self, state=None):
        self.tmp = tempfile.mkdtemp(prefix="fake-mackerel-")
        self.port_file = os.path.join(self.tmp, "port")
        cmd = [sys.executable, SERVER, "--port", "0", "--api-key", KEY,
               "--port-file", self.port_file]
        if state:
            cmd += ["--state", state]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.match(r"listening on 127\.0\.0\.1:(\d+)$", line.strip())
        if not match:
            self.stop()
            raise RuntimeError(f"server did not start: {line!r} {self.proc.stderr.read()}")
        self.port = int(match.group(1))

    def stop(self):
        """Stop our own child by its handle; return its stdout+stderr."""
        self.proc.terminate()
        out, err = self.proc.communicate(timeout=5)
        return (out or "") + (err or "")

    def call(self, method, path, body=None, key=KEY, timeout=5):
        """Return (status, headers, parsed JSON body)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        if key is not None:
            req.add_header("X-Api-Key", key)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.headers, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, e.headers, json.loads(e.read())


HOST = {"type": "host", "name": "load", "metric": "loadavg5", "operator": ">",
        "duration": 5, "warning": 4}
SERVICE = {"type": "service", "name": "4xx", "service": "Blog", "metric": "access.4xx",
           "operator": ">", "duration": 1, "critical": 100}
EXTERNAL = {"type": "external", "name": "top", "url": "https://example.com"}
EXPRESSION = {"type": "expression", "name": "avg", "operator": ">", "warning": 5,
              "expression": 'avg(roleSlots("svc:role","loadavg5"))'}
ANOMALY = {"type": "anomalyDetection", "name": "ad", "scopes": ["Svc: web"],
           "warningSensitivity": "normal"}
QUERY = {"type": "query", "name": "cpu", "query": "container.cpu.utilization",
         "operator": ">", "critical": 90}
DASHBOARD = {"title": "Web", "memo": "m", "urlPath": "web/overview", "widgets": [
    {"type": "markdown", "title": "", "markdown": "# Web",
     "layout": {"x": 0, "y": 0, "width": 24, "height": 2}},
    {"type": "graph", "title": "load", "layout": {"x": 0, "y": 2, "width": 12, "height": 8},
     "graph": {"type": "role", "roleFullname": "Web:app", "name": "loadavg5"}},
    {"type": "value", "title": "5xx", "layout": {"x": 12, "y": 2, "width": 6, "height": 4},
     "metric": {"type": "service", "serviceName": "Web", "name": "access.5xx"}},
    {"type": "alertStatus", "title": "app", "roleFullname": "Web:app",
     "layout": {"x": 18, "y": 2, "width": 6, "height": 4}}]}


def with_(base, **changes):
    out = {**base, **changes}
    return {k: v for k, v in out.items() if v is not DELETE}


DELETE = object()


class FakeMackerelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeServer()
        cls.call = staticmethod(cls.server.call)

    @classmethod
    def tearDownClass(cls):
        output = cls.server.stop()
        assert KEY not in output, "the API key was printed"

    def setUp(self):
        self.assertEqual(self.call("POST", "/_reset", key=None)[0], 200)

    def create(self, body, path="/api/v0/monitors"):
        status, _, obj = self.call("POST", path, body)
        self.assertEqual(status, 200, obj)
        return obj

    # ------------------------------------------------------------ auth

    def test_auth_required(self):
        for key in (None, "wrong"):
            status, _, obj = self.call("GET", "/api/v0/monitors", key=key)
            self.assertEqual(status, 403)
            self.assertIsInstance(obj["error"]["message"], str)
        self.assertEqual(self.call("POST", "/api/v0/dashboards", DASHBOARD, key="x")[0], 403)
        self.assertEqual(self.call("GET", "/api/v0/monitors")[0], 200)
        _, _, log = self.call("GET", "/_log", key=None)
        self.assertEqual([e["status"] for e in log], [403, 403, 403, 200])
        self.assertNotIn(KEY, json.dumps(log))

    # ------------------------------------------------------------ monitors

    def test_monitor_crud(self):
        created = self.create(HOST)
        mid = created["id"]
        self.assertRegex(mid, r"^[0-9A-Za-z]{11}$")
        self.assertEqual(created["name"], "load")

        status, _, got = self.call("GET", f"/api/v0/monitors/{mid}")
        self.assertEqual((status, got), (200, {"monitor": created}))

        status, _, listed = self.call("GET", "/api/v0/monitors")
        self.assertEqual(listed, {"monitors": [created]})

        status, _, updated = self.call("PUT", f"/api/v0/monitors/{mid}",
                                       with_(HOST, warning=6, id=mid))
        self.assertEqual(status, 200)
        self.assertEqual((updated["id"], updated["warning"]), (mid, 6))

        status, _, deleted = self.call("DELETE", f"/api/v0/monitors/{mid}")
        self.assertEqual((status, deleted), (200, updated))
        for method, body in (("GET", None), ("PUT", HOST), ("DELETE", None)):
            status, _, obj = self.call(method, f"/api/v0/monitors/{mid}", body)
            self.assertEqual(status, 404, method)
            self.assertIn("message", obj["error"])

    def test_defaults_echoed(self):
        host = self.create(with_(HOST, scopes=DELETE, unknownKey=1, dualstack="auto"))
        self.assertEqual((host["maxCheckAttempts"], host["isMute"]), (1, False))
        self.assertEqual((host["scopes"], host["excludeScopes"]), ([], []))
        self.assertNotIn("unknownKey", host)
        self.assertNotIn("dualstack", host)  # only external has dualstack

        conn = self.create({"type": "connectivity"})
        self.assertEqual(conn["name"], "connectivity")
        self.assertEqual(conn["alertStatusOnGone"], "CRITICAL")
        self.assertEqual((conn["scopes"], conn["excludeScopes"]), ([], []))

        ext = self.create(with_(EXTERNAL, dualstack="ipv6"))
        self.assertEqual((ext["method"], ext["headers"], ext["maxCheckAttempts"]), ("GET", [], 1))
        self.assertEqual(ext["dualstack"], "ipv6")

        self.assertEqual(self.create(ANOMALY)["maxCheckAttempts"], 3)
        self.assertEqual(self.create(SERVICE)["maxCheckAttempts"], 1)
        self.assertNotIn("evaluateBackwardMinutes", self.create(EXPRESSION))
        self.assertNotIn("evaluateBackwardMinutes", self.create(QUERY))
        self.assertEqual(self.create(with_(QUERY, name="q0", evaluateBackwardMinutes=0))
                         ["evaluateBackwardMinutes"], 0)

    def test_scope_normalisation(self):
        m = self.create(with_(HOST, scopes=["Blog:db", "Blog :  web", "Blog"],
                              excludeScopes=["Blog:db-backup"]))
        self.assertEqual(m["scopes"], ["Blog: db", "Blog: web", "Blog"])
        self.assertEqual(m["excludeScopes"], ["Blog: db-backup"])
        ad = self.create(with_(ANOMALY, scopes=["Svc:web"]))
        self.assertEqual(ad["scopes"], ["Svc: web"])

    def test_list_ordered_by_type_then_name(self):
        for body in (QUERY, with_(HOST, name="b"), ANOMALY, EXPRESSION, EXTERNAL,
                     SERVICE, {"type": "connectivity"}, with_(HOST, name="a")):
            self.create(body)
        _, _, listed = self.call("GET", "/api/v0/monitors")
        got = [(m["type"], m["name"]) for m in listed["monitors"]]
        self.assertEqual(got, [("host", "a"), ("host", "b"), ("connectivity", "connectivity"),
                               ("service", "4xx"), ("external", "top"), ("expression", "avg"),
                               ("anomalyDetection", "ad"), ("query", "cpu")])

    def test_put_semantics(self):
        conn = self.create({"type": "connectivity", "alertStatusOnGone": "WARNING",
                            "scopes": ["Blog"], "isMute": True})
        _, _, put = self.call("PUT", f"/api/v0/monitors/{conn['id']}", {"type": "connectivity"})
        self.assertEqual(put["alertStatusOnGone"], "WARNING")  # omitted: kept
        self.assertEqual(put["scopes"], [])                     # omitted: deleted
        self.assertIs(put["isMute"], False)                     # omitted: unmuted

        headers = [{"name": "X-A", "value": "1"}]
        ext = self.create(with_(EXTERNAL, headers=headers))
        path = f"/api/v0/monitors/{ext['id']}"
        self.assertEqual(self.call("PUT", path, EXTERNAL)[2]["headers"], headers)
        self.assertEqual(self.call("PUT", path, with_(EXTERNAL, headers=None))[2]["headers"], headers)
        self.assertEqual(self.call("PUT", path, with_(EXTERNAL, headers=[]))[2]["headers"], [])

        status, _, obj = self.call("PUT", path, HOST)
        self.assertEqual(status, 400)
        self.assertIn("type", obj["error"]["message"])

    def test_monitor_validation_400(self):
        cases = [
            ("type", {"name": "x"}),
            ("type", with_(HOST, type="check")),
            ("name", with_(HOST, name="")),
            ("name", with_(HOST, name=DELETE)),
            ("metric", with_(HOST, metric=DELETE)),
            ("operator", with_(HOST, operator=">=")),
            ("duration", with_(HOST, duration=11)),
            ("duration", with_(HOST, duration=0)),
            ("maxCheckAttempts", with_(HOST, maxCheckAttempts=11)),
            ("notificationInterval", with_(HOST, notificationInterval=5)),
            ("memo", with_(HOST, memo="m" * 2049)),
            ("warning", with_(HOST, metric="memory%", warning=101)),
            ("critical", with_(HOST, metric="container-cpu%", critical=-1)),
            ("scopes[0]", with_(HOST, scopes=["a:b:c"])),
            ("isMute", with_(HOST, isMute="yes")),
            ("missingDurationWarning", with_(SERVICE, missingDurationWarning=15)),
            ("missingDurationCritical", with_(SERVICE, missingDurationCritical=10090)),
            ("service", with_(SERVICE, service=DELETE)),
            ("url", with_(EXTERNAL, url="ftp://example.com")),
            ("method", with_(EXTERNAL, method="PATCH")),
            ("service", with_(EXTERNAL, responseTimeWarning=100, responseTimeDuration=3)),
            ("responseTimeDuration", with_(EXTERNAL, service="Blog", responseTimeCritical=100)),
            ("responseTimeDuration", with_(EXTERNAL, service="Blog", responseTimeWarning=1,
                                           responseTimeDuration=11)),
            ("dualstack", with_(EXTERNAL, dualstack="ipv5")),
            ("headers[0].name", with_(EXTERNAL, headers=[{"value": "x"}])),
            ("alertStatusOnGone", {"type": "connectivity", "alertStatusOnGone": "UNKNOWN"}),
            ("evaluateBackwardMinutes", with_(EXPRESSION, evaluateBackwardMinutes=1)),
            ("evaluateBackwardMinutes", with_(QUERY, evaluateBackwardMinutes=11)),
            ("expression", with_(EXPRESSION, expression=DELETE)),
            ("query", with_(QUERY, query="")),
            ("scopes", with_(ANOMALY, scopes=[])),
            ("Sensitivity", with_(ANOMALY, warningSensitivity=DELETE)),
            ("warningSensitivity", with_(ANOMALY, warningSensitivity="high")),
            ("trainingPeriodFrom", with_(ANOMALY, trainingPeriodFrom=int(time.time()) + 86400)),
        ]
        for field, body in cases:
            with self.subTest(field=field, body=body):
                status, _, obj = self.call("POST", "/api/v0/monitors", body)
                self.assertEqual(status, 400, obj)
                self.assertIn(field, obj["error"]["message"])
        self.assertEqual(self.call("GET", "/api/v0/monitors")[2], {"monitors": []})

    def test_bad_json_400(self):
        req = urllib.request.Request(f"http://127.0.0.1:{self.server.port}/api/v0/monitors",
                                     data=b"{not json", method="POST", headers={"X-Api-Key": KEY})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=5)
        self.assertEqual(cm.exception.code, 400)

    # ------------------------------------------------------------ dashboards

    def test_dashboard_crud(self):
        board = self.create(DASHBOARD, "/api/v0/dashboards")
        did = board["id"]
        self.assertIsInstance(board["createdAt"], int)
        self.assertLess(board["createdAt"], 10**11)  # seconds, not milliseconds
        graph, value = board["widgets"][1], board["widgets"][2]
        self.assertEqual(graph["referenceLines"], [])
        self.assertEqual(value["formatRules"], [])

        status, _, got = self.call("GET", f"/api/v0/dashboards/{did}")
        self.assertEqual((status, got), (200, board))  # bare, not wrapped

        _, _, listed = self.call("GET", "/api/v0/dashboards")
        self.assertEqual(len(listed["dashboards"]), 1)
        self.assertIsNone(listed["dashboards"][0]["widgets"])
        self.assertEqual(listed["dashboards"][0]["urlPath"], "web/overview")

        status, _, updated = self.call("PUT", f"/api/v0/dashboards/{did}",
                                       with_(board, title="Web 2", createdAt=1))
        self.assertEqual(status, 200)
        self.assertEqual((updated["title"], updated["createdAt"]), ("Web 2", board["createdAt"]))

        status, _, deleted = self.call("DELETE", f"/api/v0/dashboards/{did}")
        self.assertEqual((status, deleted), (200, updated))
        self.assertEqual(self.call("GET", f"/api/v0/dashboards/{did}")[0], 404)
        self.assertEqual(self.call("PUT", f"/api/v0/dashboards/{did}", DASHBOARD)[0], 404)

    def test_dashboard_duplicate_url_path_409(self):
        first = self.create(DASHBOARD, "/api/v0/dashboards")
        status, _, obj = self.call("POST", "/api/v0/dashboards", with_(DASHBOARD, title="Other"))
        self.assertEqual(status, 409)
        self.assertIn("urlPath", obj["error"]["message"])
        other = self.create(with_(DASHBOARD, urlPath="other"), "/api/v0/dashboards")
        self.assertEqual(self.call("PUT", f"/api/v0/dashboards/{other['id']}", DASHBOARD)[0], 409)
        # Re-saving a dashboard under its own urlPath is not a conflict.
        self.assertEqual(self.call("PUT", f"/api/v0/dashboards/{first['id']}", DASHBOARD)[0], 200)

    def test_dashboard_validation_400(self):
        graph = DASHBOARD["widgets"][1]
        value = DASHBOARD["widgets"][2]
        cases = [
            ("title", with_(DASHBOARD, title=DELETE)),
            ("title", with_(DASHBOARD, title="")),
            ("urlPath", with_(DASHBOARD, urlPath="/leading-slash")),
            ("urlPath", with_(DASHBOARD, urlPath="a b")),
            ("widgets[0].type", with_(DASHBOARD, widgets=[with_(graph, type="chart")])),
            ("widgets[0].layout.x", with_(DASHBOARD, widgets=[
                with_(graph, layout={"x": -1, "y": 0, "width": 6, "height": 6})])),
            ("widgets[0].layout.width", with_(DASHBOARD, widgets=[
                with_(graph, layout={"x": 0, "y": 0, "width": 6.5, "height": 6})])),
            ("widgets[0].referenceLines", with_(DASHBOARD, widgets=[with_(
                graph, referenceLines=[{"label": "a", "value": 1}, {"label": "b", "value": 2}])])),
            ("widgets[0].formatRules", with_(DASHBOARD, widgets=[with_(
                value, formatRules=[{"threshold": 1, "operator": ">"}] * 2)])),
            ("widgets[0].fractionSize", with_(DASHBOARD, widgets=[with_(value, fractionSize=17)])),
            ("widgets[0].graph.type", with_(DASHBOARD, widgets=[
                with_(graph, graph={"type": "unknown"})])),
        ]
        for field, body in cases:
            with self.subTest(field=field):
                status, _, obj = self.call("POST", "/api/v0/dashboards", body)
                self.assertEqual(status, 400, obj)
                self.assertIn(field, obj["error"]["message"])

    def test_dashboard_limit_403(self):
        seeded = [{"title": f"d{i}", "urlPath": f"d{i}", "memo": "", "widgets": []}
                  for i in range(100)]
        self.assertEqual(self.call("PUT", "/_state", {"dashboards": seeded}, key=None)[0], 200)
        self.assertEqual(self.call("POST", "/api/v0/dashboards", DASHBOARD)[0], 403)

    # ------------------------------------------------------------ faults

    def arm(self, **fault):
        status, _, obj = self.call("POST", "/_fault", fault, key=None)
        self.assertEqual(status, 200, obj)

    def test_fault_latency(self):
        self.arm(latency_ms=400)
        start = time.monotonic()
        self.assertEqual(self.call("GET", "/api/v0/monitors")[0], 200)
        self.assertEqual(self.call("GET", "/api/v0/monitors")[0], 200)
        self.assertGreaterEqual(time.monotonic() - start, 0.8)  # every request, not just one
        self.call("DELETE", "/_fault", key=None)
        start = time.monotonic()
        self.call("GET", "/api/v0/monitors")
        self.assertLess(time.monotonic() - start, 0.3)

    def test_fault_429_with_retry_after(self):
        self.arm(status=429, retry_after=7, count=2, methods=["POST"],
                 path_prefix="/api/v0/monitors")
        self.assertEqual(self.call("GET", "/api/v0/monitors")[0], 200)  # GET not matched
        for _ in range(2):
            status, headers, obj = self.call("POST", "/api/v0/monitors", HOST)
            self.assertEqual(status, 429)
            self.assertEqual(headers["Retry-After"], "7")
            self.assertIn("message", obj["error"])
        self.assertEqual(self.call("POST", "/api/v0/monitors", HOST)[0], 200)
        _, _, state = self.call("GET", "/_state", key=None)
        self.assertEqual(len(state["monitors"]), 1)  # the 429s created nothing

    def test_fault_500(self):
        self.arm(status=500, path_prefix="/api/v0/dashboards")
        self.assertEqual(self.call("POST", "/api/v0/monitors", HOST)[0], 200)
        self.assertEqual(self.call("POST", "/api/v0/dashboards", DASHBOARD)[0], 500)
        self.assertEqual(self.call("POST", "/api/v0/dashboards", DASHBOARD)[0], 200)

    def test_fault_drop_connection(self):
        self.arm(drop_connection=True, methods=["POST"])
        with self.assertRaises((urllib.error.URLError, http.client.HTTPException, ConnectionError)):
            self.call("POST", "/api/v0/monitors", HOST)
        _, _, state = self.call("GET", "/_state", key=None)
        self.assertEqual(state["monitors"], [])  # dropped before the operation
        _, _, log = self.call("GET", "/_log", key=None)
        self.assertEqual(log[-1]["fault"], "drop_connection")

    def test_fault_lose_response_after_commit(self):
        self.arm(lose_response_after_commit=True, methods=["POST"])
        with self.assertRaises((urllib.error.URLError, http.client.HTTPException, ConnectionError)):
            self.call("POST", "/api/v0/monitors", HOST)
        _, _, listed = self.call("GET", "/api/v0/monitors")
        self.assertEqual([m["name"] for m in listed["monitors"]], ["load"])  # it was created
        _, _, log = self.call("GET", "/_log", key=None)
        self.assertEqual(log[0], {"method": "POST", "path": "/api/v0/monitors",
                                  "status": 200, "fault": "lose_response_after_commit"})

    def test_fault_bad_spec_400(self):
        for spec in ({}, {"status": 200}, {"count": 0, "status": 500},
                     {"status": 500, "drop_connection": True}, {"bogus": 1}):
            with self.subTest(spec=spec):
                self.assertEqual(self.call("POST", "/_fault", spec, key=None)[0], 400)

    # ------------------------------------------------------------ HTTP behaviour

    def test_keep_alive_and_parallel_requests(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        for _ in range(3):
            conn.request("POST", "/api/v0/monitors", json.dumps(HOST), {"X-Api-Key": KEY})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            self.assertIsNotNone(resp.getheader("Content-Length"))
            resp.read()
            self.assertFalse(resp.will_close)
        conn.close()

        self.arm(latency_ms=300)
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            self.call("POST", "/api/v0/monitors", HOST)[0])) for _ in range(8)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [200] * 8)
        self.assertLess(time.monotonic() - start, 1.5)  # served concurrently
        _, _, state = self.call("GET", "/_state", key=None)
        self.assertEqual(len({m["id"] for m in state["monitors"]}), 11)

    # ------------------------------------------------------------ control API

    def test_seed_state(self):
        seed = {"monitors": [{"id": "seededHost1", **HOST}, {"type": "check", "name": "c"}],
                "dashboards": [{"title": "t", "urlPath": "t", "memo": "", "widgets": []}]}
        status, _, state = self.call("PUT", "/_state", seed, key=None)
        self.assertEqual(status, 200)
        self.assertEqual(state["monitors"][0]["id"], "seededHost1")
        self.assertEqual(self.call("GET", "/api/v0/monitors/seededHost1")[0], 200)
        _, _, listed = self.call("GET", "/api/v0/monitors")
        self.assertEqual([m["type"] for m in listed["monitors"]], ["host", "check"])
        self.assertEqual(self.call("POST", "/api/v0/dashboards", with_(DASHBOARD, urlPath="t"))[0], 409)

    def test_answers_kept_between_reads_follow_every_change(self):
        # GET answers are kept encoded until the store changes: each kind of change must show
        # in the next read of the same path.
        def names():
            return [m["name"] for m in self.call("GET", "/api/v0/monitors")[2]["monitors"]]

        self.assertEqual(names(), [])
        self.assertEqual(names(), [])
        created = self.create(HOST)
        self.assertEqual(names(), ["load"])
        self.call("PUT", f"/api/v0/monitors/{created['id']}", with_(HOST, name="load2"))
        self.assertEqual(names(), ["load2"])
        self.assertEqual(self.call("GET", f"/api/v0/monitors/{created['id']}")[2]["monitor"]["name"], "load2")
        self.call("DELETE", f"/api/v0/monitors/{created['id']}")
        self.assertEqual(names(), [])
        self.assertEqual(self.call("GET", f"/api/v0/monitors/{created['id']}")[0], 404)
        self.call("PUT", "/_state", {"monitors": [{"id": "seededHost1", **HOST}]}, key=None)
        self.assertEqual(names(), ["load"])
        board = self.create(DASHBOARD, "/api/v0/dashboards")
        self.assertEqual(self.call("GET", f"/api/v0/dashboards/{board['id']}")[2]["title"], "Web")
        self.call("PUT", f"/api/v0/dashboards/{board['id']}", with_(DASHBOARD, title="Web 2"))
        self.assertEqual(self.call("GET", f"/api/v0/dashboards/{board['id']}")[2]["title"], "Web 2")
        self.assertEqual([d["title"] for d in self.call("GET", "/api/v0/dashboards")[2]["dashboards"]], ["Web 2"])
        self.call("POST", "/_reset", key=None)
        self.assertEqual(names(), [])
        self.assertEqual(self.call("GET", "/api/v0/dashboards")[2], {"dashboards": []})

    # ------------------------------------------------------------ alerts

    def test_alert_pages(self):
        # 250 alerts, one a minute; every third still open.
        history = [{"id": "al%05d" % i, "status": "CRITICAL" if i % 3 == 0 else "OK", "monitorId": "m1",
                    "type": "host", "openedAt": 1700000000 + 60 * i} for i in range(250)]
        self.assertEqual(self.call("PUT", "/_state", {"alerts": history}, key=None)[0], 200)
        seen, next_id, pages = [], None, 0
        while True:
            path = "/api/v0/alerts?withClosed=true&limit=100" + ("&nextId=" + next_id if next_id else "")
            status, _, page = self.call("GET", path)
            self.assertEqual(status, 200, page)
            pages += 1
            seen += page["alerts"]
            next_id = page.get("nextId")
            if next_id is None:
                break
            self.assertEqual(next_id, page["alerts"][-1]["id"])
        self.assertEqual(pages, 3)
        self.assertEqual([a["id"] for a in seen], ["al%05d" % i for i in reversed(range(250))])  # newest first
        # Without withClosed only open alerts; the default limit is 100.
        _, _, page = self.call("GET", "/api/v0/alerts")
        self.assertEqual(len(page["alerts"]), 84)
        self.assertTrue(all(a["status"] != "OK" for a in page["alerts"]))
        self.assertNotIn("nextId", page)
        for bad in ("limit=0", "limit=101", "limit=x", "withClosed=yes", "nextId=nosuch"):
            status, _, obj = self.call("GET", "/api/v0/alerts?" + bad)
            self.assertEqual(status, 400, bad)
            self.assertIsInstance(obj["error"]["message"], str)
        self.assertEqual(self.call("GET", "/api/v0/alerts", key="wrong")[0], 403)


class StateFileTest(unittest.TestCase):
    def test_state_survives_restart(self):
        state = os.path.join(tempfile.mkdtemp(prefix="fake-mackerel-state-"), "state.json")
        server = FakeServer(state)
        try:
            status, _, monitor = server.call("POST", "/api/v0/monitors", HOST)
            self.assertEqual(status, 200)
            status, _, board = server.call("POST", "/api/v0/dashboards", DASHBOARD)
            self.assertEqual(status, 200)
        finally:
            server.stop()
        with open(state) as f:
            text = f.read()
        self.assertNotIn(KEY, text)
        self.assertEqual(json.loads(text)["monitors"], [monitor])

        server = FakeServer(state)
        try:
            self.assertEqual(server.call("GET", f"/api/v0/monitors/{monitor['id']}")[2],
                             {"monitor": monitor})
            self.assertEqual(server.call("GET", f"/api/v0/dashboards/{board['id']}")[2], board)
            server.call("DELETE", f"/api/v0/monitors/{monitor['id']}")
        finally:
            server.stop()
        with open(state) as f:
            self.assertEqual(json.load(f)["monitors"], [])


if __name__ == "__main__":
    unittest.main()
