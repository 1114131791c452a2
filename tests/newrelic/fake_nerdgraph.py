#!/usr/bin/env python3
"""A fake NerdGraph (New Relic's GraphQL API) for monitorc's tests, on loopback.

    fake_nerdgraph.py PORT_FILE API_KEY ACCOUNT_ID

POST /graphql with {"query", "variables"} and the `API-Key` header. Each document is parsed
(graphql.py) and validated against the published schema's tables (nerdgraph_schema.py) as a
GraphQL server does: unknown fields, arguments and input fields, missing required ones, enum
values, scalar types and variable types are refused with a GraphQL error (HTTP 200, an `errors`
array). Valid documents run against in-memory alert policies, NRQL conditions and dashboards, with New
Relic's own rules for conditions (terms, windows, fill values, baseline operators) and for
dashboards (the 12-column grid, NRQL queries with their accounts: nerdgraph_rules.py). Search
results come in small pages with `nextCursor`, so clients must page.

Test controls (no key needed): POST /_reset; GET /_state; GET /_log (every request: the
top-level fields it asked for); POST /_seed {"policies": [...], "conditions": [...],
"dashboards": [DashboardInput, with "accountId" for another account's]} adds objects made by
someone else; POST /_delay {FIELD: SECONDS} slows those requests down;
POST /_fault {"status": 429|500, "count": N, "field": NAME,
"body": true (the error in a 200 body, as NerdGraph reports rate limits), "after": true (carry
the request out, then answer the fault: a lost answer)}, or {"clear": true}."""
import copy
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import graphql
import nerdgraph_schema as S
from nerdgraph_rules import Refused, coerce, dashboard_rules, stored_condition

PORT_FILE, API_KEY, ACCOUNT = sys.argv[1], sys.argv[2], int(sys.argv[3])
POLICY_PAGE, CONDITION_PAGE, ENTITY_PAGE = 2, 3, 2
lock = threading.Lock()


def fresh():
    return {"policies": {}, "conditions": {}, "dashboards": {}, "next_id": 1000, "faults": [], "log": [], "delays": {}}


state = fresh()


# ---- validation against the schema ----

def literal(node, t, variables, declared, where):
    """A value written in the document, at input type `t`, as JSON; checks variable uses."""
    kind = node[0]
    if kind == "var":
        name = node[1]
        if name not in declared:
            raise Refused('Variable "$%s" is not defined.' % name, "GRAPHQL_VALIDATION_FAILED", node[2], node[3])
        vt = declared[name]["type"]
        if not (vt == t or vt == t + "!" or (t.endswith("!") and vt == t)):
            raise Refused('Variable "$%s" of type "%s" used in position expecting type "%s".' % (name, vt, t),
                          "GRAPHQL_VALIDATION_FAILED", node[2], node[3])
        return variables.get(name, declared[name]["default"])
    base = t[:-1] if t.endswith("!") else t
    if kind == "null":
        if t.endswith("!"):
            raise Refused('Expected value of type "%s", found null (%s).' % (t, where), "GRAPHQL_VALIDATION_FAILED")
        return None
    if base.startswith("["):
        items = node[1] if kind == "list" else [node]
        return [literal(i, base[1:-1], variables, declared, where) for i in items]
    if base in S.INPUTS:
        if kind != "object":
            raise Refused('Expected value of type "%s" (%s).' % (t, where), "GRAPHQL_VALIDATION_FAILED")
        out = {}
        for k, v in node[1].items():
            if k not in S.INPUTS[base]:
                raise Refused('Field "%s" is not defined by type "%s".' % (k, base), "GRAPHQL_VALIDATION_FAILED")
            out[k] = literal(v, S.INPUTS[base][k], variables, declared, where + "." + k)
        for k, ft in S.INPUTS[base].items():
            if ft.endswith("!") and k not in out:
                raise Refused('Field "%s.%s" of required type "%s" was not provided.' % (base, k, ft), "GRAPHQL_VALIDATION_FAILED")
        return out
    if base in S.ENUMS:
        if kind != "enum" or node[1] not in S.ENUMS[base]:
            raise Refused('Value %r does not exist in "%s" enum (%s).' % (node[1], base, where), "GRAPHQL_VALIDATION_FAILED")
        return node[1]
    value = node[1]
    coerce(value, base, where)
    return value


def check_selection(sel, typename, variables, declared):
    for item in sel:
        if "fragment" in item:
            on = item["fragment"]
            if on != typename and on not in S.INTERFACES.get(typename, ()):
                raise Refused('Fragment cannot be spread here as objects of type "%s" can never be of type "%s".' % (typename, on),
                              "GRAPHQL_VALIDATION_FAILED", item["line"], item["col"])
            check_selection(item["sel"], on, variables, declared)
            continue
        name = item["name"]
        if name == "__typename":
            continue
        fields = S.OBJECTS[typename]
        if name not in fields:
            raise Refused('Cannot query field "%s" on type "%s".' % (name, typename), "GRAPHQL_VALIDATION_FAILED",
                          item["line"], item["col"])
        ftype, argdefs = fields[name]
        values = {}
        for an, av in item["args"].items():
            if an not in argdefs:
                raise Refused('Unknown argument "%s" on field "%s.%s".' % (an, typename, name), "GRAPHQL_VALIDATION_FAILED",
                              item["line"], item["col"])
            values[an] = literal(av, argdefs[an], variables, declared, "%s(%s)" % (name, an))
        for an, at in argdefs.items():
            if at.endswith("!") and an not in item["args"]:
                raise Refused('Field "%s" argument "%s" of type "%s" is required, but it was not provided.' % (name, an, at),
                              "GRAPHQL_VALIDATION_FAILED", item["line"], item["col"])
        item["values"] = values
        inner = S.named(ftype)
        if inner in S.OBJECTS:
            if item["sel"] is None:
                raise Refused('Field "%s" of type "%s" must have a selection of subfields.' % (name, ftype),
                              "GRAPHQL_VALIDATION_FAILED", item["line"], item["col"])
            check_selection(item["sel"], inner, variables, declared)
        elif item["sel"] is not None:
            raise Refused('Field "%s" must not have a selection since type "%s" has no subfields.' % (name, ftype),
                          "GRAPHQL_VALIDATION_FAILED", item["line"], item["col"])


def validate(op, variables):
    declared = op["vars"]
    for name, d in declared.items():
        base = S.named(d["type"])
        if base not in S.SCALARS and base not in S.ENUMS and base not in S.INPUTS:
            raise Refused('Variable "$%s" cannot be non-input type "%s".' % (name, d["type"]), "GRAPHQL_VALIDATION_FAILED",
                          d["line"], d["col"])
        if name in variables or d["default"] is None:
            coerce(variables.get(name), d["type"], "$" + name)
    for name in variables:
        if name not in declared:
            raise Refused('Variable "$%s" is given but not declared by the operation.' % name, "GRAPHQL_VALIDATION_FAILED")
    root = {"query": "Query", "mutation": "Mutation"}.get(op["op"])
    if not root:
        raise Refused("NerdGraph subscriptions are not served here.", "GRAPHQL_VALIDATION_FAILED")
    check_selection(op["sel"], root, variables, declared)


# ---- New Relic's behaviour ----

def new_id():
    state["next_id"] += 1
    return str(state["next_id"])


def page(items, cursor, size):
    start = int(cursor) if cursor else 0
    chunk = items[start:start + size]
    nxt = str(start + size) if start + size < len(items) else None
    return chunk, nxt


def account(number):
    if number != ACCOUNT:
        raise Refused("Access denied: this key cannot reach account %s" % number, "FORBIDDEN")


def guid_of(kind, number):
    # Entity guids are base64 of "ACCOUNT|DOMAIN|TYPE|ID"; the fake keeps that shape.
    import base64
    return base64.b64encode(("%d|VIZ|%s|%s" % (ACCOUNT, kind, number)).encode()).decode().rstrip("=")


def stored_dashboard(given, account, old=None):
    """A DashboardInput as New Relic keeps it: guids for the dashboard and each page, ids for
    widgets, defaults for what was left out."""
    why = dashboard_rules(given)
    if why:
        return None, why
    guid = old["guid"] if old else guid_of("DASHBOARD", new_id())
    d = {"__typename": "DashboardEntity", "guid": guid, "name": given["name"], "accountId": account, "type": "DASHBOARD",
         "entityType": "DASHBOARD_ENTITY", "description": given.get("description"), "permissions": given["permissions"],
         "dashboardParentGuid": None, "pages": []}
    for p in given["pages"]:
        page = {"guid": p.get("guid") or guid_of("DASHBOARD", new_id()), "name": p["name"], "description": p.get("description"),
                "widgets": []}
        for w in p["widgets"]:
            lay = w.get("layout") or {}
            page["widgets"].append({"id": w.get("id") or new_id(), "title": w.get("title") or "",
                                    "visualization": {"id": w["visualization"]["id"]},
                                    "layout": {"column": lay.get("column") or 1, "row": lay.get("row") or 1,
                                               "width": lay.get("width") or 4, "height": lay.get("height") or 3},
                                    "rawConfiguration": copy.deepcopy(w.get("rawConfiguration") or {})})
        d["pages"].append(page)
    return d, None


def entity_search(query):
    """The entity search query language, as far as monitorc writes it: `key = 'value'` or
    `key = number` joined by AND, over type, accountId and name. Each page of a dashboard is
    a dashboard entity too (with its dashboard as parent), as New Relic indexes them."""
    outlines = []
    for d in sorted(state["dashboards"].values(), key=lambda d: d["guid"]):
        base = {"__typename": "DashboardEntityOutline", "accountId": d["accountId"], "type": "DASHBOARD",
                "entityType": "DASHBOARD_ENTITY", "permissions": d["permissions"]}
        outlines.append(dict(base, guid=d["guid"], name=d["name"], dashboardParentGuid=None))
        for p in d["pages"]:
            outlines.append(dict(base, guid=p["guid"], name=p["name"], dashboardParentGuid=d["guid"]))
    for term in (query or "").split(" AND "):
        key, _, value = (x.strip() for x in term.partition("="))
        if not key:
            continue
        if key not in ("type", "accountId", "name"):
            raise Refused("entity search: unsupported field %s" % key, "BAD_USER_INPUT")
        value = value[1:-1] if value.startswith("'") and value.endswith("'") else value
        outlines = [o for o in outlines if str(o[key]) == value]
    return outlines


def run_field(typename, item, parent):
    name, values = item["name"], item.get("values", {})
    if typename == "Query" and name == "actor":
        return {"__typename": "Actor"}
    if typename == "Actor" and name == "account":
        account(values.get("id"))
        return {"__typename": "Account", "id": ACCOUNT, "name": "Test account"}
    if typename == "Account" and name == "alerts":
        return {"__typename": "AlertsAccountStitchedFields"}
    if typename == "Actor" and name == "entitySearch":
        return {"__typename": "EntitySearch", "query": values.get("query"), "_found": entity_search(values.get("query"))}
    if typename == "EntitySearch" and name == "results":
        chunk, nxt = page(parent["_found"], values.get("cursor"), ENTITY_PAGE)
        return {"__typename": "EntitySearchResult", "entities": chunk, "nextCursor": nxt}
    if typename == "EntitySearch" and name == "count":
        return len(parent["_found"])
    if typename == "Actor" and name in ("entities", "entity"):
        guids = values.get("guids") if name == "entities" else [values.get("guid")]
        if len(guids) > 25:
            raise Refused("entities: at most 25 guids at a time", "BAD_USER_INPUT")
        found = [state["dashboards"][g] for g in guids if g in state["dashboards"]]
        return found if name == "entities" else (found[0] if found else None)
    if name == "policiesSearch":
        crit = values.get("searchCriteria") or {}
        ps = sorted(state["policies"].values(), key=lambda p: int(p["id"]))
        if crit.get("ids"):
            ps = [p for p in ps if p["id"] in [str(i) for i in crit["ids"]]]
        if crit.get("name") is not None:
            ps = [p for p in ps if p["name"] == crit["name"]]
        if crit.get("nameLike") is not None:
            ps = [p for p in ps if crit["nameLike"].lower() in p["name"].lower()]
        chunk, nxt = page(ps, values.get("cursor"), POLICY_PAGE)
        return {"__typename": "AlertsPoliciesSearchResultSet", "policies": chunk, "nextCursor": nxt, "totalCount": len(ps)}
    if name == "nrqlConditionsSearch":
        crit = values.get("searchCriteria") or {}
        cs = sorted(state["conditions"].values(), key=lambda c: int(c["id"]))
        for key, test in (("policyId", lambda c, v: c["policyId"] == str(v)), ("name", lambda c, v: c["name"] == v),
                          ("nameLike", lambda c, v: v.lower() in c["name"].lower()),
                          ("query", lambda c, v: c["nrql"]["query"] == v), ("queryLike", lambda c, v: v in c["nrql"]["query"])):
            if crit.get(key) is not None:
                cs = [c for c in cs if test(c, crit[key])]
        chunk, nxt = page(cs, values.get("cursor"), CONDITION_PAGE)
        return {"__typename": "AlertsNrqlConditionsSearchResultSet", "nrqlConditions": chunk, "nextCursor": nxt, "totalCount": len(cs)}
    if typename == "Mutation" and name == "dashboardCreate":
        account(values.get("accountId"))
        d, why = stored_dashboard(values["dashboard"], ACCOUNT)
        if why:
            return {"__typename": "DashboardCreateResult", "entityResult": None, "errors": [{"type": "INVALID_INPUT", "description": why}]}
        state["dashboards"][d["guid"]] = d
        return {"__typename": "DashboardCreateResult", "entityResult": d, "errors": []}
    if typename == "Mutation" and name == "dashboardUpdate":
        old = state["dashboards"].get(values["guid"])
        if not old:
            return {"__typename": "DashboardUpdateResult", "entityResult": None,
                    "errors": [{"type": "FORBIDDEN_OPERATION", "description": "no dashboard %s" % values["guid"]}]}
        d, why = stored_dashboard(values["dashboard"], old["accountId"], old)
        if why:
            return {"__typename": "DashboardUpdateResult", "entityResult": None, "errors": [{"type": "INVALID_INPUT", "description": why}]}
        state["dashboards"][d["guid"]] = d
        return {"__typename": "DashboardUpdateResult", "entityResult": d, "errors": []}
    if typename == "Mutation" and name == "dashboardDelete":
        if values["guid"] not in state["dashboards"]:
            return {"__typename": "DashboardDeleteResult", "status": "FAILURE",
                    "errors": [{"type": "DASHBOARD_NOT_FOUND", "description": "no dashboard %s" % values["guid"]}]}
        del state["dashboards"][values["guid"]]
        return {"__typename": "DashboardDeleteResult", "status": "SUCCESS", "errors": []}
    if typename == "Mutation":
        account(values.get("accountId"))
        if name == "alertsPolicyCreate":
            p = dict(values["policy"], id=new_id(), accountId=ACCOUNT, __typename="AlertsPolicy")
            if not p["name"]:
                raise Refused("name must not be blank", "INVALID_INPUT")
            state["policies"][p["id"]] = p
            return p
        if name in ("alertsNrqlConditionStaticCreate", "alertsNrqlConditionBaselineCreate"):
            pid = str(values["policyId"])
            if pid not in state["policies"]:
                raise Refused("Policy %s not found" % pid, "NOT_FOUND")
            c = stored_condition("BASELINE" if "Baseline" in name else "STATIC", pid, values["condition"], new_id=new_id)
            state["conditions"][c["id"]] = c
            return c
        if name in ("alertsNrqlConditionStaticUpdate", "alertsNrqlConditionBaselineUpdate"):
            cid = str(values["id"])
            old = state["conditions"].get(cid)
            kind = "BASELINE" if "Baseline" in name else "STATIC"
            if not old:
                raise Refused("Condition %s not found" % cid, "NOT_FOUND")
            if old["type"] != kind:
                raise Refused("Condition %s is a %s condition, not %s" % (cid, old["type"], kind), "INVALID_INPUT")
            c = stored_condition(kind, old["policyId"], values["condition"], old)
            state["conditions"][cid] = c
            return c
        if name == "alertsConditionDelete":
            cid = str(values["id"])
            if cid not in state["conditions"]:
                raise Refused("Condition %s not found" % cid, "NOT_FOUND")
            del state["conditions"][cid]
            return {"__typename": "AlertsConditionDeleteResponse", "id": cid}
    return parent.get(name) if isinstance(parent, dict) else None


def resolve(obj, sel, typename):
    out = {}
    for item in sel:
        if "fragment" in item:
            if obj.get("__typename") == item["fragment"] or item["fragment"] == typename:
                out.update(resolve(obj, item["sel"], item["fragment"]))
            continue
        if item["name"] == "__typename":
            out[item["alias"]] = obj.get("__typename", typename)
            continue
        ftype = S.OBJECTS[typename][item["name"]][0]
        value = run_field(typename, item, obj)
        inner = S.named(ftype)
        if inner in S.OBJECTS and value is not None:
            if isinstance(value, list):
                value = [resolve(v, item["sel"], v.get("__typename", inner) if v.get("__typename") in S.OBJECTS else inner) for v in value]
            else:
                value = resolve(value, item["sel"], inner if inner not in S.INTERFACES else value.get("__typename", inner))
        out[item["alias"]] = value
    return out


def execute(body):
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise Refused("The request needs a query", "BAD_REQUEST")
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        raise Refused("variables must be an object", "BAD_REQUEST")
    try:
        ops = graphql.parse(body["query"])
    except graphql.GraphQLError as e:
        raise Refused(str(e), "GRAPHQL_PARSE_FAILED", e.line, e.column)
    if len(ops) != 1:
        raise Refused("This fake serves documents of one operation", "GRAPHQL_VALIDATION_FAILED")
    op = ops[0]
    validate(op, variables)
    return op, [i.get("name") for i in op["sel"]]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, doc, headers=()):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        global state
        with lock:
            if self.path == "/_state":
                return self.answer(200, {"policies": state["policies"], "conditions": state["conditions"],
                                         "dashboards": state["dashboards"]})
            if self.path == "/_log":
                return self.answer(200, state["log"])
        self.answer(404, {"errors": [{"message": "not found"}]})

    def do_POST(self):
        global state
        raw = self.read_body()
        with lock:
            if self.path == "/_reset":
                state = fresh()
                return self.answer(200, {})
            if self.path == "/_fault":
                fault = json.loads(raw)
                if fault.get("clear"):
                    state["faults"] = []
                else:
                    state["faults"].append(fault)
                return self.answer(200, {})
            if self.path == "/_delay":
                state["delays"] = json.loads(raw)
                return self.answer(200, {})
            if self.path == "/_seed":
                seed = json.loads(raw)
                for p in seed.get("policies", []):
                    p = dict(p, id=new_id(), accountId=ACCOUNT, __typename="AlertsPolicy")
                    p.setdefault("incidentPreference", "PER_POLICY")
                    state["policies"][p["id"]] = p
                made = []
                for c in seed.get("conditions", []):
                    given = dict(c)
                    kind, pid = given.pop("type", "STATIC"), str(given.pop("policyId"))
                    sc = stored_condition(kind, pid, given, new_id=new_id)
                    state["conditions"][sc["id"]] = sc
                    made.append(sc["id"])
                dashboards = []
                for given in seed.get("dashboards", []):
                    d, why = stored_dashboard(given, given.pop("accountId", ACCOUNT) if isinstance(given, dict) else ACCOUNT)
                    if why:
                        return self.answer(400, {"errors": [{"message": why}]})
                    state["dashboards"][d["guid"]] = d
                    dashboards.append(d["guid"])
                return self.answer(200, {"policies": list(state["policies"]), "conditions": made, "dashboards": dashboards})
            if self.path != "/graphql":
                return self.answer(404, {"errors": [{"message": "not found"}]})
            if self.headers.get("API-Key") != API_KEY:
                state["log"].append({"fields": [], "key": False})
                return self.answer(401, {"errors": [{"message": "Invalid API key", "extensions": {"errorClass": "UNAUTHORIZED"}}]})
            if "json" not in (self.headers.get("Content-Type") or ""):
                return self.answer(415, {"errors": [{"message": "Content-Type must be application/json"}]})
            try:
                body = json.loads(raw)
                op, fields = execute(body)
            except (ValueError, Refused) as e:
                err = e.error() if isinstance(e, Refused) else {"message": "Invalid JSON", "extensions": {"errorClass": "BAD_REQUEST"}}
                state["log"].append({"fields": [], "key": True, "error": err["message"]})
                return self.answer(200, {"errors": [err], "data": None})
            state["log"].append({"fields": fields, "key": True, "variables": body.get("variables")})
            for f in fields:
                time.sleep(state["delays"].get(f, 0))
            fault = None
            for f in state["faults"]:
                if f.get("count", 1) > 0 and (not f.get("field") or f["field"] in fields):
                    f["count"] = f.get("count", 1) - 1
                    fault = f
                    break
            if fault and not fault.get("after"):
                return self.fail(fault)
            snapshot = copy.deepcopy((state["policies"], state["conditions"], state["dashboards"], state["next_id"]))
            try:
                data = resolve({}, op["sel"], "Query" if op["op"] == "query" else "Mutation")
            except Refused as e:
                # A failed mutation changes nothing (each runs as a whole).
                state["policies"], state["conditions"], state["dashboards"], state["next_id"] = snapshot
                return self.answer(200, {"errors": [e.error()], "data": None})
            if fault:
                return self.fail(fault)
            self.answer(200, {"data": data})

    def fail(self, fault):
        status = fault.get("status", 500)
        cls = "TOO_MANY_REQUESTS" if status == 429 else "INTERNAL_SERVER_ERROR"
        err = {"errors": [{"message": "fault injected by the test", "extensions": {"errorClass": cls}}]}
        if fault.get("body"):
            return self.answer(200, dict(err, data=None))
        self.answer(status, err, [("Retry-After", "0")] if status == 429 else [])


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
