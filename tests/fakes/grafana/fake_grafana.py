#!/usr/bin/env python3
"""A fake Grafana HTTP API for monitorc's tests (Python 3 standard library only).

Models the legacy /api routes monitorc's Grafana backend uses (dashboards, search, folders,
datasources) and the alerting provisioning API (alert rules, rule groups), with the status codes,
error bodies and traps of the real server as described in README.md. State lives in memory.

    fake_grafana.py [--host 127.0.0.1] [--port 0] [--port-file F] [--token T] [--basic USER:PASS]
                    [--datasource UID[:TYPE]]... [--allow-duplicate-titles] [--quiet]

Prints "listening on 127.0.0.1:PORT" (flushed) once it accepts connections. --port 0 picks a free
port. Test-control endpoints, no auth: GET /_state, POST /_reset, POST|GET|DELETE /_fault, GET /_log
(DELETE /_log clears it). The log never holds headers or bodies, so never a token.
"""
import argparse
import copy
import json
import os
import re
import secrets
import string
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_routing  # noqa: E402  (beside this file)

VERSION = "11.6.0-fake"
UID_RE = re.compile(r"^[a-zA-Z0-9\-_]*$")
NODATA_STATES = ("Alerting", "NoData", "OK", "KeepLast")
EXECERR_STATES = ("Alerting", "Error", "OK", "KeepLast")
EXPR_UIDS = ("__expr__", "-100")
BASE_INTERVAL_S = 10          # Grafana's default scheduler base interval
DEFAULT_GROUP_INTERVAL_S = 60  # interval of a group created by a single-rule POST


# ---------------------------------------------------------------------------------------------
# helpers

class ApiError(Exception):
    """An HTTP error answer: status and JSON body (None = empty body)."""

    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


def msg(status, message, **extra):
    """Grafana's response.Error shape: {"message": ...}."""
    body = {"message": message}
    body.update(extra)
    return ApiError(status, body)


def errutil(status, message_id, message):
    """Grafana's errutil public error shape."""
    return ApiError(status, {"message": message, "messageId": message_id,
                             "statusCode": status, "traceID": ""})


def check_provenance(stored, wanted, operation):
    """Grafana refuses to change what was written with another provenance (409)."""
    if stored != wanted and stored != "":
        raise errutil(409, "alerting.provenanceMismatch",
                      f"cannot {operation} with provided provenance '{wanted}', needs '{stored}'")


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def slugify(title):
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s


def short_uid():
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(14))


_DUR_RE = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")
_DUR_UNITS_MS = (365 * 86400000, 7 * 86400000, 86400000, 3600000, 60000, 1000, 1)


def parse_duration(s):
    """Prometheus model.ParseDuration (what Grafana uses for `for`): returns milliseconds."""
    if not isinstance(s, str):
        raise ValueError(f"not a valid duration string: {json.dumps(s)}")
    if s == "0":
        return 0
    if s == "":
        raise ValueError("empty duration string")
    m = _DUR_RE.match(s)
    if not m:
        raise ValueError(f'not a valid duration string: "{s}"')
    return sum(int(g) * u for g, u in zip(m.groups(), _DUR_UNITS_MS) if g)


def format_duration(ms):
    """Prometheus model.Duration.String(): 90s -> 1m30s, 3600s -> 1h, 0 -> 0s."""
    if ms == 0:
        return "0s"
    out = ""
    for unit, mult, exact in (("y", _DUR_UNITS_MS[0], True), ("w", _DUR_UNITS_MS[1], True),
                              ("d", _DUR_UNITS_MS[2], False), ("h", _DUR_UNITS_MS[3], False),
                              ("m", _DUR_UNITS_MS[4], False), ("s", _DUR_UNITS_MS[5], False),
                              ("ms", 1, False)):
        if exact and ms % mult != 0:
            continue
        v = ms // mult
        if v > 0:
            out += f"{v}{unit}"
            ms -= v * mult
    return out


def as_int(v, default=0):
    if v is None:
        return default
    if isinstance(v, bool):
        raise msg(400, "bad request data")
    if isinstance(v, (int, float)) and float(v).is_integer():
        return int(v)
    raise msg(400, "bad request data")


# ---------------------------------------------------------------------------------------------
# the model

class State:
    def __init__(self, allow_duplicate_titles=False, datasources=()):
        self.lock = threading.RLock()
        self.allow_duplicate_titles = allow_duplicate_titles
        self.initial_datasources = list(datasources)
        self.routing = fake_routing.Routing(sys.modules[__name__])
        self.reset()

    def reset(self):
        with self.lock:
            self.next_id = 1          # dashboards and folders share one id space, as in Grafana
            self.next_rule_id = 1
            self.folders = {}         # uid -> folder record
            self.dashboards = {}      # uid -> {id, uid, title, folderUid, version, data, created, ...}
            self.rules = {}           # uid -> {"rule": api-shaped rule, "provenance": "", "id", "version"}
            self.group_intervals = {}  # (folderUID, group) -> seconds
            self.datasources = {d["uid"]: d for d in copy.deepcopy(self.initial_datasources)}
            self.faults = []
            self.log = []
            self.seq = 0
            self.routing.reset()

    def take_id(self):
        i = self.next_id
        self.next_id += 1
        return i

    def snapshot(self):
        with self.lock:
            return {
                "folders": copy.deepcopy(list(self.folders.values())),
                "dashboards": [
                    {"uid": d["uid"], "id": d["id"], "title": d["title"], "folderUid": d["folderUid"],
                     "version": d["version"], "tags": d["data"].get("tags") or [],
                     "message": d["message"], "dashboard": copy.deepcopy(d["data"])}
                    for d in self.dashboards.values()],
                "alertRules": [dict(copy.deepcopy(r["rule"]), provenance=r["provenance"])
                               for r in self.rules.values()],
                "ruleGroups": [{"folderUid": f, "title": g, "interval": i}
                               for (f, g), i in sorted(self.group_intervals.items())],
                "datasources": copy.deepcopy(list(self.datasources.values())),
                "faults": copy.deepcopy(self.faults),
                "requests": self.seq,
                **self.routing.snapshot(),
            }

    # ---------------- folders

    def folder_json(self, f):
        return {"id": f["id"], "uid": f["uid"], "orgId": 1, "title": f["title"],
                "url": f"/dashboards/f/{f['uid']}/{slugify(f['title'])}", "hasAcl": False,
                "canSave": True, "canEdit": True, "canAdmin": True, "canDelete": True,
                "createdBy": "admin", "created": f["created"], "updatedBy": "admin",
                "updated": f["updated"], "version": f["version"]}

    def list_folders(self, q):
        with self.lock:
            fs = sorted(self.folders.values(), key=lambda f: f["title"].lower())
            limit = min(_qint(q, "limit", 1000) or 1000, 5000)
            page = max(_qint(q, "page", 1), 1)
            fs = fs[(page - 1) * limit: page * limit]
            return [{"id": f["id"], "uid": f["uid"], "title": f["title"]} for f in fs]

    def get_folder(self, uid):
        with self.lock:
            f = self.folders.get(uid)
            if f is None:
                raise msg(404, "folder not found")
            return self.folder_json(f)

    def create_folder(self, body):
        if not isinstance(body, dict):
            raise msg(400, "bad request data")
        title = body.get("title")
        uid = body.get("uid") or ""
        if not isinstance(title, str) or not title.strip():
            raise msg(400, "folder title cannot be empty")
        if not isinstance(uid, str) or len(uid) > 40 or not UID_RE.match(uid):
            raise msg(400, "invalid uid for folder provided")
        with self.lock:
            if uid and (uid in self.folders or uid in self.dashboards):
                raise msg(409, "a folder/dashboard with the same uid already exists")
            if not self.allow_duplicate_titles and any(f["title"] == title for f in self.folders.values()):
                raise msg(409, "a folder or dashboard in the general folder with the same name already exists")
            uid = uid or short_uid()
            t = now_iso()
            f = {"id": self.take_id(), "uid": uid, "title": title, "version": 1, "created": t, "updated": t}
            self.folders[uid] = f
            return self.folder_json(f)

    def update_folder(self, uid, body):
        if not isinstance(body, dict):
            raise msg(400, "bad request data")
        with self.lock:
            f = self.folders.get(uid)
            if f is None:
                raise msg(404, "folder not found")
            title = body.get("title", f["title"])
            if not isinstance(title, str) or not title.strip():
                raise msg(400, "folder title cannot be empty")
            if not body.get("overwrite") and as_int(body.get("version"), 0) != f["version"]:
                raise ApiError(412, {"message": "the folder has been changed by someone else",
                                     "status": "version-mismatch"})
            f["title"] = title
            f["version"] += 1
            f["updated"] = now_iso()
            return self.folder_json(f)

    def delete_folder(self, uid, q):
        with self.lock:
            f = self.folders.get(uid)
            if f is None:
                raise msg(404, "folder not found")
            rules = [u for u, r in self.rules.items() if r["rule"]["folderUID"] == uid]
            if rules and _q1(q, "forceDeleteRules") == "false":
                raise msg(400, "folder cannot be deleted: folder contains alert rules")
            for u in rules:
                del self.rules[u]
            for key in [k for k in self.group_intervals if k[0] == uid]:
                del self.group_intervals[key]
            for du in [u for u, d in self.dashboards.items() if d["folderUid"] == uid]:
                del self.dashboards[du]
            del self.folders[uid]
            return {"message": "Folder deleted", "id": f["id"], "title": f["title"], "uid": uid}

    # ---------------- dashboards

    def save_dashboard(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("dashboard"), dict):
            raise msg(400, "bad request data")
        dash = copy.deepcopy(body["dashboard"])
        overwrite = bool(body.get("overwrite", False))
        message = body.get("message") or ""
        if not isinstance(message, str):
            raise msg(400, "bad request data")
        if len(message) > 500:
            raise msg(400, "message too long, max 500 characters")
        title = dash.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ApiError(400, {"status": "empty-name", "message": "Dashboard title cannot be empty"})
        if len(title) > 5000:
            raise ApiError(400, {"status": "title-too-long",
                                 "message": "Dashboard title cannot contain more than 5 000 characters"})
        uid = dash.get("uid") or ""
        if not isinstance(uid, str):
            raise msg(400, "bad request data")
        if len(uid) > 40:
            raise msg(400, "uid too long, max 40 characters")
        if not UID_RE.match(uid):
            raise msg(400, "uid contains illegal characters")
        dash_id = as_int(dash.get("id"), 0)
        version = as_int(dash.get("version"), 0)

        with self.lock:
            # folder: folderUid wins over the deprecated folderId; absent -> root ("General")
            folder_uid = body.get("folderUid")
            if folder_uid is None and body.get("folderId"):
                fid = as_int(body.get("folderId"), 0)
                match = [f for f in self.folders.values() if f["id"] == fid]
                if not match:
                    raise msg(400, "folder not found")
                folder_uid = match[0]["uid"]
            folder_uid = folder_uid or ""
            if not isinstance(folder_uid, str):
                raise msg(400, "bad request data")
            if folder_uid and folder_uid not in self.folders:
                raise msg(400, "folder not found")

            by_id = None
            if dash_id > 0:
                by_id = next((d for d in self.dashboards.values() if d["id"] == dash_id), None)
                if by_id is None:
                    raise ApiError(404, {"status": "not-found", "message": "Dashboard not found"})
                if not uid:
                    uid = by_id["uid"]
            by_uid = self.dashboards.get(uid) if uid else None
            if uid and by_uid is None and uid in self.folders:
                raise msg(400, "Dashboard cannot be changed to a folder")
            if by_id and by_uid and by_id["id"] != by_uid["id"]:
                raise msg(400, "A dashboard with the same uid already exists")
            existing = by_id or by_uid
            if existing is not None:
                if version != existing["version"]:
                    if overwrite:
                        version = existing["version"]
                    else:
                        raise ApiError(412, {"status": "version-mismatch",
                                             "message": "The dashboard has been changed by someone else"})
                dash_id, uid = existing["id"], existing["uid"]

            # same title in the same folder, other dashboard (Grafana <= 11 behaviour)
            if not self.allow_duplicate_titles:
                same = next((d for d in self.dashboards.values()
                             if d["title"] == title and d["folderUid"] == folder_uid and d["id"] != dash_id), None)
                if same is not None:
                    if overwrite:   # the other dashboard is replaced and its uid/id taken over
                        dash_id, uid, version = same["id"], same["uid"], same["version"]
                        existing = same
                    else:
                        raise ApiError(412, {"status": "name-exists",
                                             "message": "A dashboard with the same name in the folder already exists"})

            t = now_iso()
            if existing is None:
                dash_id = self.take_id()
                uid = uid or short_uid()
                new_version = 1
                created = t
            else:
                new_version = version + 1
                created = existing["created"]
                if existing["uid"] != uid:
                    del self.dashboards[existing["uid"]]
            dash["id"], dash["uid"], dash["version"] = dash_id, uid, new_version
            self.dashboards[uid] = {"id": dash_id, "uid": uid, "title": title, "folderUid": folder_uid,
                                    "version": new_version, "data": dash, "created": created, "updated": t,
                                    "message": message}
            slug = slugify(title)
            return {"id": dash_id, "uid": uid, "url": f"/d/{uid}/{slug}", "status": "success",
                    "version": new_version, "slug": slug, "folderUid": folder_uid}

    def get_dashboard(self, uid):
        with self.lock:
            d = self.dashboards.get(uid)
            if d is None:
                raise msg(404, "Dashboard not found")
            f = self.folders.get(d["folderUid"])
            slug = slugify(d["title"])
            meta = {"type": "db", "canSave": True, "canEdit": True, "canAdmin": True, "canStar": True,
                    "canDelete": True, "slug": slug, "url": f"/d/{uid}/{slug}", "expires": "0001-01-01T00:00:00Z",
                    "created": d["created"], "updated": d["updated"], "updatedBy": "admin", "createdBy": "admin",
                    "version": d["version"], "hasAcl": False, "isFolder": False,
                    "folderId": f["id"] if f else 0, "folderUid": d["folderUid"],
                    "folderTitle": f["title"] if f else "General",
                    "folderUrl": f"/dashboards/f/{f['uid']}/{slugify(f['title'])}" if f else "",
                    "provisioned": False, "provisionedExternalId": ""}
            data = copy.deepcopy(d["data"])
            data["version"] = d["version"]
            return {"dashboard": data, "meta": meta}

    def delete_dashboard(self, uid):
        with self.lock:
            d = self.dashboards.pop(uid, None)
            if d is None:
                raise msg(404, "Dashboard not found")
            return {"title": d["title"], "message": f"Dashboard {d['title']} deleted", "id": d["id"], "uid": uid}

    def search(self, q):
        typ = _q1(q, "type")
        query = (_q1(q, "query") or "").lower()
        tags = q.get("tag", [])
        folder_uids = _qlist(q, "folderUIDs")
        dash_uids = _qlist(q, "dashboardUIDs") + _qlist(q, "dashboardUID")
        limit = min(_qint(q, "limit", 1000) or 1000, 5000)
        page = max(_qint(q, "page", 1), 1)
        hits = []
        with self.lock:
            if typ in (None, "", "dash-folder") and not tags and not dash_uids:
                for f in self.folders.values():
                    if query and query not in f["title"].lower():
                        continue
                    if folder_uids and "" not in folder_uids and "general" not in folder_uids:
                        continue   # folders live in the root
                    hits.append({"id": f["id"], "uid": f["uid"], "orgId": 1, "title": f["title"],
                                 "uri": f"db/{slugify(f['title'])}",
                                 "url": f"/dashboards/f/{f['uid']}/{slugify(f['title'])}", "slug": "",
                                 "type": "dash-folder", "tags": [], "isStarred": False, "sortMeta": 0})
            if typ in (None, "", "dash-db"):
                for d in self.dashboards.values():
                    dtags = d["data"].get("tags") or []
                    if query and query not in d["title"].lower():
                        continue
                    if any(t not in dtags for t in tags):
                        continue
                    if folder_uids and d["folderUid"] not in folder_uids and not (
                            d["folderUid"] == "" and ("general" in folder_uids or "" in folder_uids)):
                        continue
                    if dash_uids and d["uid"] not in dash_uids:
                        continue
                    hit = {"id": d["id"], "uid": d["uid"], "orgId": 1, "title": d["title"],
                           "uri": f"db/{slugify(d['title'])}", "url": f"/d/{d['uid']}/{slugify(d['title'])}",
                           "slug": "", "type": "dash-db", "tags": list(dtags), "isStarred": False, "sortMeta": 0}
                    f = self.folders.get(d["folderUid"])
                    if f:
                        hit.update({"folderId": f["id"], "folderUid": f["uid"], "folderTitle": f["title"],
                                    "folderUrl": f"/dashboards/f/{f['uid']}/{slugify(f['title'])}"})
                    hits.append(hit)
        hits.sort(key=lambda h: (h["title"].lower(), h["uid"]))
        return hits[(page - 1) * limit: page * limit]

    # ---------------- datasources

    def list_datasources(self):
        with self.lock:
            return [dict(copy.deepcopy(d), id=i + 1) for i, d in enumerate(self.datasources.values())]

    def get_datasource(self, uid):
        with self.lock:
            for i, d in enumerate(self.datasources.values()):
                if d["uid"] == uid:
                    return dict(copy.deepcopy(d), id=i + 1)
            raise msg(404, "Data source not found")

    # ---------------- alert rules

    def _validate_rule(self, body, uid_from_path=None):
        """Normalise and validate a ProvisionedAlertRule as Grafana does; returns the stored shape."""
        if not isinstance(body, dict):
            raise msg(400, "bad request data")
        r = copy.deepcopy(body)
        # JSON binding errors (Grafana answers these with "bad request data")
        try:
            for_ms = parse_duration(r["for"]) if r.get("for") is not None else 0
            kff_ms = parse_duration(r["keep_firing_for"]) if r.get("keep_firing_for") is not None else 0
        except ValueError:
            raise msg(400, "bad request data")
        for key in ("title", "ruleGroup", "folderUID", "condition", "noDataState", "execErrState", "uid"):
            if r.get(key) is not None and not isinstance(r[key], str):
                raise msg(400, "bad request data")
        for key in ("labels", "annotations"):
            v = r.get(key)
            if v is not None and (not isinstance(v, dict) or not all(isinstance(x, str) for x in v.values())):
                raise msg(400, "bad request data")
        data = r.get("data")
        if data is not None and not isinstance(data, list):
            raise msg(400, "bad request data")
        if r.get("isPaused") is not None and not isinstance(r["isPaused"], bool):
            raise msg(400, "bad request data")

        uid = uid_from_path if uid_from_path is not None else (r.get("uid") or "")
        inv = "invalid alert rule"
        if len(uid) > 40 or not UID_RE.match(uid):
            raise msg(400, f"{inv}\ncannot create rule with UID '{uid}': invalid uid")
        if not data:
            raise msg(400, f"{inv}: no queries or expressions are found")
        title = r.get("title") or ""
        if not title:
            raise msg(400, f"{inv}: title is empty")
        if len(title) > 190:
            raise msg(400, f"{inv}: name length should not be greater than 190")
        group = r.get("ruleGroup") or ""
        if not group:
            raise msg(400, f"{inv}: rule group name is empty")
        if len(group) > 190:
            raise msg(400, f"{inv}: rule group name length should not be greater than 190")
        folder = r.get("folderUID") or ""
        if not folder:
            raise msg(400, f"{inv}: folderUID is empty")
        if folder not in self.folders:
            raise msg(400, f"{inv}: folder does not exist")   # exact text varies by Grafana version
        record = r.get("record")
        if record is None:
            if r.get("execErrState") not in EXECERR_STATES:
                raise msg(400, f"{inv}: unknown Error state option {r.get('execErrState') or ''}")
            if r.get("noDataState") not in NODATA_STATES:
                raise msg(400, f"{inv}: unknown NoData state option {r.get('noDataState') or ''}")

        ref_ids = []
        norm_data = []
        for q in data:
            if not isinstance(q, dict) or not isinstance(q.get("model", {}), dict):
                raise msg(400, "bad request data")
            ref = q.get("refId") or ""
            if not ref:
                raise msg(400, f"{inv}: refID is empty")   # approximate text
            if ref in ref_ids:
                raise msg(400, f"{inv}: duplicate refID {ref}")   # approximate text
            ref_ids.append(ref)
            ds = q.get("datasourceUid") or ""
            model = copy.deepcopy(q.get("model") or {})
            rtr = q.get("relativeTimeRange") or {}
            rtr = {"from": as_int(rtr.get("from"), 0), "to": as_int(rtr.get("to"), 0)}
            is_expr = ds in EXPR_UIDS or (isinstance(model.get("datasource"), dict)
                                          and model["datasource"].get("type") == "__expr__")
            if not is_expr:
                if not ds:
                    raise msg(400, f"{inv}: invalid query {ref}: datasource UID is empty")   # approximate
                if self.datasources and ds not in self.datasources:
                    raise msg(400, f"{inv}: invalid query {ref}: data source not found: {ds}")
                if not rtr["from"] > rtr["to"]:
                    raise errutil(400, "alerting.alert-rule.invalidRelativeTime",
                                  f"Invalid alert rule query {ref}: invalid relative time range "
                                  f"[From: {format_duration(rtr['from'] * 1000)}, "
                                  f"To: {format_duration(rtr['to'] * 1000)}]")
                # Grafana's AlertQuery.PreSave fills these into the model of data-source queries
                model.setdefault("intervalMs", 1000)
                model.setdefault("maxDataPoints", 43200)
            model["refId"] = ref
            norm_data.append({"refId": ref, "queryType": q.get("queryType") or "",
                              "relativeTimeRange": rtr, "datasourceUid": ds, "model": model})
        cond = r.get("condition") or ""
        if record is None and cond not in ref_ids:
            raise errutil(400, "alerting.alert-rule.conditionNotExist",
                          f"Condition {cond} does not exist, must be one of [{' '.join(ref_ids)}]")

        out = {
            "uid": uid, "orgID": 1, "folderUID": folder, "ruleGroup": group, "title": title,
            "condition": cond, "data": norm_data,
            "noDataState": r.get("noDataState"), "execErrState": r.get("execErrState"),
            "for": format_duration(for_ms), "isPaused": bool(r.get("isPaused", False)),
        }
        if kff_ms:
            out["keep_firing_for"] = format_duration(kff_ms)
        if r.get("annotations"):
            out["annotations"] = dict(r["annotations"])
        if r.get("labels"):
            out["labels"] = dict(r["labels"])
        for key in ("notification_settings", "record", "missing_series_evals_to_resolve"):
            if r.get(key) is not None:
                out[key] = copy.deepcopy(r[key])
        return out

    def _title_clash(self, rule, own_uid):
        if self.allow_duplicate_titles:
            return
        for u, s in self.rules.items():
            if u != own_uid and s["rule"]["folderUID"] == rule["folderUID"] and s["rule"]["title"] == rule["title"]:
                raise msg(400, "a conflicting alert rule is found: rule title under the same "
                               "organisation and folder should be unique")

    @staticmethod
    def _rule_json(s):
        out = copy.deepcopy(s["rule"])
        out["id"] = s["id"]
        out["updated"] = s["updated"]
        if s["provenance"]:
            out["provenance"] = s["provenance"]   # omitempty: no key at all for provenance ""
        return out

    @staticmethod
    def _check_provenance(stored, wanted, operation):
        if stored != wanted and stored != "":
            raise errutil(409, "alerting.provenanceMismatch",
                          f"cannot {operation} with provided provenance '{wanted}', needs '{stored}'")

    def list_rules(self):
        with self.lock:
            return [self._rule_json(s) for s in sorted(self.rules.values(), key=lambda s: s["id"])]

    def get_rule(self, uid):
        with self.lock:
            s = self.rules.get(uid)
            if s is None:
                raise ApiError(404, None)
            return self._rule_json(s)

    def create_rule(self, body, provenance):
        with self.lock:
            rule = self._validate_rule(body)
            if rule["uid"] and rule["uid"] in self.rules:
                raise errutil(409, "alerting.alert-rule.conflict",
                              f"Failed to save alert rule '{rule['uid']}' in organization 1 due to conflict: "
                              "rule with the same UID already exists")
            rule["uid"] = rule["uid"] or short_uid()
            self._title_clash(rule, rule["uid"])
            s = {"rule": rule, "provenance": provenance, "id": self.next_rule_id, "version": 1,
                 "updated": now_iso()}
            self.next_rule_id += 1
            self.rules[rule["uid"]] = s
            self.group_intervals.setdefault((rule["folderUID"], rule["ruleGroup"]), DEFAULT_GROUP_INTERVAL_S)
            return self._rule_json(s)

    def update_rule(self, uid, body, provenance):
        with self.lock:
            s = self.rules.get(uid)
            if s is None:
                raise ApiError(404, None)
            rule = self._validate_rule(body, uid_from_path=uid)
            self._check_provenance(s["provenance"], provenance, "update")
            self._title_clash(rule, uid)
            old_key = (s["rule"]["folderUID"], s["rule"]["ruleGroup"])
            s.update(rule=rule, provenance=provenance, version=s["version"] + 1, updated=now_iso())
            self.group_intervals.setdefault((rule["folderUID"], rule["ruleGroup"]), DEFAULT_GROUP_INTERVAL_S)
            self._drop_empty_group(old_key)
            return self._rule_json(s)

    def delete_rule(self, uid, provenance):
        with self.lock:
            s = self.rules.get(uid)
            if s is None:
                return   # Grafana answers 204 for a rule that does not exist
            self._check_provenance(s["provenance"], provenance, "delete")
            del self.rules[uid]
            self._drop_empty_group((s["rule"]["folderUID"], s["rule"]["ruleGroup"]))

    def _drop_empty_group(self, key):
        if not any((s["rule"]["folderUID"], s["rule"]["ruleGroup"]) == key for s in self.rules.values()):
            self.group_intervals.pop(key, None)

    def get_group(self, folder, group):
        with self.lock:
            rules = sorted((s for s in self.rules.values()
                            if s["rule"]["folderUID"] == folder and s["rule"]["ruleGroup"] == group),
                           key=lambda s: (s.get("index", 0), s["id"]))
            if not rules:
                raise errutil(404, "alerting.alert-rule.notFound", "rule group not found under this namespace")
            return {"title": group, "folderUid": folder,
                    "interval": self.group_intervals.get((folder, group), DEFAULT_GROUP_INTERVAL_S),
                    "rules": [self._rule_json(s) for s in rules]}

    def put_group(self, folder, group, body, provenance):
        """Replace the whole group (rules not listed are deleted), as Grafana's PUT rule-groups does."""
        if not isinstance(body, dict):
            raise msg(400, "bad request data")
        interval = as_int(body.get("interval"), 0)
        rules_in = body.get("rules") or []
        if not isinstance(rules_in, list):
            raise msg(400, "bad request data")
        with self.lock:
            if folder not in self.folders:
                raise msg(400, "invalid alert rule: folder does not exist")
            if interval <= 0 or interval % BASE_INTERVAL_S:
                raise msg(400, f"invalid alert rule: interval ({format_duration(interval * 1000)}) should be "
                               f"non-zero and divided exactly by scheduler interval: {BASE_INTERVAL_S}")
            new = []
            for rb in rules_in:
                if not isinstance(rb, dict):
                    raise msg(400, "bad request data")
                new.append(self._validate_rule(dict(rb, folderUID=folder, ruleGroup=group)))
            uids = [r["uid"] for r in new if r["uid"]]
            if len(set(uids)) != len(uids):
                raise msg(400, "invalid alert rule: rule group contains duplicate rule UID")
            current = {u for u, s in self.rules.items()
                       if s["rule"]["folderUID"] == folder and s["rule"]["ruleGroup"] == group}
            # provenance is checked on every stored rule touched: updated, moved in, or deleted
            for u in uids:
                if u in self.rules:
                    self._check_provenance(self.rules[u]["provenance"], provenance, "update")
            for u in current - set(uids):
                self._check_provenance(self.rules[u]["provenance"], provenance, "delete")
            if not self.allow_duplicate_titles:
                titles = [r["title"] for r in new]
                others = {s["rule"]["title"] for u, s in self.rules.items()
                          if s["rule"]["folderUID"] == folder and u not in current and u not in uids}
                if len(set(titles)) != len(titles) or others & set(titles):
                    raise msg(400, "a conflicting alert rule is found: rule title under the same "
                                   "organisation and folder should be unique")
            # all checks passed: apply atomically
            moved_from = set()
            for u in current - set(uids):
                del self.rules[u]
            t = now_iso()
            for idx, r in enumerate(new):
                r["uid"] = r["uid"] or short_uid()
                s = self.rules.get(r["uid"])
                if s is not None:
                    moved_from.add((s["rule"]["folderUID"], s["rule"]["ruleGroup"]))
                    s.update(rule=r, provenance=provenance, version=s["version"] + 1, updated=t, index=idx)
                else:
                    self.rules[r["uid"]] = {"rule": r, "provenance": provenance, "id": self.next_rule_id,
                                            "version": 1, "updated": t, "index": idx}
                    self.next_rule_id += 1
            for key in moved_from - {(folder, group)}:
                self._drop_empty_group(key)
            if new:
                self.group_intervals[(folder, group)] = interval
            else:
                self.group_intervals.pop((folder, group), None)
            return {"title": group, "folderUid": folder, "interval": interval,
                    "rules": [self._rule_json(self.rules[r["uid"]]) for r in new]}

    # ---------------- faults and log

    def add_fault(self, body):
        if not isinstance(body, dict):
            raise msg(400, "fault must be a JSON object")
        f = {
            "status": body.get("status"),
            "latency_ms": as_int(body.get("latency_ms"), 0),
            "count": body.get("count", 1),
            "method": (body.get("method") or None),
            "path": body.get("path") or None,
            "body": body.get("body", {"message": "injected fault"}),
            "drop": bool(body.get("drop", False)),
        }
        if f["status"] is not None and not (isinstance(f["status"], int) and 100 <= f["status"] <= 599):
            raise msg(400, "status must be an HTTP status code")
        if f["count"] is not None and (not isinstance(f["count"], int) or f["count"] < 1):
            raise msg(400, "count must be a positive integer or null (= until cleared)")
        with self.lock:
            self.faults.append(f)
            return {"faults": copy.deepcopy(self.faults)}

    def take_fault(self, method, path):
        with self.lock:
            for f in self.faults:
                if f["method"] and f["method"].upper() != method:
                    continue
                if f["path"] and not path.startswith(f["path"]):
                    continue
                if f["count"] is not None:
                    f["count"] -= 1
                    if f["count"] <= 0:
                        self.faults.remove(f)
                return copy.deepcopy(f)
        return None

    def record(self, method, path, status, started, fault, disable_provenance):
        with self.lock:
            self.seq += 1
            entry = {"seq": self.seq, "time": now_iso(), "method": method, "path": path, "status": status,
                     "duration_ms": round((time.monotonic() - started) * 1000, 1)}
            if fault:
                entry["fault"] = True
            if disable_provenance:
                entry["disable_provenance"] = True
            self.log.append(entry)


_SECRET_PARAM = re.compile(r"(token|key|pass|secret|auth)", re.I)


def redact(raw_path):
    """Path + query for the log, with values of secret-looking query parameters removed."""
    path, sep, query = raw_path.partition("?")
    if not sep:
        return path
    parts = []
    for item in query.split("&"):
        name, eq, _ = item.partition("=")
        parts.append(f"{name}=REDACTED" if eq and _SECRET_PARAM.search(unquote(name)) else item)
    return path + "?" + "&".join(parts)


def _q1(q, name):
    v = q.get(name)
    return v[0] if v else None


def _qint(q, name, default):
    v = _q1(q, name)
    if v is None or v == "":
        return default
    try:
        return int(v)
    except ValueError:
        raise msg(400, f"invalid {name}")


def _qlist(q, name):
    """Repeated and/or comma-separated query values; "" (the root folder) is kept."""
    out = []
    for v in q.get(name, []):
        out.extend(v.split(","))
    return out


# ---------------------------------------------------------------------------------------------
# HTTP

class Handler(BaseHTTPRequestHandler):
    server_version = "Grafana-fake/" + VERSION
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without this, Nagle holds the body for the client's
    # delayed ACK (~40 ms on loopback) on each kept-alive exchange.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):   # keep stderr quiet; /_log is the record
        if not self.server.quiet:
            sys.stderr.write("fake_grafana: %s %s\n" % (self.address_string(), fmt % args))

    # one entry point for all methods
    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PATCH(self):
        self._handle("PATCH")

    def _read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _json_body(self, raw):
        if not raw.strip():
            raise msg(400, "bad request data")
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise msg(400, "bad request data")

    def _send(self, status, body, content_type="application/json"):
        if body is None:
            payload = b""
        elif isinstance(body, (bytes, str)):
            payload = body.encode() if isinstance(body, str) else body
        else:
            payload = json.dumps(body).encode()
        self.send_response(status)
        if payload or status not in (204, 304):
            self.send_header("Content-Type", content_type if payload else "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    def _auth_ok(self):
        token, basic = self.server.token, self.server.basic
        if token is None and basic is None:
            return True, None
        h = self.headers.get("Authorization")
        if not h:
            return False, errutil(401, "auth.unauthorized", "Unauthorized")
        scheme, _, cred = h.partition(" ")
        if scheme.lower() == "bearer":
            if token is not None and secrets.compare_digest(cred.strip(), token):
                return True, None
            return False, errutil(401, "api-key.invalid", "Invalid API key")
        if scheme.lower() == "basic" and basic is not None:
            import base64
            try:
                given = base64.b64decode(cred.strip()).decode()
            except (ValueError, UnicodeDecodeError):
                given = ""
            if secrets.compare_digest(given, basic):
                return True, None
            return False, errutil(401, "password-auth.failed", "Invalid username or password")
        return False, errutil(401, "auth.unauthorized", "Unauthorized")

    def _handle(self, method):
        started = time.monotonic()
        st = self.server.state
        split = urlsplit(self.path)
        path = split.path
        q = parse_qs(split.query, keep_blank_values=True)
        raw = self._read_body()
        logged_path = redact(self.path)
        disable_prov = "X-Disable-Provenance" in self.headers

        # ---- test control API (no auth, never faulted, not logged)
        if path.startswith("/_"):
            try:
                status, body = self._control(method, path, q, raw)
            except ApiError as e:
                status, body = e.status, e.body
            self._send(status, body)
            return

        fault = st.take_fault(method, path)
        status, recorded = None, False
        try:
            if fault:
                if fault["latency_ms"]:
                    time.sleep(fault["latency_ms"] / 1000.0)
                if fault["drop"]:
                    status = 0
                    self.close_connection = True
                    try:
                        self.connection.shutdown(2)
                    except OSError:
                        pass
                    return
                if fault["status"] is not None:
                    status, body = fault["status"], fault["body"]
            if status is None:
                try:
                    status, body = self._route(method, path, q, raw)
                except ApiError as e:
                    status, body = e.status, e.body
            # Recorded before the answer goes out, so a client that reads /_log right after
            # its request always finds it there.
            st.record(method, logged_path, status, started, bool(fault), disable_prov)
            recorded = True
            self._send(status, body)
        finally:
            if not recorded:
                st.record(method, logged_path, status, started, bool(fault), disable_prov)

    def _control(self, method, path, q, raw):
        st = self.server.state
        if path == "/_state" and method == "GET":
            return 200, st.snapshot()
        if path == "/_reset" and method == "POST":
            st.reset()
            return 200, {"message": "reset"}
        if path == "/_fault":
            if method == "POST":
                return 200, st.add_fault(self._json_body(raw))
            if method == "GET":
                with st.lock:
                    return 200, {"faults": copy.deepcopy(st.faults)}
            if method == "DELETE":
                with st.lock:
                    st.faults.clear()
                return 200, {"faults": []}
        if path == "/_log":
            if method == "GET":
                since = _qint(q, "since", 0)
                with st.lock:
                    return 200, [e for e in st.log if e["seq"] > since]
            if method == "DELETE":
                with st.lock:
                    st.log.clear()
                return 200, []
        raise msg(404, "Not found")

    def _route(self, method, path, q, raw):
        st = self.server.state
        if path == "/api/health" and method == "GET":   # unauthenticated in Grafana too
            return 200, {"commit": "fake", "database": "ok", "version": VERSION}
        ok, err = self._auth_ok()
        if not ok:
            raise err
        provenance = "" if "X-Disable-Provenance" in self.headers else "api"
        parts = [unquote(p) for p in path.strip("/").split("/")]

        if parts[:1] != ["api"]:
            raise msg(404, "Not found")
        p = parts[1:]
        # dashboards
        if p == ["dashboards", "db"]:
            if method == "POST":
                return 200, st.save_dashboard(self._json_body(raw))
            raise msg(405, "Method Not Allowed")
        if len(p) == 3 and p[:2] == ["dashboards", "uid"]:
            if method == "GET":
                return 200, st.get_dashboard(p[2])
            if method == "DELETE":
                return 200, st.delete_dashboard(p[2])
            raise msg(405, "Method Not Allowed")
        if p == ["search"] and method == "GET":
            return 200, st.search(q)
        # folders
        if p == ["folders"]:
            if method == "GET":
                return 200, st.list_folders(q)
            if method == "POST":
                return 200, st.create_folder(self._json_body(raw))
            raise msg(405, "Method Not Allowed")
        if len(p) == 2 and p[0] == "folders":
            if method == "GET":
                return 200, st.get_folder(p[1])
            if method == "PUT":
                return 200, st.update_folder(p[1], self._json_body(raw))
            if method == "DELETE":
                return 200, st.delete_folder(p[1], q)
            raise msg(405, "Method Not Allowed")
        # datasources (read-only, from --datasource)
        if p == ["datasources"] and method == "GET":
            return 200, st.list_datasources()
        if len(p) == 3 and p[:2] == ["datasources", "uid"] and method == "GET":
            return 200, st.get_datasource(p[2])
        # alerting provisioning
        if p[:2] == ["v1", "provisioning"]:
            r = p[2:]
            if r == ["alert-rules"]:
                if method == "GET":
                    return 200, st.list_rules()
                if method == "POST":
                    return 201, st.create_rule(self._json_body(raw), provenance)
                raise msg(405, "Method Not Allowed")
            if len(r) == 2 and r[0] == "alert-rules":
                if method == "GET":
                    return 200, st.get_rule(r[1])
                if method == "PUT":
                    return 200, st.update_rule(r[1], self._json_body(raw), provenance)
                if method == "DELETE":
                    st.delete_rule(r[1], provenance)
                    return 204, None
                raise msg(405, "Method Not Allowed")
            with st.lock:
                answer = st.routing.route(method, r, q, lambda: self._json_body(raw), provenance)
            if answer is not None:
                return answer
            if len(r) == 4 and r[0] == "folder" and r[2] == "rule-groups":
                if method == "GET":
                    return 200, st.get_group(r[1], r[3])
                if method == "PUT":
                    return 200, st.put_group(r[1], r[3], self._json_body(raw), provenance)
                raise msg(405, "Method Not Allowed")
        raise msg(404, "Not found")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: tests that open 20 connections at once got
    # "connection reset by peer" on a busy machine. A real server's backlog is far larger.
    request_queue_size = 128


def make_server(host="127.0.0.1", port=0, token=None, basic=None, datasources=(),
                allow_duplicate_titles=False, quiet=True):
    srv = Server((host, port), Handler)
    srv.state = State(allow_duplicate_titles=allow_duplicate_titles, datasources=datasources)
    srv.token = token
    srv.basic = basic
    srv.quiet = quiet
    return srv


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1; keep it on loopback)")
    ap.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    ap.add_argument("--port-file", help="write the chosen port (digits + newline) to this file")
    ap.add_argument("--token", help="required Bearer token (no token and no --basic: no auth)")
    ap.add_argument("--basic", metavar="USER:PASS", help="also accept HTTP basic auth with these credentials")
    ap.add_argument("--datasource", action="append", default=[], metavar="UID[:TYPE]",
                    help="a data source that exists (alert-rule queries must then use a known uid)")
    ap.add_argument("--allow-duplicate-titles", action="store_true",
                    help="newer-Grafana behaviour: no name-exists for same title in a folder")
    ap.add_argument("--quiet", action="store_true", help="no per-request lines on stderr")
    a = ap.parse_args(argv)
    dss = []
    for spec in a.datasource:
        uid, _, typ = spec.partition(":")
        dss.append({"uid": uid, "name": uid, "type": typ or "prometheus", "access": "proxy",
                    "url": "http://127.0.0.1:9090", "isDefault": not dss})
    srv = make_server(a.host, a.port, a.token, a.basic, dss, a.allow_duplicate_titles, quiet=a.quiet)
    host, port = srv.server_address[:2]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, a.port_file)
    print(f"listening on {host}:{port}", flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
