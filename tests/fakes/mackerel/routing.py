"""Notification channels, notification groups, downtimes and alert group settings:
validation and normalisation as the API docs describe them (mackerel.io/api-docs:
channels, notification-groups, downtimes, alert-group-settings). Where the docs name a 400 without its rule
(the length limits of a downtime's name and memo), the fake does not guess.
"""
import re

import checks
from checks import ValidationError

CHANNEL_TYPES = ("email", "email-broadcast", "slack", "line", "chatwork", "twilio", "pagerduty",
                 "opsgenie", "jira-service-management", "microsoft-teams", "webhook",
                 "amazon-event-bridge")
CREATABLE = ("email", "slack", "webhook")  # "Currently supported for email, Slack, and Webhook."
EVENTS = ("alert", "alertGroup", "hostStatus", "hostRegister", "hostRetire", "monitor")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_RE = re.compile(r"^https?://[^\s/]+(/\S*)?$")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]+$")
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
RECURRENCES = ("hourly", "daily", "weekly", "monthly", "yearly")


def _events(body):
    events = checks.array(body, "events") or []
    for e in events:
        if e not in EVENTS:
            raise ValidationError(f"events: unknown event {e!r}")
    return list(events)


def channel(body, users=(), existing=None):
    """The stored form of a channel create/update body."""
    if not isinstance(body, dict):
        raise ValidationError("body must be an object")
    kind = body.get("type")
    if existing is not None and kind != existing["type"]:
        raise ValidationError("type cannot be changed")
    if kind not in CREATABLE:
        raise ValidationError(f"type must be one of {', '.join(CREATABLE)}")
    out = {"type": kind, "name": checks.string(body, "name", required=True, nonempty=True)}
    if kind == "email":
        emails = checks.array(body, "emails") or []
        for e in emails:
            if not isinstance(e, str) or not EMAIL_RE.match(e):
                raise ValidationError(f"emails: invalid address {e!r}")
        ids = checks.array(body, "userIds") or []
        for u in ids:
            if u not in users:
                raise ValidationError(f"userIds: {u!r} is not a user of the organization")
        out.update(emails=list(emails), userIds=list(ids))
    else:
        url = body.get("url")
        if not isinstance(url, str) or not URL_RE.match(url):
            raise ValidationError("url is invalid")
        out["url"] = url
        if kind == "slack":
            mentions = checks.obj_field(body, "mentions") or {}
            for k, v in mentions.items():
                if k not in ("ok", "warning", "critical") or not isinstance(v, str):
                    raise ValidationError(f"mentions: invalid entry {k!r}")
            out["mentions"] = dict(mentions)
        out["enabledGraphImage"] = bool(checks.boolean(body, "enabledGraphImage"))
    out["events"] = _events(body)
    return out


def channel_list_item(c):
    """What GET /channels shows: details only for email, slack and webhook."""
    base = {"id": c["id"], "name": c["name"], "type": c["type"], "suspendedAt": c.get("suspendedAt")}
    if c["type"] in CREATABLE:
        return {**c, "suspendedAt": c.get("suspendedAt")}
    return base


def group(body, channels, groups, monitors, own_id=None, default_id=None, old_name=None):
    if not isinstance(body, dict):
        raise ValidationError("body must be an object")
    name = checks.string(body, "name", required=True, nonempty=True)
    if own_id is not None and own_id == default_id and name != old_name:
        raise ValidationError("the name of the default notification group cannot be changed")
    level = checks.enum(body, "notificationLevel", ("all", "critical"), required=True)
    out = {"name": name, "notificationLevel": level}
    for key, table in (("childNotificationGroupIds", groups), ("childChannelIds", channels)):
        ids = checks.array(body, key) or []
        for i in ids:
            if i not in table or i == own_id:
                raise ValidationError(f"{key}: no such id {i!r}")
        out[key] = list(ids)
    rules = []
    for i, m in enumerate(checks.array(body, "monitors") or []):
        if not isinstance(m, dict) or m.get("id") not in monitors:
            raise ValidationError(f"monitors[{i}]: no such monitor")
        rules.append({"id": m["id"], "skipDefault": bool(checks.boolean(m, "skipDefault", where=f"monitors[{i}]."))})
    out["monitors"] = rules
    services = []
    for i, s in enumerate(checks.array(body, "services") or []):
        if not isinstance(s, dict) or not isinstance(s.get("name"), str) or not NAME_RE.match(s["name"]):
            raise ValidationError(f"services[{i}]: invalid service")
        services.append({"name": s["name"]})
    out["services"] = services
    return out


def _scopes(body, key, pattern, monitors=None):
    items = checks.array(body, key) or []
    if len(set(map(str, items))) != len(items):
        raise ValidationError(f"{key}: redundant scope")
    for s in items:
        if monitors is not None:
            if s not in monitors:
                raise ValidationError(f"{key}: no such monitor {s!r}")
        elif not isinstance(s, str) or not pattern(s):
            raise ValidationError(f"{key}: invalid scope {s!r}")
    return list(items)


def _role(s):
    svc, sep, role = s.partition(":")
    return sep == ":" and NAME_RE.match(svc) and NAME_RE.match(role)


def _named(body):
    """The name and memo every routing object's body starts with."""
    if not isinstance(body, dict):
        raise ValidationError("body must be an object")
    out = {"name": checks.string(body, "name", required=True, nonempty=True)}
    memo = checks.string(body, "memo")
    if memo:
        out["memo"] = memo
    return out


def downtime(body, monitors):
    out = _named(body)
    out["start"] = checks.integer(body, "start", lo=0, required=True)
    out["duration"] = checks.integer(body, "duration", lo=1, required=True)
    rec = checks.obj_field(body, "recurrence")
    if rec is not None:
        kind = checks.enum(rec, "type", RECURRENCES, required=True, where="recurrence.")
        r = {"type": kind, "interval": checks.integer(rec, "interval", lo=1, required=True, where="recurrence.")}
        days = checks.array(rec, "weekdays", where="recurrence.")
        if days:
            if kind != "weekly":
                raise ValidationError("recurrence.weekdays is only for weekly recurrence")
            for d in days:
                if d not in WEEKDAYS:
                    raise ValidationError(f"recurrence.weekdays: unknown day {d!r}")
            r["weekdays"] = list(days)
        until = checks.integer(rec, "until", where="recurrence.")
        if until is not None:
            if until <= out["start"]:
                raise ValidationError("recurrence.until must be after start")
            r["until"] = until
        out["recurrence"] = r
    svc = lambda s: NAME_RE.match(s)  # noqa: E731
    for key, test in (("serviceScopes", svc), ("serviceExcludeScopes", svc), ("roleScopes", _role),
                      ("roleExcludeScopes", _role)):
        out[key] = _scopes(body, key, test)
    for key in ("monitorScopes", "monitorExcludeScopes"):
        out[key] = _scopes(body, key, None, monitors)
    return out


def alert_group(body, monitors):
    """The stored form of an alert group setting create/update body. The docs name a 400 for
    invalid input, a name or memo too long (no limit given) and scopes that do not exist."""
    out = _named(body)
    svc = lambda s: NAME_RE.match(s)  # noqa: E731
    for key, test in (("serviceScopes", svc), ("roleScopes", _role)):
        out[key] = _scopes(body, key, test)
    out["monitorScopes"] = _scopes(body, "monitorScopes", None, monitors)
    interval = checks.integer(body, "notificationInterval", lo=1)
    if interval is not None:
        out["notificationInterval"] = interval
    return out
