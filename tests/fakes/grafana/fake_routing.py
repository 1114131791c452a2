"""The notification part of the fake Grafana: contact points, the notification policy tree and
mute timings of the alerting provisioning API (/api/v1/provisioning/contact-points, /policies,
/mute-timings), with the behaviour Grafana documents: secure settings read back as
"[REDACTED]" (and kept when an update leaves them out or sends "[REDACTED]"), 400 on bodies
that do not validate (unknown receiver or mute timing in a policy, bad matchers or times), 409
when deleting a contact point or mute timing a policy still names, 404 for unknown ones, the
provenance of what was written without X-Disable-Provenance, and DELETE /policies resetting the
tree to Grafana's default. Used by fake_grafana.State; errors are fake_grafana.ApiError."""
import copy
import re
import secrets
import string

REDACTED = "[REDACTED]"
DEFAULT_RECEIVER = "grafana-default-email"
# Integration types and their secure settings (Grafana's notifier definitions, the subset used).
SECURE = {
    "email": (),
    "slack": ("url", "token"),
    "webhook": ("password", "authorization_credentials"),
    "pagerduty": ("integrationKey",),
    "teams": (),
    "discord": (),
    "telegram": ("bottoken",),
    "opsgenie": ("apiKey",),
}
REQUIRED = {"email": ("addresses",), "webhook": ("url",), "pagerduty": ("integrationKey",),
            "teams": ("url",), "discord": ("url",), "telegram": ("bottoken", "chatid"), "opsgenie": ("apiKey",)}
MATCH_OPS = ("=", "!=", "=~", "!~")
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
TIME_RE = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def default_tree():
    return {"receiver": DEFAULT_RECEIVER, "group_by": ["grafana_folder", "alertname"]}


def _uid():
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(14))


class Routing:
    def __init__(self, errors):
        self.E = errors            # (msg, errutil) builders of fake_grafana
        self.reset()

    def reset(self):
        self.contact_points = {}   # uid -> {"cp": stored (secrets in clear), "provenance": ""}
        uid = _uid()
        self.contact_points[uid] = {"cp": {"uid": uid, "name": DEFAULT_RECEIVER, "type": "email",
                                           "settings": {"addresses": "<example@email.com>"},
                                           "disableResolveMessage": False}, "provenance": ""}
        self.tree = default_tree()
        self.tree_provenance = ""
        self.mute_timings = {}     # name -> {"mt": stored, "provenance": ""}

    def snapshot(self):
        return {"contactPoints": [dict(copy.deepcopy(s["cp"]), provenance=s["provenance"])
                                  for s in self.contact_points.values()],
                "policies": copy.deepcopy(self.tree),
                "muteTimings": [dict(copy.deepcopy(s["mt"]), provenance=s["provenance"])
                                for s in self.mute_timings.values()]}

    def _bad(self, message):
        return self.E.msg(400, message)

    # ---------------- contact points

    def _cp_json(self, s):
        out = copy.deepcopy(s["cp"])
        for k in SECURE.get(out["type"], ()):
            if k in out["settings"]:
                out["settings"][k] = REDACTED
        if s["provenance"]:
            out["provenance"] = s["provenance"]
        return out

    def receivers(self):
        return {s["cp"]["name"] for s in self.contact_points.values()}

    def list_contact_points(self, q):
        name = (q.get("name") or [None])[0]
        return [self._cp_json(s) for s in self.contact_points.values() if name is None or s["cp"]["name"] == name]

    def _validate_cp(self, body):
        if not isinstance(body, dict):
            raise self._bad("bad request data")
        name, typ, settings = body.get("name"), body.get("type"), body.get("settings")
        if not isinstance(name, str) or not name.strip():
            raise self._bad("invalid object specification: contact point name is required")
        if typ not in SECURE:
            raise self._bad(f"invalid object specification: notifier type '{typ}' is not supported")
        if not isinstance(settings, dict):
            raise self._bad("invalid object specification: settings should not be empty")
        uid = body.get("uid") or ""
        if not isinstance(uid, str) or len(uid) > 40 or not re.match(r"^[a-zA-Z0-9\-_]*$", uid):
            raise self._bad("invalid object specification: uid is not valid")
        return {"uid": uid, "name": name, "type": typ, "settings": copy.deepcopy(settings),
                "disableResolveMessage": bool(body.get("disableResolveMessage", False))}

    def _check_required(self, cp):
        s = cp["settings"]
        for k in REQUIRED.get(cp["type"], ()):
            if not s.get(k):
                raise self._bad(f"failed to validate integration \"{cp['name']}\" (UID {cp['uid']}) of type "
                                f"\"{cp['type']}\": could not find {k} property in settings")
        if cp["type"] == "slack" and not s.get("url") and not s.get("token"):
            raise self._bad(f"failed to validate integration \"{cp['name']}\" (UID {cp['uid']}) of type "
                            "\"slack\": token must be specified when using the Slack chat API")
        if cp["type"] == "slack" and s.get("token") and not s.get("recipient"):
            raise self._bad("recipient must be specified when using the Slack chat API")

    def create_contact_point(self, body, provenance):
        cp = self._validate_cp(body)
        if cp["uid"] and cp["uid"] in self.contact_points:
            raise self._bad(f"invalid object specification: contact point with uid '{cp['uid']}' already exists")
        cp["uid"] = cp["uid"] or _uid()
        for k in SECURE[cp["type"]]:
            if cp["settings"].get(k) == REDACTED:
                raise self._bad(f"invalid object specification: secure setting '{k}' is redacted")
        self._check_required(cp)
        s = {"cp": cp, "provenance": provenance}
        self.contact_points[cp["uid"]] = s
        return self._cp_json(s)

    def update_contact_point(self, uid, body, provenance):
        s = self.contact_points.get(uid)
        if s is None:
            raise self.E.errutil(404, "alerting.notifications.contact-points.notFound", "contact point not found")
        cp = self._validate_cp(body)
        if cp["uid"] and cp["uid"] != uid:
            raise self._bad("UID in the body does not match the one in the path")
        if cp["type"] != s["cp"]["type"]:
            pass   # Grafana allows changing the type; secure settings then come only from the body
        cp["uid"] = uid
        self.E.check_provenance(s["provenance"], provenance, "update")
        # A secure setting left out (or sent redacted) keeps its stored value.
        for k in SECURE[cp["type"]]:
            if cp["settings"].get(k) in (None, REDACTED) and cp["type"] == s["cp"]["type"] and k in s["cp"]["settings"]:
                cp["settings"][k] = s["cp"]["settings"][k]
            elif cp["settings"].get(k) == REDACTED:
                del cp["settings"][k]
        self._check_required(cp)
        old_name = s["cp"]["name"]
        if old_name != cp["name"] and self._names_in_tree(self.tree).count(old_name) and \
                sum(1 for x in self.contact_points.values() if x["cp"]["name"] == old_name) == 1:
            self._rename_in_tree(self.tree, old_name, cp["name"])
        s.update(cp=cp, provenance=provenance)
        return {"message": "contactpoint updated"}

    def delete_contact_point(self, uid, provenance):
        s = self.contact_points.get(uid)
        if s is None:
            return {"message": "contactpoint deleted"}
        self.E.check_provenance(s["provenance"], provenance, "delete")
        name = s["cp"]["name"]
        last = sum(1 for x in self.contact_points.values() if x["cp"]["name"] == name) == 1
        if last and name in self._names_in_tree(self.tree):
            raise self.E.errutil(409, "alerting.notifications.contact-points.referenced",
                                 f"contact point '{name}' is currently used by a notification policy")
        del self.contact_points[uid]
        return {"message": "contactpoint deleted"}

    # ---------------- policies

    @staticmethod
    def _names_in_tree(route):
        out = [route.get("receiver")] if route.get("receiver") else []
        for r in route.get("routes") or []:
            out += Routing._names_in_tree(r)
        return out

    @staticmethod
    def _mutes_in_tree(route):
        out = list(route.get("mute_time_intervals") or []) + list(route.get("active_time_intervals") or [])
        for r in route.get("routes") or []:
            out += Routing._mutes_in_tree(r)
        return out

    @staticmethod
    def _rename_in_tree(route, old, new):
        if route.get("receiver") == old:
            route["receiver"] = new
        for r in route.get("routes") or []:
            Routing._rename_in_tree(r, old, new)

    def get_policies(self):
        out = copy.deepcopy(self.tree)
        if self.tree_provenance:
            out["provenance"] = self.tree_provenance
        return out

    def _validate_route(self, r, root, receivers):
        if not isinstance(r, dict):
            raise self._bad("invalid object specification: a route is not an object")
        known = {"receiver", "group_by", "object_matchers", "matchers", "continue", "group_wait", "group_interval",
                 "repeat_interval", "mute_time_intervals", "active_time_intervals", "routes", "provenance"}
        for k in r:
            if k not in known:
                raise self._bad(f"invalid object specification: unknown field '{k}' in a route")
        if root:
            if not r.get("receiver"):
                raise self._bad("invalid object specification: root route must specify a default receiver")
            if r.get("object_matchers") or r.get("matchers"):
                raise self._bad("invalid object specification: root route must not have any matchers")
            if r.get("mute_time_intervals") or r.get("active_time_intervals"):
                raise self._bad("invalid object specification: root route must not have any mute time intervals")
            if r.get("continue"):
                raise self._bad("invalid object specification: cannot have continue in root route")
        if r.get("receiver") and r["receiver"] not in receivers:
            raise self._bad(f"invalid object specification: receiver '{r['receiver']}' does not exist")
        for m in r.get("object_matchers") or []:
            if not (isinstance(m, list) and len(m) == 3 and all(isinstance(x, str) for x in m) and m[1] in MATCH_OPS
                    and m[0]):
                raise self._bad(f"invalid object specification: bad matcher {m!r}")
            if m[1] in ("=~", "!~"):
                try:
                    re.compile(m[2])
                except re.error as e:
                    raise self._bad(f"invalid object specification: bad regular expression {m[2]!r}: {e}")
        for k in ("group_wait", "group_interval", "repeat_interval"):
            if k in r and not re.match(r"^(\d+(ms|s|m|h|d|w|y))+$", str(r[k])):
                raise self._bad(f"invalid object specification: {k}: not a valid duration string: {r[k]!r}")
        for name in (r.get("mute_time_intervals") or []) + (r.get("active_time_intervals") or []):
            if name not in self.mute_timings:
                raise self._bad(f"invalid object specification: mute time interval '{name}' does not exist")
        gb = r.get("group_by")
        if gb is not None and (not isinstance(gb, list) or ("..." in gb and len(gb) > 1)):
            raise self._bad("invalid object specification: group_by is a list of labels, or ['...'] alone")
        for c in r.get("routes") or []:
            self._validate_route(c, False, receivers)

    def put_policies(self, body, provenance):
        if not isinstance(body, dict):
            raise self._bad("bad request data")
        tree = copy.deepcopy(body)
        tree.pop("provenance", None)
        self._validate_route(tree, True, self.receivers())
        self.E.check_provenance(self.tree_provenance, provenance, "update")
        self.tree, self.tree_provenance = tree, provenance
        return {"message": "policies updated"}

    def reset_policies(self):
        self.tree, self.tree_provenance = default_tree(), ""
        return {"message": "policies resetted"}

    # ---------------- mute timings

    def _mt_json(self, s):
        out = copy.deepcopy(s["mt"])
        out["version"] = s.get("version", "")
        if s["provenance"]:
            out["provenance"] = s["provenance"]
        return out

    def list_mute_timings(self):
        return [self._mt_json(s) for s in self.mute_timings.values()]

    def get_mute_timing(self, name):
        s = self.mute_timings.get(name)
        if s is None:
            raise self.E.errutil(404, "alerting.notifications.time-intervals.notFound", "time interval not found")
        return self._mt_json(s)

    def _validate_mt(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"].strip():
            raise self._bad("invalid object specification: missing name")
        spans = body.get("time_intervals") or []
        if not isinstance(spans, list):
            raise self._bad("invalid object specification: time_intervals is not a list")
        for sp in spans:
            if not isinstance(sp, dict):
                raise self._bad("invalid object specification: a time interval is not an object")
            for t in sp.get("times") or []:
                a, b = t.get("start_time", ""), t.get("end_time", "")
                if not TIME_RE.match(a) or not TIME_RE.match(b) or a >= b:
                    raise self._bad(f"invalid object specification: invalid time range {a!r}-{b!r}")
            for w in sp.get("weekdays") or []:
                if any(x.lower() not in WEEKDAYS for x in str(w).split(":")):
                    raise self._bad(f"invalid object specification: {w!r} is not a valid weekday")
            for m in sp.get("months") or []:
                for x in str(m).split(":"):
                    if x.lower() not in MONTHS and not (x.isdigit() and 1 <= int(x) <= 12):
                        raise self._bad(f"invalid object specification: {m!r} is not a valid month")
            for d in sp.get("days_of_month") or []:
                for x in str(d).split(":"):
                    if not re.match(r"^-?\d+$", x) or not (1 <= abs(int(x)) <= 31):
                        raise self._bad(f"invalid object specification: {d!r} is not a valid day of the month")
            for y in sp.get("years") or []:
                if not all(x.isdigit() for x in str(y).split(":")):
                    raise self._bad(f"invalid object specification: {y!r} is not a valid year")
            loc = sp.get("location")
            if loc is not None:
                try:
                    import zoneinfo
                    if loc not in ("UTC", "Local"):
                        zoneinfo.ZoneInfo(loc)
                except Exception:   # noqa: BLE001 - any failure means an unknown zone
                    raise self._bad(f"invalid object specification: unknown time zone {loc!r}")
        return {"name": body["name"], "time_intervals": copy.deepcopy(spans)}

    def create_mute_timing(self, body, provenance):
        mt = self._validate_mt(body)
        if mt["name"] in self.mute_timings:
            raise self.E.errutil(409, "alerting.notifications.time-intervals.nameExists",
                                 "a time interval with the same name already exists")
        s = {"mt": mt, "provenance": provenance, "version": _uid()}
        self.mute_timings[mt["name"]] = s
        return self._mt_json(s)

    def update_mute_timing(self, name, body, provenance):
        s = self.mute_timings.get(name)
        if s is None:
            raise self.E.errutil(404, "alerting.notifications.time-intervals.notFound", "time interval not found")
        mt = self._validate_mt(body)
        if mt["name"] != name:
            raise self._bad("invalid object specification: the name cannot change")
        self.E.check_provenance(s["provenance"], provenance, "update")
        s.update(mt=mt, provenance=provenance, version=_uid())
        return self._mt_json(s)

    def delete_mute_timing(self, name, provenance):
        s = self.mute_timings.get(name)
        if s is None:
            return
        self.E.check_provenance(s["provenance"], provenance, "delete")
        if name in self._mutes_in_tree(self.tree):
            raise self.E.errutil(409, "alerting.notifications.time-intervals.used",
                                 "time interval is used by one or many notification policies")
        del self.mute_timings[name]

    # ---------------- HTTP

    def route(self, method, r, q, body, provenance):
        """(status, body) for /api/v1/provisioning/<r...>, or None when r is not routing."""
        if r == ["contact-points"]:
            if method == "GET":
                return 200, self.list_contact_points(q)
            if method == "POST":
                return 202, self.create_contact_point(body(), provenance)
            raise self.E.msg(405, "Method Not Allowed")
        if len(r) == 2 and r[0] == "contact-points":
            if method == "PUT":
                return 202, self.update_contact_point(r[1], body(), provenance)
            if method == "DELETE":
                return 202, self.delete_contact_point(r[1], provenance)
            raise self.E.msg(405, "Method Not Allowed")
        if r == ["policies"]:
            if method == "GET":
                return 200, self.get_policies()
            if method == "PUT":
                return 202, self.put_policies(body(), provenance)
            if method == "DELETE":
                return 202, self.reset_policies()
            raise self.E.msg(405, "Method Not Allowed")
        if r == ["mute-timings"]:
            if method == "GET":
                return 200, self.list_mute_timings()
            if method == "POST":
                return 201, self.create_mute_timing(body(), provenance)
            raise self.E.msg(405, "Method Not Allowed")
        if len(r) == 2 and r[0] == "mute-timings":
            if method == "GET":
                return 200, self.get_mute_timing(r[1])
            if method == "PUT":
                return 202, self.update_mute_timing(r[1], body(), provenance)
            if method == "DELETE":
                self.delete_mute_timing(r[1], provenance)
                return 204, None
            raise self.E.msg(405, "Method Not Allowed")
        return None
