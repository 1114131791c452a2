"""NerdGraph's rules for what monitorc sends, shared by the fake NerdGraph and the build
goldens: a JSON value checked against an input type of the schema tables (as GraphQL coerces
a variable), and New Relic's own rules for an NRQL condition (terms, windows, fill values,
baseline operators), applied to the condition as the service stores it."""
import copy
import json

import nerdgraph_schema as S


class Refused(Exception):
    def __init__(self, message, error_class="BAD_USER_INPUT", line=None, column=None):
        super().__init__(message)
        self.error_class, self.line, self.column = error_class, line, column

    def error(self):
        e = {"message": str(self), "extensions": {"errorClass": self.error_class}}
        if self.line:
            e["locations"] = [{"line": self.line, "column": self.column}]
        return e


def coerce(value, t, path):
    """Checks a JSON value (a variable's) against input type `t`; raises Refused."""
    if t.endswith("!"):
        if value is None:
            raise Refused('Variable %s: Expected non-nullable type "%s" not to be null.' % (path, t))
        return coerce(value, t[:-1], path)
    if value is None:
        return
    if t.startswith("["):
        inner = t[1:-1]
        for i, v in enumerate(value if isinstance(value, list) else [value]):
            coerce(v, inner, "%s[%d]" % (path, i))
        return
    if t in ("Int", "Seconds"):
        ok = isinstance(value, int) and not isinstance(value, bool) and -2**31 <= value < 2**31
        ok = ok or (t == "Seconds" and isinstance(value, int) and not isinstance(value, bool))
    elif t == "Float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif t in ("String", "EntityGuid", "DateTime"):
        ok = isinstance(value, str)
    elif t == "DashboardWidgetRawConfiguration":
        ok = isinstance(value, dict)
    elif t == "ID":
        ok = isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    elif t == "Boolean":
        ok = isinstance(value, bool)
    elif t in S.ENUMS:
        ok = isinstance(value, str) and value in S.ENUMS[t]
        if not ok:
            raise Refused('Variable %s: Value "%s" does not exist in "%s" enum.' % (path, value, t))
    elif t in S.INPUTS:
        if not isinstance(value, dict):
            raise Refused('Variable %s: Expected type "%s" to be an object.' % (path, t))
        fields = S.INPUTS[t]
        for k in value:
            if k not in fields:
                raise Refused('Variable %s: Field "%s" is not defined by type "%s".' % (path, k, t))
        for k, ft in fields.items():
            if ft.endswith("!") and k not in value:
                raise Refused('Variable %s: Field "%s.%s" of required type "%s" was not provided.' % (path, t, k, ft))
            if k in value:
                coerce(value[k], ft, path + "." + k)
        return
    else:
        raise Refused('Unknown type "%s".' % t)
    if not ok:
        raise Refused('Variable %s: %s cannot represent %s' % (path, t, json.dumps(value)))


def condition_rules(c):
    if not c["name"]:
        raise Refused("name must not be blank", "INVALID_INPUT")
    sig, exp = c["signal"], c["expiration"]
    window = sig.get("aggregationWindow") or 60
    if not 30 <= window <= 21600:
        raise Refused("aggregationWindow must be between 30 and 21600 seconds", "INVALID_INPUT")
    if not c["terms"] and not exp.get("openViolationOnExpiration"):
        raise Refused("a condition needs terms or openViolationOnExpiration", "INVALID_INPUT")
    seen = set()
    for t in c["terms"]:
        p = t.get("priority") or "CRITICAL"
        if p in seen:
            raise Refused("only one term per priority", "INVALID_INPUT")
        seen.add(p)
        if t["thresholdDuration"] % window or t["thresholdDuration"] < window:
            raise Refused("thresholdDuration must be a multiple of aggregationWindow", "INVALID_INPUT")
        if c["type"] == "BASELINE" and t["operator"] != "ABOVE":
            raise Refused("baseline conditions only support the ABOVE operator", "INVALID_INPUT")
    if (sig.get("fillOption") == "STATIC") != (sig.get("fillValue") is not None):
        raise Refused("fillValue goes with fillOption STATIC", "INVALID_INPUT")
    if sig.get("aggregationMethod") == "EVENT_TIMER" and sig.get("aggregationDelay") is not None:
        raise Refused("aggregationDelay cannot be used with EVENT_TIMER", "INVALID_INPUT")
    if exp.get("openViolationOnExpiration") and not exp.get("expirationDuration"):
        raise Refused("expirationDuration is required to open violations on expiration", "INVALID_INPUT")


def stored_condition(kind, policy_id, given, old=None, new_id=lambda: "1"):
    c = copy.deepcopy(old) if old else {
        "__typename": "AlertsNrqlBaselineCondition" if kind == "BASELINE" else "AlertsNrqlStaticCondition",
        "id": new_id(), "type": kind, "policyId": policy_id, "enabled": True, "description": None, "runbookUrl": None,
        "titleTemplate": None, "violationTimeLimitSeconds": 259200, "entityGuid": "",
        "nrql": {"query": "", "dataAccountId": None, "evaluationOffset": None}, "terms": [],
        "signal": {"aggregationWindow": 60, "aggregationMethod": "EVENT_FLOW", "aggregationDelay": 120, "aggregationTimer": None,
                   "fillOption": "NONE", "fillValue": None, "slideBy": None, "evaluationDelay": None, "evaluationOffset": None},
        "expiration": {"expirationDuration": None, "openViolationOnExpiration": False, "closeViolationsOnExpiration": False,
                       "ignoreOnExpectedTermination": False},
    }
    if not old:
        c["entityGuid"] = "MXxBSU9QU3xDT05ESVRJT058" + c["id"]
        if kind == "STATIC":
            c["valueFunction"] = None
    for k, v in given.items():
        if k in ("nrql", "signal", "expiration"):
            if v is not None:
                c[k].update(v)
                if k == "signal" and v.get("aggregationMethod") == "EVENT_TIMER" and "aggregationDelay" not in v:
                    c[k]["aggregationDelay"] = None
        elif k == "terms":
            c["terms"] = [{"operator": t["operator"], "priority": t.get("priority") or "CRITICAL", "threshold": float(t["threshold"]),
                           "thresholdDuration": t["thresholdDuration"], "thresholdOccurrences": t["thresholdOccurrences"]} for t in v]
        else:
            c[k] = v
    condition_rules(c)
    return c




VISUALIZATIONS_WITH_NRQL = {"viz.area", "viz.bar", "viz.billboard", "viz.bullet", "viz.event-feed", "viz.funnel", "viz.heatmap",
                            "viz.histogram", "viz.json", "viz.line", "viz.pie", "viz.stacked-bar", "viz.table"}


def dashboard_rules(d):
    """What dashboardCreate / dashboardUpdate refuse (as an INVALID_INPUT error in the payload):
    the 12-column grid, a visualization per widget, NRQL queries with their accounts, markdown
    with its text. Returns the reason, or None."""
    if not d["name"].strip():
        return "name must not be blank"
    if not d["pages"]:
        return "a dashboard needs at least one page"
    for p in d["pages"]:
        if not p["name"].strip():
            return "a page needs a name"
        for i, w in enumerate(p["widgets"]):
            where = "page '%s' widget %d" % (p["name"], i)
            viz = (w.get("visualization") or {}).get("id")
            if not viz:
                return where + ": visualization.id is required"
            lay = w.get("layout") or {}
            col, width = lay.get("column") or 1, lay.get("width") or 4
            if not 1 <= col <= 12 or not 1 <= width <= 12 or col + width - 1 > 12:
                return where + ": a widget spans columns 1 to 12 (column %s, width %s)" % (col, width)
            if (lay.get("row") or 1) < 1 or (lay.get("height") or 3) < 1:
                return where + ": row and height start at 1"
            raw = w.get("rawConfiguration") or {}
            if viz in VISUALIZATIONS_WITH_NRQL:
                qs = raw.get("nrqlQueries")
                if not isinstance(qs, list) or not qs:
                    return where + ": %s needs rawConfiguration.nrqlQueries" % viz
                for q in qs:
                    ids = q.get("accountIds") if isinstance(q, dict) else None
                    if not isinstance(ids, list) or not ids or not all(isinstance(a, int) and a > 0 for a in ids):
                        return where + ": each NRQL query names its accounts (accountIds)"
                    if not isinstance(q.get("query"), str) or not q["query"].strip():
                        return where + ": an NRQL query must not be blank"
            elif viz == "viz.markdown" and not isinstance(raw.get("text"), str):
                return where + ": viz.markdown needs rawConfiguration.text"
    return None
