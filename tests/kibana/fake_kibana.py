#!/usr/bin/env python3
"""A fake Kibana alerting API for monitorc's tests, following Kibana's published API (the
create/update/delete/find rule APIs and the Elasticsearch query rule type's params):

  POST   [/s/SPACE]/api/alerting/rule[/ID]      create (ID: a UUID v1 or v4; 409 when taken)
  PUT    [/s/SPACE]/api/alerting/rule/ID        update (only name, tags, schedule, params, actions,
                                                throttle, notify_when; 404 when missing)
  GET    [/s/SPACE]/api/alerting/rule/ID
  DELETE [/s/SPACE]/api/alerting/rule/ID        204
  POST   [/s/SPACE]/api/alerting/rule/ID/_enable | _disable   204
  GET    [/s/SPACE]/api/alerting/rules/_find?page=&per_page=

and the saved objects API (_import, _export, _find, _bulk_get, GET and DELETE of one object:
fake_saved_objects.py).

Every request needs `Authorization: ApiKey KEY` (401 otherwise); every request but a GET needs a
`kbn-xsrf` header (400 otherwise). Bad bodies get 400 with Kibana's error body
{"statusCode", "error", "message"} and messages in the style of Kibana's config-schema
("[request body.name]: expected value of type [string] but got [undefined]", "params invalid:
[size]: ..."). Control endpoints for the tests (no key): POST /_reset, POST /_seed {space, id?,
rule}, POST /_faults [{method, path, status, times, after, lose}], POST /_delay {seconds}, GET /_state,
GET /_log, POST /_seed_objects {space, objects: [saved objects]} (stored as given).

  fake_kibana.py PORT_FILE API_KEY
"""
import datetime
import json
import re
import sys
import threading
import time
import uuid
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_saved_objects as so  # noqa: E402

PORT_FILE, API_KEY = sys.argv[1], sys.argv[2]
LOCK = threading.Lock()
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[14][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
INTERVAL_RE = re.compile(r"^[1-9][0-9]*[smhd]$")
RULE_TYPES = {".es-query": {"query matched", "recovered"}, ".index-threshold": {"threshold met", "recovered"}}
CONNECTORS = {"oncall-slack": ".slack", "ops-log": ".server-log", "team-email": ".email"}
CREATE_KEYS = {"name", "rule_type_id", "consumer", "schedule", "params", "actions", "enabled", "tags", "throttle",
               "notify_when", "alert_delay"}
UPDATE_KEYS = {"name", "schedule", "params", "actions", "tags", "throttle", "notify_when", "alert_delay"}


def fresh():
    return {"spaces": {}, "objects": {}, "log": [], "faults": [], "delay": 0.0}


STATE = fresh()


class Invalid(Exception):
    pass


def typename(v):
    if v is None:
        return "undefined"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "Array"
    return "Object"


def expect(where, v, t):
    ok = {"string": isinstance(v, str), "number": isinstance(v, (int, float)) and not isinstance(v, bool),
          "boolean": isinstance(v, bool), "object": isinstance(v, dict), "array": isinstance(v, list)}[t]
    if not ok:
        raise Invalid("[%s]: expected value of type [%s] but got [%s]" % (where, t, typename(v)))


def check_es_query_params(p):
    """The Elasticsearch query rule type's params schema (esQuery and searchSource forms)."""
    def need(k, t):
        expect(k, p.get(k), t)
    known = {"size", "timeWindowSize", "timeWindowUnit", "threshold", "thresholdComparator", "searchType", "esQuery",
             "index", "timeField", "searchConfiguration", "excludeHitsFromPreviousRun", "aggType", "aggField", "groupBy",
             "termField", "termSize", "sourceFields", "esqlQuery"}
    for k in p:
        if k not in known:
            raise Invalid("[%s]: definition for this key is missing" % k)
    need("size", "number")
    if not (0 <= p["size"] <= 10000) or p["size"] != int(p["size"]):
        raise Invalid("[size]: Value must be equal to or lower than [10000].")
    need("timeWindowSize", "number")
    if p["timeWindowSize"] < 1:
        raise Invalid("[timeWindowSize]: Value must be equal to or greater than [1].")
    if p.get("timeWindowUnit") not in ("s", "m", "h", "d"):
        raise Invalid("[timeWindowUnit]: invalid timeWindowUnit: \"%s\"" % p.get("timeWindowUnit"))
    need("threshold", "array")
    if not 1 <= len(p["threshold"]) <= 2 or not all(isinstance(x, (int, float)) for x in p["threshold"]):
        raise Invalid("[threshold]: array size is [%d], but cannot be smaller than [1]" % len(p["threshold"]))
    cmp_ = p.get("thresholdComparator")
    if cmp_ not in (">", ">=", "<", "<=", "between", "notBetween"):
        raise Invalid("[thresholdComparator]: invalid thresholdComparator specified: %s" % cmp_)
    if cmp_ in ("between", "notBetween") and len(p["threshold"]) != 2:
        raise Invalid("[threshold]: must have two elements for the \"%s\" comparator" % cmp_)
    if cmp_ not in ("between", "notBetween") and len(p["threshold"]) != 1:
        raise Invalid("[threshold]: must have one element for the \"%s\" comparator" % cmp_)
    agg = p.get("aggType", "count")
    if agg not in ("count", "avg", "min", "max", "sum"):
        raise Invalid("[aggType]: invalid aggType: \"%s\"" % agg)
    if agg != "count" and not p.get("aggField"):
        raise Invalid("[aggField]: must have a value when [aggType] is \"%s\"" % agg)
    group = p.get("groupBy", "all")
    if group not in ("all", "top"):
        raise Invalid("[groupBy]: invalid groupBy: \"%s\"" % group)
    if group == "top" and (not p.get("termField") or "termSize" not in p):
        raise Invalid("[termField]: termField required when [groupBy] is top")
    if "excludeHitsFromPreviousRun" in p:
        need("excludeHitsFromPreviousRun", "boolean")
    st = p.get("searchType", "esQuery")
    if st == "esQuery":
        need("esQuery", "string")
        try:
            dsl = json.loads(p["esQuery"])
        except ValueError:
            raise Invalid("[esQuery]: must be valid JSON")
        if not isinstance(dsl, dict) or "query" not in dsl:
            raise Invalid("[esQuery]: must contain \"query\"")
        need("index", "array")
        if not p["index"] or not all(isinstance(i, str) and i for i in p["index"]):
            raise Invalid("[index]: array size is [0], but cannot be smaller than [1]")
        need("timeField", "string")
        if not p["timeField"]:
            raise Invalid("[timeField]: value has length [0] but it must have a minimum length of [1].")
        if "searchConfiguration" in p:
            raise Invalid("[searchConfiguration]: a value wasn't expected to be present")
    elif st == "searchSource":
        need("searchConfiguration", "object")
        sc = p["searchConfiguration"]
        if not isinstance(sc.get("index"), (str, dict)) or not sc.get("index"):
            raise Invalid("[searchConfiguration.index]: expected a data view id")
        q = sc.get("query", {})
        if not isinstance(q, dict) or not isinstance(q.get("query"), str) or q.get("language") not in ("kuery", "lucene"):
            raise Invalid("[searchConfiguration.query]: expected {query, language: kuery or lucene}")
        for k in ("esQuery", "index", "timeField"):
            if k in p:
                raise Invalid("[%s]: a value wasn't expected to be present" % k)
    else:
        raise Invalid("[searchType]: types that failed validation: \"%s\"" % st)


def check_actions(actions, rule_type):
    expect("request body.actions", actions, "array")
    for i, a in enumerate(actions):
        expect("request body.actions.%d" % i, a, "object")
        for k in a:
            if k not in ("group", "id", "params", "frequency", "uuid", "alerts_filter", "use_alert_data_for_template"):
                raise Invalid("[request body.actions.%d.%s]: definition for this key is missing" % (i, k))
        expect("request body.actions.%d.id" % i, a.get("id"), "string")
        expect("request body.actions.%d.params" % i, a.get("params"), "object")
        if "group" in a:
            expect("request body.actions.%d.group" % i, a["group"], "string")
        f = a.get("frequency")
        if f is not None:
            expect("request body.actions.%d.frequency" % i, f, "object")
            expect("request body.actions.%d.frequency.summary" % i, f.get("summary"), "boolean")
            if f.get("notify_when") not in ("onActionGroupChange", "onActiveAlert", "onThrottleInterval"):
                raise Invalid("[request body.actions.%d.frequency.notify_when]: types that failed validation" % i)
            if f.get("throttle") is not None and not isinstance(f.get("throttle"), str):
                raise Invalid("[request body.actions.%d.frequency.throttle]: expected value of type [string]" % i)
    bad = sorted({a.get("group", "") for a in actions} - RULE_TYPES[rule_type])
    if bad:
        raise Invalid("Invalid action groups: %s" % ", ".join(bad))
    for a in actions:
        if a["id"] not in CONNECTORS:
            raise Invalid("Failed to validate actions due to the following error: Saved object [action/%s] not found" % a["id"])


def check_common(body, keys, create):
    expect("request body", body, "object")
    for k in body:
        if k not in keys:
            raise Invalid("[request body.%s]: definition for this key is missing" % k)
    expect("request body.name", body.get("name"), "string")
    if create:
        expect("request body.rule_type_id", body.get("rule_type_id"), "string")
        expect("request body.consumer", body.get("consumer"), "string")
        if "enabled" in body:
            expect("request body.enabled", body["enabled"], "boolean")
    expect("request body.schedule", body.get("schedule"), "object")
    expect("request body.schedule.interval", body["schedule"].get("interval"), "string")
    if not INTERVAL_RE.match(body["schedule"]["interval"]):
        raise Invalid("[request body.schedule.interval]: string is not a valid duration: %s" % body["schedule"]["interval"])
    if "tags" in body:
        expect("request body.tags", body["tags"], "array")
        for i, t in enumerate(body["tags"]):
            expect("request body.tags.%d" % i, t, "string")
    expect("request body.params", body.get("params"), "object")


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def with_defaults(rule_type, params):
    p = dict(params)
    if rule_type == ".es-query":
        p.setdefault("searchType", "esQuery")
        p.setdefault("excludeHitsFromPreviousRun", True)
        p.setdefault("aggType", "count")
        p.setdefault("groupBy", "all")
    return p


def stored_actions(actions):
    out = []
    for a in actions:
        b = {"group": a["group"], "id": a["id"], "params": a["params"], "connector_type_id": CONNECTORS.get(a["id"], ""),
             "uuid": str(uuid.uuid4())}
        b["frequency"] = a.get("frequency") or {"summary": False, "notify_when": "onActionGroupChange", "throttle": None}
        out.append(b)
    return out


def validate_create(body):
    check_common(body, CREATE_KEYS, True)
    if body["rule_type_id"] not in RULE_TYPES:
        raise Invalid("Rule type \"%s\" is not registered." % body["rule_type_id"])
    if body["rule_type_id"] == ".es-query":
        try:
            check_es_query_params(body["params"])
        except Invalid as e:
            raise Invalid("params invalid: %s" % e)
    check_actions(body.get("actions", []), body["rule_type_id"])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body=None, headers=None):
        text = isinstance(body, str)  # _export's NDJSON
        data = b"" if body is None else body.encode() if text else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/ndjson" if text else "application/json; charset=utf-8")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message):
        names = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict", 429: "Too Many Requests",
                 503: "Service Unavailable"}
        self.reply(status, {"statusCode": status, "error": names.get(status, "Error"), "message": message})

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        self.raw = raw
        if not raw or (self.headers.get("Content-Type") or "").startswith("multipart/"):
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise Invalid("[request body]: could not parse object value from json input")

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def control(self, method, path):
        global STATE
        body = self.body()
        with LOCK:
            if path == "/_reset":
                STATE = fresh()
                return self.reply(200, {})
            if path == "/_seed":
                space = body.get("space", "default")
                rid = body.get("id") or str(uuid.uuid4())
                r = dict(body["rule"])
                r.setdefault("enabled", True)
                r.setdefault("tags", [])
                r["params"] = with_defaults(r["rule_type_id"], r["params"])
                r["actions"] = stored_actions(r.get("actions", []))
                r.update({"id": rid, "created_at": now(), "updated_at": now(), "mute_all": False})
                STATE["spaces"].setdefault(space, {})[rid] = r
                return self.reply(200, {"id": rid})
            if path == "/_seed_objects":
                store = STATE["objects"].setdefault(body.get("space", "default"), {})
                for o in body["objects"]:
                    store[(o["type"], o["id"])] = dict(o, references=o.get("references", []))
                return self.reply(200, {})
            if path == "/_faults":
                STATE["faults"] = body or []
                return self.reply(200, {})
            if path == "/_delay":
                STATE["delay"] = float((body or {}).get("seconds", 0))
                return self.reply(200, {})
            if path == "/_state":
                objects = {space: sorted(store.values(), key=lambda o: (o["type"], o["id"]))
                           for space, store in STATE["objects"].items()}
                return self.reply(200, {"spaces": STATE["spaces"], "objects": objects})
            if path == "/_log":
                return self.reply(200, STATE["log"])
        self.error(404, "Not Found")

    def fault(self, method, path):
        with LOCK:
            for f in STATE["faults"]:
                if f.get("method", method) != method or f.get("path", "") not in path:
                    continue
                if f.get("after", 0) > 0:
                    f["after"] -= 1
                    continue
                if f.get("times", 1) <= 0:
                    continue
                f["times"] = f.get("times", 1) - 1
                return f.get("status", 503), f.get("lose", False)
        return None, False

    def handle_any(self, method):
        url = urlparse(self.path)
        path = url.path
        if path.startswith("/_"):
            return self.control(method, path)
        space = "default"
        m = re.match(r"^/s/([a-z0-9_-]+)(/.*)$", path)
        if m:
            space, path = m.group(1), m.group(2)
        entry = {"method": method, "path": path, "space": space}
        with LOCK:
            STATE["log"].append(entry)
        try:
            body = self.body()
        except Invalid as e:
            entry["status"] = 400
            return self.error(400, str(e))
        if self.headers.get("Authorization") != "ApiKey " + API_KEY:
            entry["status"] = 401
            return self.error(401, "[security_exception]: unable to authenticate with provided credentials")
        if method != "GET" and self.headers.get("kbn-xsrf") is None:
            entry["status"] = 400
            return self.error(400, "Request must contain a kbn-xsrf header.")
        status, lose = self.fault(method, path)
        if status and lose:
            # The request is carried out, but its answer is lost on the way back.
            try:
                self.route(method, path, parse_qs(url.query), body, space)
            except Invalid:
                pass
        if status:
            entry["status"] = status
            return self.reply(status, {"statusCode": status, "error": "Too Many Requests" if status == 429 else "Service Unavailable",
                                       "message": "injected fault"}, {"Retry-After": "0"})
        if STATE["delay"]:
            started_in = STATE
            time.sleep(STATE["delay"])
            if STATE is not started_in:
                # A test reset the fake while this request slept (its client was killed in an
                # earlier test): it must not write into the next test's state.
                entry["status"] = 503
                return self.reply(503, {"statusCode": 503, "error": "Service Unavailable", "message": "fake was reset"})
        try:
            status, answer = self.route(method, path, parse_qs(url.query), body, space)
        except Invalid as e:
            status, answer = 400, {"statusCode": 400, "error": "Bad Request", "message": str(e)}
        entry["status"] = status
        self.reply(status, answer)

    def route(self, method, path, query, body, space):
        with LOCK:
            if path.startswith("/api/saved_objects/"):
                try:
                    answer = so.route(STATE["objects"].setdefault(space, {}), method, path, query, body,
                                      getattr(self, "raw", b""), self.headers.get("Content-Type"), now())
                except so.Invalid as e:
                    raise Invalid(str(e))
                return answer or (404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})
            rules = STATE["spaces"].setdefault(space, {})
            if method == "GET" and path == "/api/alerting/rules/_find":
                try:
                    page = int(query.get("page", ["1"])[0])
                    per_page = int(query.get("per_page", ["10"])[0])
                except ValueError:
                    raise Invalid("[request query.page]: expected value of type [number]")
                if page < 1 or per_page < 0 or per_page > 10000:
                    raise Invalid("[request query.per_page]: Value must be equal to or lower than [10000].")
                items = sorted(rules.values(), key=lambda r: r["created_at"] + r["id"])
                if query.get("sort_field", [""])[0] == "name":
                    items.sort(key=lambda r: r["name"].lower())
                chunk = items[(page - 1) * per_page: page * per_page]
                return 200, {"page": page, "per_page": per_page, "total": len(items), "data": chunk}
            m = re.match(r"^/api/alerting/rule(?:/([^/]+))?(/_enable|/_disable)?$", path)
            if not m:
                return 404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"}
            rid, verb = m.group(1), m.group(2)
            if method == "POST" and not verb:
                validate_create(body)
                if rid is not None and not UUID_RE.match(rid):
                    raise Invalid("Rule ID must be a valid UUID v1 or v4")
                rid = rid or str(uuid.uuid4())
                if rid in rules:
                    return 409, {"statusCode": 409, "error": "Conflict", "message": "Saved object [alert/%s] conflict" % rid}
                r = {"id": rid, "name": body["name"], "tags": body.get("tags", []), "enabled": body.get("enabled", True),
                     "rule_type_id": body["rule_type_id"], "consumer": body["consumer"], "schedule": body["schedule"],
                     "params": with_defaults(body["rule_type_id"], body["params"]),
                     "actions": stored_actions(body.get("actions", [])), "throttle": None, "notify_when": None,
                     "mute_all": False, "muted_alert_ids": [], "created_by": "monitorc-test", "updated_by": "monitorc-test",
                     "api_key_owner": "monitorc-test", "created_at": now(), "updated_at": now(), "revision": 0,
                     "execution_status": {"status": "pending", "last_execution_date": now()}}
                rules[rid] = r
                return 200, r
            if rid is None or rid not in rules:
                return 404, {"statusCode": 404, "error": "Not Found", "message": "Saved object [alert/%s] not found" % rid}
            r = rules[rid]
            if method == "GET" and not verb:
                return 200, r
            if method == "PUT" and not verb:
                check_common(body, UPDATE_KEYS, False)
                if r["rule_type_id"] == ".es-query":
                    try:
                        check_es_query_params(body["params"])
                    except Invalid as e:
                        raise Invalid("params invalid: %s" % e)
                check_actions(body.get("actions", []), r["rule_type_id"])
                r.update({"name": body["name"], "tags": body.get("tags", []), "schedule": body["schedule"],
                          "params": with_defaults(r["rule_type_id"], body["params"]),
                          "actions": stored_actions(body.get("actions", [])), "updated_at": now(),
                          "revision": r.get("revision", 0) + 1})
                return 200, r
            if method == "DELETE" and not verb:
                del rules[rid]
                return 204, None
            if method == "POST" and verb:
                r["enabled"] = verb == "/_enable"
                return 204, None
        return 404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"}


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(PORT_FILE + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(PORT_FILE + ".tmp", PORT_FILE)
    server.serve_forever()


if __name__ == "__main__":
    main()
