"""Alert history for GET /api/v0/alerts (https://mackerel.io/api-docs/entry/alerts).

Alerts are seeded through PUT /_state {"alerts": [...]}; the API never creates them here.
Listing: newest first (openedAt, then id), open ones only unless withClosed=true, at most
`limit` (default 100, at most 100) a page, and `nextId` (the last alert of the page) only when
more follow; `nextId=X` continues with the alerts older than alert X.
"""
from urllib.parse import parse_qs

from checks import ValidationError

MAX_LIMIT = 100


def _order(alert):
    return (-int(alert.get("openedAt") or 0), str(alert.get("id")))


def _limit(values):
    if not values:
        return MAX_LIMIT
    text = values[-1]
    try:
        n = int(text)
    except ValueError:
        raise ValidationError(f"limit must be an integer: {text!r}")
    if n < 1 or n > MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}: {n}")
    return n


def _with_closed(values):
    if not values:
        return False
    if values[-1] not in ("true", "false"):
        raise ValidationError(f"withClosed must be true or false: {values[-1]!r}")
    return values[-1] == "true"


def page(all_alerts, query):
    """The answer to GET /api/v0/alerts?QUERY, or ValidationError (400)."""
    params = parse_qs(query, keep_blank_values=True)
    limit = _limit(params.get("limit"))
    with_closed = _with_closed(params.get("withClosed"))
    items = sorted(all_alerts, key=_order)
    if not with_closed:
        items = [a for a in items if a.get("status") != "OK"]
    next_id = (params.get("nextId") or [None])[-1]
    if next_id is not None:
        ids = [a.get("id") for a in items]
        if next_id not in ids:
            raise ValidationError(f"nextId not found: {next_id!r}")
        items = items[ids.index(next_id) + 1:]
    body = {"alerts": items[:limit]}
    if len(items) > limit:
        body["nextId"] = items[limit - 1]["id"]
    return body
