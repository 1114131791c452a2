#!/usr/bin/env python3
"""Tests of fake_grafana.py: python3 -m unittest discover -s tests/fakes/grafana -v
(or python3 tests/fakes/grafana/test_fake_grafana.py). Starts the fake as a subprocess via its CLI."""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_grafana.py")
TOKEN = "glsa_test_secret_token_123"


def start_fake(*extra):
    """Start the fake on a free port; return (process, port, port_file)."""
    tmp = tempfile.mkdtemp(prefix="fake-grafana-")
    port_file = os.path.join(tmp, "port")
    proc = subprocess.Popen([sys.executable, FAKE, "--port", "0", "--port-file", port_file, "--quiet", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on 127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"unexpected first line {line!r}: {proc.stderr.read()}")
    return proc, int(line.rsplit(":", 1)[1]), port_file


class Client:
    def __init__(self, port, token=TOKEN):
        self.port, self.token = port, token

    def req(self, method, path, body=None, token="default", headers=None, raw=None, timeout=10):
        token = self.token if token == "default" else token
        h = {"Accept": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        if headers:
            h.update(headers)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            h["Content-Type"] = "application/json"
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            text = r.read().decode()
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = text
            return r.status, parsed, text
        finally:
            c.close()


def dashboard(uid, title, tags=(), version=None, **kw):
    d = {"uid": uid, "title": title, "tags": list(tags), "schemaVersion": 41,
         "templating": {"list": []}, "annotations": {"list": []}, "panels": []}
    if version is not None:
        d["version"] = version
    d.update(kw)
    return d


def rule(uid="monitorc-high-err", title="High error rate", folder="monitorc", group="monitorc-web", **kw):
    r = {
        "uid": uid, "title": title, "ruleGroup": group, "folderUID": folder, "orgID": 1,
        "condition": "C", "for": "10m", "noDataState": "NoData", "execErrState": "Error",
        "labels": {"severity": "critical", "managed_by": "monitorc"},
        "annotations": {"summary": "Error ratio above 5%"},
        "data": [
            {"refId": "A", "queryType": "", "relativeTimeRange": {"from": 600, "to": 0},
             "datasourceUid": "prom-main", "model": {"refId": "A", "instant": True, "expr": "sum(rate(x[5m]))"}},
            {"refId": "B", "datasourceUid": "__expr__",
             "model": {"refId": "B", "type": "reduce", "expression": "A", "reducer": "last"}},
            {"refId": "C", "datasourceUid": "__expr__",
             "model": {"refId": "C", "type": "threshold", "expression": "B",
                       "conditions": [{"evaluator": {"type": "gt", "params": [0.05]}}]}},
        ],
    }
    r.update(kw)
    return r


class FakeGrafanaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc, cls.port, cls.port_file = start_fake("--token", TOKEN, "--datasource", "prom-main")
        cls.c = Client(cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(5)
        cls.proc.stdout.close()
        cls.proc.stderr.close()

    def setUp(self):
        status, _, _ = self.c.req("POST", "/_reset", token=None)
        self.assertEqual(status, 200)

    def folder(self, uid="monitorc", title=None):
        s, b, _ = self.c.req("POST", "/api/folders", {"uid": uid, "title": title or uid})
        self.assertEqual(s, 200, b)
        return b

    def save(self, dash, folder="monitorc", overwrite=False, **kw):
        body = {"dashboard": dash, "overwrite": overwrite, "message": "monitorc apply"}
        if folder is not None:
            body["folderUid"] = folder
        body.update(kw)
        return self.c.req("POST", "/api/dashboards/db", body)

    # ------------------------------------------------------------------ CLI and auth

    def test_cli_port_file_and_listening_line(self):
        with open(self.port_file) as f:
            self.assertEqual(f.read(), f"{self.port}\n")
        with socket.create_connection(("127.0.0.1", self.port), timeout=2):
            pass

    def test_auth_missing_and_wrong_token(self):
        s, b, _ = self.c.req("GET", "/api/search", token=None)
        self.assertEqual((s, b["message"], b["messageId"]), (401, "Unauthorized", "auth.unauthorized"))
        s, b, _ = self.c.req("GET", "/api/search", token="wrong")
        self.assertEqual((s, b["message"], b["messageId"]), (401, "Invalid API key", "api-key.invalid"))
        s, b, _ = self.c.req("GET", "/api/search", headers={"Authorization": "Basic YWRtaW46YWRtaW4="}, token=None)
        self.assertEqual(s, 401)
        s, b, _ = self.c.req("GET", "/api/search")
        self.assertEqual((s, b), (200, []))
        # unknown API paths are behind auth too, then 404
        self.assertEqual(self.c.req("GET", "/api/nope", token=None)[0], 401)
        s, b, _ = self.c.req("GET", "/api/nope")
        self.assertEqual((s, b), (404, {"message": "Not found"}))

    def test_health_and_control_api_need_no_auth(self):
        s, b, _ = self.c.req("GET", "/api/health", token=None)
        self.assertEqual((s, b["database"]), (200, "ok"))
        for path in ("/_state", "/_log", "/_fault"):
            self.assertEqual(self.c.req("GET", path, token=None)[0], 200, path)

    def test_log_never_contains_the_token(self):
        self.c.req("GET", "/api/search?tag=monitorc")
        self.c.req("GET", "/api/search?api_key=" + TOKEN)
        self.c.req("GET", "/api/search", token="wrong-" + TOKEN)
        s, log, raw = self.c.req("GET", "/_log", token=None)
        self.assertEqual(s, 200)
        self.assertNotIn(TOKEN, raw)
        self.assertEqual([(e["method"], e["path"], e["status"]) for e in log],
                         [("GET", "/api/search?tag=monitorc", 200), ("GET", "/api/search?api_key=REDACTED", 200),
                          ("GET", "/api/search", 401)])
        _, state_raw = self.c.req("GET", "/_state", token=None)[1:]
        self.assertNotIn(TOKEN, state_raw)

    # ------------------------------------------------------------------ dashboards

    def test_create_get_update_delete(self):
        self.folder()
        s, b, _ = self.save(dashboard("web", "monitorc: web overview", ["monitorc"]))
        self.assertEqual(s, 200, b)
        self.assertEqual({k: b[k] for k in ("uid", "status", "version", "slug", "url", "folderUid")},
                         {"uid": "web", "status": "success", "version": 1, "slug": "monitorc-web-overview",
                          "url": "/d/web/monitorc-web-overview", "folderUid": "monitorc"})
        self.assertIsInstance(b["id"], int)
        s, g, _ = self.c.req("GET", "/api/dashboards/uid/web")
        self.assertEqual(s, 200)
        self.assertEqual((g["dashboard"]["version"], g["dashboard"]["id"], g["dashboard"]["uid"]), (1, b["id"], "web"))
        self.assertEqual((g["meta"]["folderUid"], g["meta"]["folderTitle"], g["meta"]["version"]),
                         ("monitorc", "monitorc", 1))
        self.assertEqual(g["dashboard"]["panels"], [])
        # update with the current version -> 2
        s, b2, _ = self.save(dashboard("web", "monitorc: web overview", ["monitorc"], version=1))
        self.assertEqual((s, b2["version"], b2["id"]), (200, 2, b["id"]))
        # delete, then 404
        s, d, _ = self.c.req("DELETE", "/api/dashboards/uid/web")
        self.assertEqual((s, d["title"], d["uid"]), (200, "monitorc: web overview", "web"))
        self.assertEqual(d["message"], "Dashboard monitorc: web overview deleted")
        self.assertEqual(self.c.req("GET", "/api/dashboards/uid/web")[:2], (404, {"message": "Dashboard not found"}))
        self.assertEqual(self.c.req("DELETE", "/api/dashboards/uid/web")[0], 404)

    def test_version_conflict(self):
        self.folder()
        self.assertEqual(self.save(dashboard("web", "Web"))[0], 200)
        self.assertEqual(self.save(dashboard("web", "Web", version=1))[0], 200)   # -> 2
        stale = self.save(dashboard("web", "Web", version=1))
        self.assertEqual(stale[:2], (412, {"status": "version-mismatch",
                                           "message": "The dashboard has been changed by someone else"}))
        # no version at all (== 0) is stale too unless overwrite
        self.assertEqual(self.save(dashboard("web", "Web"))[0], 412)
        s, b, _ = self.save(dashboard("web", "Web", version=1), overwrite=True)
        self.assertEqual((s, b["version"]), (200, 3))
        # a new dashboard starts at version 1 whatever version is sent
        s, b, _ = self.save(dashboard("new", "New", version=7))
        self.assertEqual((s, b["version"]), (200, 1))

    def test_name_exists(self):
        self.folder()
        self.folder("other")
        self.assertEqual(self.save(dashboard("a", "Same title"))[0], 200)
        s, b, _ = self.save(dashboard("b", "Same title"))
        self.assertEqual((s, b["status"]), (412, "name-exists"))
        self.assertEqual(b["message"], "A dashboard with the same name in the folder already exists")
        # same title in another folder, or in the root, is fine
        self.assertEqual(self.save(dashboard("b", "Same title"), folder="other")[0], 200)
        self.assertEqual(self.save(dashboard("c", "Same title"), folder=None)[0], 200)
        # overwrite=true replaces the clashing dashboard and takes over ITS uid (a Grafana trap)
        s, b, _ = self.save(dashboard("d", "Same title"), folder="other", overwrite=True)
        self.assertEqual((s, b["uid"], b["version"]), (200, "b", 2))
        self.assertEqual(self.c.req("GET", "/api/dashboards/uid/d")[0], 404)

    def test_dashboard_validation(self):
        self.folder()
        s, b, _ = self.save(dashboard("web", ""))
        self.assertEqual((s, b), (400, {"status": "empty-name", "message": "Dashboard title cannot be empty"}))
        self.assertEqual(self.save(dashboard("web", "   "))[0], 400)
        s, b, _ = self.save(dashboard("x" * 41, "Long uid"))
        self.assertEqual((s, b["message"]), (400, "uid too long, max 40 characters"))
        s, b, _ = self.save(dashboard("bad uid!", "Bad uid"))
        self.assertEqual((s, b["message"]), (400, "uid contains illegal characters"))
        s, b, _ = self.save(dashboard("web", "Web"), folder="no-such-folder")
        self.assertEqual((s, b["message"]), (400, "folder not found"))
        s, b, _ = self.c.req("POST", "/api/dashboards/db", raw=b"{not json")
        self.assertEqual((s, b), (400, {"message": "bad request data"}))
        s, b, _ = self.c.req("POST", "/api/dashboards/db", {"folderUid": "monitorc"})
        self.assertEqual(s, 400)
        s, b, _ = self.save(dashboard("web", "Web", id=999))
        self.assertEqual((s, b["status"]), (404, "not-found"))

    def test_generated_uid_and_move_to_root_without_folder_uid(self):
        self.folder()
        s, b, _ = self.save(dict(dashboard("", "No uid"), uid=None))
        self.assertEqual(s, 200)
        self.assertTrue(1 <= len(b["uid"]) <= 40)
        uid = b["uid"]
        # update without folderUid: Grafana moves the dashboard to the root (General)
        s, b, _ = self.save(dashboard(uid, "No uid", version=1), folder=None)
        self.assertEqual((s, b["folderUid"]), (200, ""))
        meta = self.c.req("GET", f"/api/dashboards/uid/{uid}")[1]["meta"]
        self.assertEqual((meta["folderUid"], meta["folderTitle"], meta["folderId"]), ("", "General", 0))

    def test_search(self):
        self.folder()
        self.folder("team", "Team")
        self.save(dashboard("b", "Beta", ["monitorc", "web"]))
        self.save(dashboard("a", "alpha", ["monitorc"]), folder="team")
        self.save(dashboard("c", "Gamma", ["other"]), folder=None)
        _, hits, _ = self.c.req("GET", "/api/search?type=dash-db&tag=monitorc")
        self.assertEqual([h["uid"] for h in hits], ["a", "b"])            # sorted by title, case-insensitive
        self.assertEqual({k: hits[1][k] for k in ("type", "tags", "folderUid", "folderTitle", "url")},
                         {"type": "dash-db", "tags": ["monitorc", "web"], "folderUid": "monitorc",
                          "folderTitle": "monitorc", "url": "/d/b/beta"})
        _, hits, _ = self.c.req("GET", "/api/search?type=dash-db&tag=monitorc&tag=web")   # tags are ANDed
        self.assertEqual([h["uid"] for h in hits], ["b"])
        _, hits, _ = self.c.req("GET", "/api/search?type=dash-db&tag=nope")
        self.assertEqual(hits, [])
        _, hits, _ = self.c.req("GET", "/api/search?type=dash-db&folderUIDs=team")
        self.assertEqual([h["uid"] for h in hits], ["a"])
        _, hits, _ = self.c.req("GET", "/api/search?query=GAM")
        self.assertEqual([h["uid"] for h in hits], ["c"])
        self.assertNotIn("folderUid", hits[0])                              # root dashboards have no folder keys
        _, hits, _ = self.c.req("GET", "/api/search?type=dash-folder")
        self.assertEqual([(h["uid"], h["type"]) for h in hits], [("monitorc", "dash-folder"), ("team", "dash-folder")])
        _, hits, _ = self.c.req("GET", "/api/search")
        self.assertEqual(len(hits), 5)
        _, p1, _ = self.c.req("GET", "/api/search?type=dash-db&limit=2&page=1")
        _, p2, _ = self.c.req("GET", "/api/search?type=dash-db&limit=2&page=2")
        self.assertEqual([h["uid"] for h in p1 + p2], ["a", "b", "c"])

    def test_folders(self):
        f = self.folder("monitorc", "monitorc")
        self.assertEqual((f["uid"], f["title"], f["version"], f["url"]),
                         ("monitorc", "monitorc", 1, "/dashboards/f/monitorc/monitorc"))
        s, b, _ = self.c.req("POST", "/api/folders", {"uid": "monitorc", "title": "again"})
        self.assertEqual(s, 409)
        s, b, _ = self.c.req("POST", "/api/folders", {"uid": "x", "title": ""})
        self.assertEqual((s, b["message"]), (400, "folder title cannot be empty"))
        s, lst, _ = self.c.req("GET", "/api/folders")
        self.assertEqual(lst, [{"id": f["id"], "uid": "monitorc", "title": "monitorc"}])
        self.assertEqual(self.c.req("GET", "/api/folders/monitorc")[1]["title"], "monitorc")
        self.assertEqual(self.c.req("GET", "/api/folders/nope")[:2], (404, {"message": "folder not found"}))
        s, b, _ = self.c.req("PUT", "/api/folders/monitorc", {"title": "renamed", "version": 5})
        self.assertEqual((s, b["status"]), (412, "version-mismatch"))
        s, b, _ = self.c.req("PUT", "/api/folders/monitorc", {"title": "renamed", "version": 1})
        self.assertEqual((s, b["version"], b["title"]), (200, 2, "renamed"))
        self.save(dashboard("web", "Web"))
        s, b, _ = self.c.req("DELETE", "/api/folders/monitorc")
        self.assertEqual((s, b["message"]), (200, "Folder deleted"))
        self.assertEqual(self.c.req("GET", "/api/dashboards/uid/web")[0], 404)   # went with its folder

    # ------------------------------------------------------------------ alert rules

    def test_alert_rule_crud_and_provenance(self):
        self.folder()
        s, b, _ = self.c.req("POST", "/api/v1/provisioning/alert-rules", rule())
        self.assertEqual(s, 201, b)
        self.assertEqual((b["uid"], b["provenance"], b["for"], b["orgID"]), ("monitorc-high-err", "api", "10m", 1))
        self.assertIn("id", b)
        self.assertIn("updated", b)
        # Grafana adds intervalMs / maxDataPoints to data-source query models (a diff trap)
        self.assertEqual((b["data"][0]["model"]["intervalMs"], b["data"][0]["model"]["maxDataPoints"]), (1000, 43200))
        self.assertNotIn("intervalMs", b["data"][1]["model"])
        s, g, _ = self.c.req("GET", "/api/v1/provisioning/alert-rules/monitorc-high-err")
        self.assertEqual((s, g), (200, b))
        s, lst, _ = self.c.req("GET", "/api/v1/provisioning/alert-rules")
        self.assertEqual((s, [r["uid"] for r in lst]), (200, ["monitorc-high-err"]))
        # duplicate uid
        self.assertEqual(self.c.req("POST", "/api/v1/provisioning/alert-rules", rule(title="x"))[0], 409)
        # PUT: durations come back normalised ("300s" -> "5m")
        s, u, _ = self.c.req("PUT", "/api/v1/provisioning/alert-rules/monitorc-high-err",
                             rule(uid="ignored-in-body", title="High error rate!", **{"for": "300s"}))
        self.assertEqual((s, u["uid"], u["title"], u["for"], u["provenance"]),
                         (200, "monitorc-high-err", "High error rate!", "5m", "api"))
        # changing an api-provisioned rule with X-Disable-Provenance: 409 provenance mismatch
        s, e, _ = self.c.req("PUT", "/api/v1/provisioning/alert-rules/monitorc-high-err", rule(),
                             headers={"X-Disable-Provenance": "true"})
        self.assertEqual((s, e["messageId"]), (409, "alerting.provenanceMismatch"))
        self.assertEqual(e["message"], "cannot update with provided provenance '', needs 'api'")
        s, e, _ = self.c.req("DELETE", "/api/v1/provisioning/alert-rules/monitorc-high-err",
                             headers={"X-Disable-Provenance": "true"})
        self.assertEqual(s, 409)
        # delete -> 204 empty, then GET/PUT 404 with an empty body; DELETE again 204 (idempotent)
        s, b, raw = self.c.req("DELETE", "/api/v1/provisioning/alert-rules/monitorc-high-err")
        self.assertEqual((s, raw), (204, ""))
        self.assertEqual(self.c.req("GET", "/api/v1/provisioning/alert-rules/monitorc-high-err")[::2], (404, ""))
        self.assertEqual(self.c.req("PUT", "/api/v1/provisioning/alert-rules/monitorc-high-err", rule())[::2],
                         (404, ""))
        self.assertEqual(self.c.req("DELETE", "/api/v1/provisioning/alert-rules/monitorc-high-err")[0], 204)
        self.assertEqual(self.c.req("GET", "/api/v1/provisioning/alert-rules")[1], [])

    def test_disable_provenance(self):
        self.folder()
        s, b, _ = self.c.req("POST", "/api/v1/provisioning/alert-rules", rule(),
                             headers={"X-Disable-Provenance": "true"})
        self.assertEqual(s, 201)
        self.assertNotIn("provenance", b)          # omitempty: a rule editable in the UI has no key
        g = self.c.req("GET", "/api/v1/provisioning/alert-rules/monitorc-high-err")[1]
        self.assertNotIn("provenance", g)
        state = self.c.req("GET", "/_state", token=None)[1]
        self.assertEqual(state["alertRules"][0]["provenance"], "")
        # a rule with no provenance may be taken over by the API (-> "api")
        s, u, _ = self.c.req("PUT", "/api/v1/provisioning/alert-rules/monitorc-high-err", rule())
        self.assertEqual((s, u["provenance"]), (200, "api"))
        log = [e for e in self.c.req("GET", "/_log", token=None)[1] if "alert-rules" in e["path"]]
        self.assertEqual([(e["method"], e.get("disable_provenance", False)) for e in log],
                         [("POST", True), ("GET", False), ("PUT", False)])

    def test_alert_rule_validation(self):
        self.folder()
        post = lambda r, **kw: self.c.req("POST", "/api/v1/provisioning/alert-rules", r, **kw)
        cases = [
            (rule(title=""), 400, "invalid alert rule: title is empty"),
            (rule(ruleGroup=""), 400, "invalid alert rule: rule group name is empty"),
            (rule(folderUID=""), 400, "invalid alert rule: folderUID is empty"),
            (rule(folderUID="nope"), 400, "invalid alert rule: folder does not exist"),
            (rule(data=[]), 400, "invalid alert rule: no queries or expressions are found"),
            (rule(noDataState="Nope"), 400, "invalid alert rule: unknown NoData state option Nope"),
            (rule(execErrState=None), 400, "invalid alert rule: unknown Error state option "),
            (rule(**{"for": "10 minutes"}), 400, "bad request data"),
            (rule(**{"for": 600}), 400, "bad request data"),
            (rule(uid="bad uid"), 400, None),
            (rule(condition="D"), 400, "Condition D does not exist, must be one of [A B C]"),
        ]
        for body, status, message in cases:
            s, b, _ = post(body)
            self.assertEqual(s, status, (body.get("title"), b))
            if message is not None:
                self.assertEqual(b["message"], message)
        bad_range = rule()
        bad_range["data"][0]["relativeTimeRange"] = {"from": 0, "to": 0}
        s, b, _ = post(bad_range)
        self.assertEqual((s, b["messageId"]), (400, "alerting.alert-rule.invalidRelativeTime"))
        unknown_ds = rule()
        unknown_ds["data"][0]["datasourceUid"] = "no-such-ds"
        self.assertEqual(post(unknown_ds)[0], 400)
        self.assertEqual(post(None, raw=b"[")[0], 400)
        # for "0" and a missing for are both 0s; uid may be omitted (generated)
        s, b, _ = post(rule(uid=None, **{"for": "0"}))
        self.assertEqual((s, b["for"]), (201, "0s"))
        self.assertTrue(b["uid"])
        # same title in the same folder is a conflict
        s, b, _ = post(rule(uid="other", **{"for": "0"}))
        self.assertEqual(s, 400)
        self.assertIn("rule title under the same organisation and folder should be unique", b["message"])
        self.assertEqual(len(self.c.req("GET", "/api/v1/provisioning/alert-rules")[1]), 1)

    def test_rule_group_put_replaces_the_group(self):
        self.folder()
        self.c.req("POST", "/api/v1/provisioning/alert-rules", rule(uid="old", title="Old"))
        self.assertEqual(self.c.req("GET", "/api/v1/provisioning/folder/monitorc/rule-groups/monitorc-web")[1]
                         ["interval"], 60)
        body = {"title": "monitorc-web", "folderUid": "monitorc", "interval": 30,
                "rules": [rule(uid="r1", title="One"), rule(uid="r2", title="Two")]}
        s, b, _ = self.c.req("PUT", "/api/v1/provisioning/folder/monitorc/rule-groups/monitorc-web", body)
        self.assertEqual((s, b["interval"], [r["uid"] for r in b["rules"]]), (200, 30, ["r1", "r2"]))
        s, g, _ = self.c.req("GET", "/api/v1/provisioning/folder/monitorc/rule-groups/monitorc-web")
        self.assertEqual((g["interval"], [r["uid"] for r in g["rules"]]), (30, ["r1", "r2"]))
        self.assertEqual(self.c.req("GET", "/api/v1/provisioning/alert-rules/old")[0], 404)
        s, b, _ = self.c.req("PUT", "/api/v1/provisioning/folder/monitorc/rule-groups/monitorc-web",
                             dict(body, interval=15))
        self.assertEqual(s, 400)
        self.assertIn("divided exactly by scheduler interval: 10", b["message"])
        self.assertEqual(self.c.req("GET", "/api/v1/provisioning/folder/monitorc/rule-groups/nope")[0], 404)

    # ------------------------------------------------------------------ faults

    def test_fault_status_count_and_filter(self):
        s, b, _ = self.c.req("POST", "/_fault", {"status": 503, "count": 2, "path": "/api/search",
                                                 "body": {"message": "down"}}, token=None)
        self.assertEqual(s, 200)
        self.assertEqual(self.c.req("GET", "/api/folders")[0], 200)        # other path: unaffected
        self.assertEqual(self.c.req("GET", "/api/search")[:2], (503, {"message": "down"}))
        self.assertEqual(self.c.req("GET", "/api/search", token=None)[0], 503)   # before auth, like a proxy
        self.assertEqual(self.c.req("GET", "/api/search")[0], 200)          # count used up
        log = self.c.req("GET", "/_log", token=None)[1]
        self.assertEqual([(e["status"], e.get("fault", False)) for e in log],
                         [(200, False), (503, True), (503, True), (200, False)])
        # method filter, unlimited count, DELETE /_fault clears
        self.c.req("POST", "/_fault", {"status": 500, "method": "POST", "count": None}, token=None)
        self.assertEqual(self.c.req("GET", "/api/search")[0], 200)
        for _ in range(3):
            self.assertEqual(self.c.req("POST", "/api/folders", {"title": "x"})[0], 500)
        self.assertEqual(self.c.req("DELETE", "/_fault", token=None)[1], {"faults": []})
        self.assertEqual(self.c.req("POST", "/api/folders", {"title": "x"})[0], 200)
        self.assertEqual(self.c.req("POST", "/_fault", {"status": 99}, token=None)[0], 400)

    def test_fault_latency_and_drop(self):
        self.c.req("POST", "/_fault", {"latency_ms": 300, "path": "/api/search"}, token=None)
        t = time.monotonic()
        s = self.c.req("GET", "/api/search")[0]
        self.assertEqual(s, 200)   # latency only: the real answer, late
        self.assertGreaterEqual(time.monotonic() - t, 0.29)
        self.c.req("POST", "/_fault", {"drop": True}, token=None)
        with self.assertRaises((http.client.HTTPException, ConnectionError, OSError)):
            self.c.req("GET", "/api/search")
        self.assertEqual(self.c.req("GET", "/api/search")[0], 200)
        # a timeout the client sees: latency longer than its timeout
        self.c.req("POST", "/_fault", {"latency_ms": 1500, "status": 200}, token=None)
        with self.assertRaises(socket.timeout):
            self.c.req("GET", "/api/search", timeout=0.3)

    def test_concurrent_saves_are_serialised(self):
        self.folder()
        results = []

        def worker(i):
            results.append(self.save(dashboard(f"d{i}", f"Dash {i}", ["load"]))[0])

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [200] * 20)
        hits = self.c.req("GET", "/api/search?tag=load&limit=100")[1]
        self.assertEqual(len({h["id"] for h in hits}), 20)

    def test_state_and_reset(self):
        self.folder()
        self.save(dashboard("web", "Web", ["monitorc"]))
        st = self.c.req("GET", "/_state", token=None)[1]
        self.assertEqual([d["uid"] for d in st["dashboards"]], ["web"])
        self.assertEqual(st["dashboards"][0]["message"], "monitorc apply")
        self.assertEqual(self.c.req("POST", "/_reset", token=None)[0], 200)
        st = self.c.req("GET", "/_state", token=None)[1]
        self.assertEqual((st["dashboards"], st["folders"], st["alertRules"]), ([], [], []))

    # ---------------- notification resources (fake_routing.py)

    CP = "/api/v1/provisioning/contact-points"
    NOPROV = {"X-Disable-Provenance": "true"}

    def contact_point(self, name="ops", uid="cp-ops", url="https://hooks.slack.test/secret-path"):
        st, body, _ = self.c.req("POST", self.CP, {"uid": uid, "name": name, "type": "slack",
                                                   "settings": {"url": url, "recipient": "#ops"}}, headers=self.NOPROV)
        self.assertEqual(st, 202, body)
        return body

    def test_contact_point_secrets_are_redacted_and_kept_on_update(self):
        created = self.contact_point()
        self.assertEqual(created["settings"]["url"], "[REDACTED]")
        st, listed, text = self.c.req("GET", self.CP)
        self.assertEqual(st, 200)
        self.assertNotIn("secret-path", text)
        self.assertEqual(sorted(c["name"] for c in listed), ["grafana-default-email", "ops"])
        # An update without the secret (or with it redacted) keeps the stored one.
        st, _, _ = self.c.req("PUT", self.CP + "/cp-ops", {"name": "ops", "type": "slack",
                                                           "settings": {"recipient": "#ops2", "url": "[REDACTED]"}},
                              headers=self.NOPROV)
        self.assertEqual(st, 202)
        state = self.c.req("GET", "/_state", token=None)[1]
        stored = [c for c in state["contactPoints"] if c["uid"] == "cp-ops"][0]
        self.assertEqual(stored["settings"], {"recipient": "#ops2", "url": "https://hooks.slack.test/secret-path"})
        self.assertEqual(self.c.req("PUT", self.CP + "/nope", {"name": "x", "type": "slack", "settings": {"url": "u"}})[0], 404)

    def test_contact_point_validation(self):
        for bad in ({"name": "", "type": "slack", "settings": {"url": "u"}},
                    {"name": "x", "type": "carrier-pigeon", "settings": {}},
                    {"name": "x", "type": "email", "settings": {}},
                    {"name": "x", "type": "slack", "settings": {"recipient": "#x"}},
                    {"name": "x", "uid": "bad uid!", "type": "webhook", "settings": {"url": "u"}}):
            st, body, _ = self.c.req("POST", self.CP, bad)
            self.assertEqual(st, 400, bad)
            self.assertIn("message", body)
        self.contact_point()
        self.assertEqual(self.c.req("POST", self.CP, {"uid": "cp-ops", "name": "y", "type": "webhook",
                                                      "settings": {"url": "u"}})[0], 400)

    def test_policies_validate_names_and_block_deletes_in_use(self):
        self.contact_point()
        st, tree, _ = self.c.req("GET", "/api/v1/provisioning/policies")
        self.assertEqual((st, tree["receiver"]), (200, "grafana-default-email"))
        mt = {"name": "nights", "time_intervals": [{"times": [{"start_time": "22:00", "end_time": "24:00"}],
                                                    "weekdays": ["monday:friday"], "location": "Asia/Tokyo"}]}
        self.assertEqual(self.c.req("POST", "/api/v1/provisioning/mute-timings", mt, headers=self.NOPROV)[0], 201)
        self.assertEqual(self.c.req("POST", "/api/v1/provisioning/mute-timings", mt)[0], 409)
        policy = {"receiver": "grafana-default-email", "routes": [
            {"receiver": "ops", "object_matchers": [["severity", "=", "critical"], ["team", "!=", "web"],
                                                    ["service", "=~", "shop|blog"]],
             "continue": True, "group_by": ["..."], "mute_time_intervals": ["nights"]}]}
        self.assertEqual(self.c.req("PUT", "/api/v1/provisioning/policies", policy, headers=self.NOPROV)[0], 202)
        for bad in ({"receiver": "nobody"},
                    {"receiver": "ops", "object_matchers": [["a", "=", "b"]]},
                    {"receiver": "ops", "routes": [{"receiver": "ops", "object_matchers": [["a", "~", "b"]]}]},
                    {"receiver": "ops", "routes": [{"receiver": "ops", "mute_time_intervals": ["unknown"]}]},
                    {"receiver": "ops", "routes": [{"receiver": "ops", "group_wait": "soon"}]}):
            st, body, _ = self.c.req("PUT", "/api/v1/provisioning/policies", bad)
            self.assertEqual(st, 400, bad)
        self.assertEqual(self.c.req("GET", "/api/v1/provisioning/policies")[1]["routes"][0]["receiver"], "ops")
        # In use: neither the contact point nor the mute timing can go.
        self.assertEqual(self.c.req("DELETE", self.CP + "/cp-ops")[0], 409)
        self.assertEqual(self.c.req("DELETE", "/api/v1/provisioning/mute-timings/nights")[0], 409)
        # Reset: the default tree; then both can be deleted.
        self.assertEqual(self.c.req("DELETE", "/api/v1/provisioning/policies")[0], 202)
        self.assertNotIn("routes", self.c.req("GET", "/api/v1/provisioning/policies")[1])
        self.assertEqual(self.c.req("DELETE", self.CP + "/cp-ops")[0], 202)
        self.assertEqual(self.c.req("DELETE", "/api/v1/provisioning/mute-timings/nights")[0], 204)
        self.assertEqual(self.c.req("GET", "/api/v1/provisioning/mute-timings/nights")[0], 404)

    def test_mute_timing_validation_and_update(self):
        base = "/api/v1/provisioning/mute-timings"
        for spans in ([{"times": [{"start_time": "10:00", "end_time": "09:00"}]}],
                      [{"weekdays": ["funday"]}], [{"months": ["13"]}], [{"days_of_month": ["32"]}],
                      [{"location": "Mars/Olympus"}]):
            self.assertEqual(self.c.req("POST", base, {"name": "w", "time_intervals": spans})[0], 400, spans)
        one_off = {"name": "upgrade [monitorc]", "time_intervals": [
            {"times": [{"start_time": "23:00", "end_time": "24:00"}], "days_of_month": ["30"], "months": ["december"],
             "years": ["2026"], "location": "Asia/Tokyo"}]}
        self.assertEqual(self.c.req("POST", base, one_off, headers=self.NOPROV)[0], 201)
        path = base + "/upgrade%20%5Bmonitorc%5D"
        one_off["time_intervals"][0]["times"][0]["start_time"] = "22:00"
        self.assertEqual(self.c.req("PUT", path, one_off, headers=self.NOPROV)[0], 202)
        self.assertEqual(self.c.req("GET", path)[1]["time_intervals"][0]["times"][0]["start_time"], "22:00")
        self.assertEqual(self.c.req("PUT", base + "/missing", dict(one_off, name="missing"))[0], 404)
        # Written without X-Disable-Provenance: provenance "api", and then a provenance-less change is refused.
        self.assertEqual(self.c.req("POST", base, {"name": "api-made", "time_intervals": []})[0], 201)
        self.assertEqual(self.c.req("GET", base + "/api-made")[1]["provenance"], "api")
        self.assertEqual(self.c.req("DELETE", base + "/api-made", headers=self.NOPROV)[0], 409)


class NoAuthModeTest(unittest.TestCase):
    def test_without_token_everything_is_accepted(self):
        proc, port, _ = start_fake("--allow-duplicate-titles")
        try:
            c = Client(port, token=None)
            self.assertEqual(c.req("GET", "/api/search")[0], 200)
            body = {"dashboard": {"uid": "a", "title": "T"}}
            self.assertEqual(c.req("POST", "/api/dashboards/db", body)[0], 200)
            body = {"dashboard": {"uid": "b", "title": "T"}}
            self.assertEqual(c.req("POST", "/api/dashboards/db", body)[0], 200)   # duplicate titles allowed
        finally:
            proc.terminate()
            proc.wait(5)
            proc.stdout.close()
            proc.stderr.close()


if __name__ == "__main__":
    unittest.main()
