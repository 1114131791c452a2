"""In-memory store of monitors and dashboards, optionally persisted as JSON.

Stored objects are never mutated in place: an update replaces the dict. So a
handler can serialise an object it got under the lock after releasing it.

Every change goes through save() (or replace()/clear(), which call it), and each bumps
`generation`: an answer computed while the store was at one generation stays right until the
next, which lets the server keep a GET's encoded answer (fake_mackerel.AnswerCache).
"""
import json
import os
import secrets
import string
import threading
import time

BASE62 = string.digits + string.ascii_letters


class Store:
    def __init__(self, path=None):
        # RLock: handlers hold it across check-then-write sequences (e.g. the
        # urlPath uniqueness check and the insert) that call save() inside.
        self.lock = threading.RLock()
        self.path = path
        self.monitors = {}    # id -> monitor, insertion ordered
        self.dashboards = {}  # id -> dashboard
        self.alerts = []      # alert history, as seeded (alerts.py lists it)
        self.channels = {}    # id -> notification channel (secrets included, as the API keeps them)
        self.groups = {}      # id -> notification group
        self.downtimes = {}   # id -> downtime
        self.alert_groups = {}  # id -> alert group setting
        self.users = []       # user ids of the organization (email channels' userIds)
        self.default_group = None  # id of the organization's default notification group
        self.generation = 0   # bumped by every change (save())
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.replace(json.load(f), persist=False)

    def new_id(self):
        """Random 11-character base62 id, like the API's "2cSZzK3XfmG"."""
        while True:
            new = "".join(secrets.choice(BASE62) for _ in range(11))
            if all(new not in t for t in (self.monitors, self.dashboards, self.channels, self.groups,
                                             self.downtimes, self.alert_groups)):
                return new

    def snapshot(self):
        with self.lock:
            groups = [dict(g, default=True) if g["id"] == self.default_group else g
                      for g in self.groups.values()]
            return {"monitors": list(self.monitors.values()),
                    "dashboards": list(self.dashboards.values()),
                    "alerts": list(self.alerts),
                    "channels": list(self.channels.values()),
                    "notificationGroups": groups,
                    "downtimes": list(self.downtimes.values()),
                    "alertGroupSettings": list(self.alert_groups.values()),
                    "users": list(self.users)}

    def replace(self, data, persist=True):
        """Install a whole state (PUT /_state, or loading --state).

        Deliberately NOT validated: tests seed states the API would refuse to
        create (unknown types, un-normalised scopes, legacy objects) to see
        how the client copes. Missing ids and timestamps are filled in.
        """
        if not isinstance(data, dict):
            raise ValueError("state must be an object with monitors and dashboards")
        monitors, dashboards = {}, {}
        now = int(time.time())
        with self.lock:
            for key, target in (("monitors", monitors), ("dashboards", dashboards)):
                items = data.get(key) or []
                if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                    raise ValueError(f"{key} must be an array of objects")
                for item in items:
                    item = dict(item)
                    item_id = item.get("id") or self.new_id()
                    if item_id in monitors or item_id in dashboards:
                        raise ValueError(f"duplicate id {item_id!r}")
                    item = {"id": item_id, **{k: v for k, v in item.items() if k != "id"}}
                    if key == "dashboards":
                        item.setdefault("createdAt", now)
                        item.setdefault("updatedAt", item["createdAt"])
                    target[item_id] = item
            history = data.get("alerts") or []
            if not isinstance(history, list) or not all(isinstance(a, dict) and a.get("id") for a in history):
                raise ValueError("alerts must be an array of objects with ids")
            routing = {}
            default_group = None
            seen = set(monitors) | set(dashboards)
            for key in ("channels", "notificationGroups", "downtimes", "alertGroupSettings"):
                items = data.get(key) or []
                if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                    raise ValueError(f"{key} must be an array of objects")
                table = routing[key] = {}
                for item in items:
                    item = dict(item)
                    item_id = item.pop("id", None) or self.new_id()
                    if item_id in seen:
                        raise ValueError(f"duplicate id {item_id!r}")
                    seen.add(item_id)
                    if item.pop("default", False):  # the organization's default group
                        default_group = item_id
                    table[item_id] = {"id": item_id, **item}
            self.monitors, self.dashboards, self.alerts = monitors, dashboards, [dict(a) for a in history]
            self.channels, self.groups = routing["channels"], routing["notificationGroups"]
            self.downtimes, self.default_group = routing["downtimes"], default_group
            self.alert_groups = routing["alertGroupSettings"]
            self.users = list(data.get("users") or [])
            if persist:
                self.save()
            else:
                self.generation += 1

    def clear(self):
        with self.lock:
            self.monitors, self.dashboards, self.alerts = {}, {}, []
            self.channels, self.groups, self.downtimes, self.users = {}, {}, {}, []
            self.alert_groups = {}
            self.default_group = None
            self.save()

    def save(self):
        """Write the state after every mutation, atomically (temp + rename),
        so a server killed at any moment leaves a readable file."""
        with self.lock:
            self.generation += 1
            if not self.path:
                return
            tmp = f"{self.path}.tmp{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(self.snapshot(), f, indent=2, ensure_ascii=False)
            os.replace(tmp, self.path)
