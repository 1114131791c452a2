#!/usr/bin/env python3
"""Fake Mackerel API server for monitorc tests (Python standard library only).

    python3 fake_mackerel.py --port 0 --api-key KEY [--state FILE] [--port-file FILE]

Serves /api/v0/monitors, /api/v0/dashboards and /api/v0/alerts as described in
/work/shared/design/mackerel-api.md, /api/v0/channels, /api/v0/notification-groups and
/api/v0/downtimes, /api/v0/alert-group-settings as Mackerel's API docs describe them (routing.py), plus a key-less control API for tests
(/_fault, /_state, /_log, /_reset). See README.md next to this file.
The API key is never printed, logged or persisted.
"""
import argparse
import hmac
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import alerts  # noqa: E402
import dashboards  # noqa: E402
import monitors  # noqa: E402
import routing  # noqa: E402
from checks import ValidationError  # noqa: E402
from faults import Faults  # noqa: E402
from store import Store  # noqa: E402


class ApiError(Exception):
    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class DropConnection(Exception):
    """Close the socket without writing any response."""


def parse_json(raw):
    if not raw:
        raise ApiError(400, "request body is required")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ApiError(400, f"request body is not valid JSON: {e}")


# ---------------------------------------------------------------- API routes
# Each handler takes (server, id or None, raw body) and returns (status, obj).

def list_monitors(srv, _id, _raw):
    with srv.store.lock:
        items = sorted(srv.store.monitors.values(), key=monitors.sort_key)
    return 200, {"monitors": items}


def create_monitor(srv, _id, raw):
    body = parse_json(raw)
    with srv.store.lock:
        monitor = {"id": srv.store.new_id(), **monitors.normalise(body)}
        srv.store.monitors[monitor["id"]] = monitor
        srv.store.save()
    return 200, monitor  # bare, not wrapped


def _stored(table, obj_id, what):
    try:
        return table[obj_id]
    except KeyError:
        raise ApiError(404, f"{what} not found: {obj_id}")


def get_monitor(srv, mid, _raw):
    with srv.store.lock:
        return 200, {"monitor": _stored(srv.store.monitors, mid, "monitor")}  # wrapped


def update_monitor(srv, mid, raw):
    with srv.store.lock:
        existing = _stored(srv.store.monitors, mid, "monitor")  # 404 before 400
        monitor = {"id": mid, **monitors.normalise(parse_json(raw), existing)}
        srv.store.monitors[mid] = monitor
        srv.store.save()
    return 200, monitor


def delete_monitor(srv, mid, _raw):
    with srv.store.lock:
        monitor = _stored(srv.store.monitors, mid, "monitor")
        del srv.store.monitors[mid]
        srv.store.save()
    return 200, monitor  # the monitor as it was before deletion


def list_dashboards(srv, _id, _raw):
    with srv.store.lock:
        items = [dashboards.as_list_item(d) for d in srv.store.dashboards.values()]
    return 200, {"dashboards": items}


def _check_url_path(srv, url_path, own_id=None):
    for other in srv.store.dashboards.values():
        if other.get("urlPath") == url_path and other["id"] != own_id:
            raise ApiError(409, f"urlPath already exists: {url_path}")


def create_dashboard(srv, _id, raw):
    fields = dashboards.normalise(parse_json(raw))
    with srv.store.lock:
        if len(srv.store.dashboards) >= dashboards.DASHBOARD_LIMIT:
            raise ApiError(403, "dashboard limit reached")
        _check_url_path(srv, fields["urlPath"])
        now = int(time.time())
        board = dashboards.as_response({"id": srv.store.new_id(), "createdAt": now,
                                        "updatedAt": now, **fields})
        srv.store.dashboards[board["id"]] = board
        srv.store.save()
    return 200, board


def get_dashboard(srv, did, _raw):
    with srv.store.lock:
        return 200, _stored(srv.store.dashboards, did, "dashboard")


def update_dashboard(srv, did, raw):
    with srv.store.lock:
        old = _stored(srv.store.dashboards, did, "dashboard")
        fields = dashboards.normalise(parse_json(raw))
        _check_url_path(srv, fields["urlPath"], own_id=did)
        board = dashboards.as_response({"id": did, "createdAt": old.get("createdAt"),
                                        "updatedAt": int(time.time()), **fields})
        srv.store.dashboards[did] = board
        srv.store.save()
    return 200, board


def delete_dashboard(srv, did, _raw):
    with srv.store.lock:
        board = _stored(srv.store.dashboards, did, "dashboard")
        del srv.store.dashboards[did]
        srv.store.save()
    return 200, board


# Channels, notification groups and downtimes (routing.py validates). Every write answers
# with the object as stored; a delete with the object as it was.

def list_channels(srv, _id, _raw):
    with srv.store.lock:
        return 200, {"channels": [routing.channel_list_item(c) for c in srv.store.channels.values()]}


def create_channel(srv, _id, raw):
    body = parse_json(raw)
    with srv.store.lock:
        c = {"id": srv.store.new_id(), **routing.channel(body, srv.store.users)}
        srv.store.channels[c["id"]] = c
        srv.store.save()
    return 200, c


def update_channel(srv, cid, raw):
    with srv.store.lock:
        old = _stored(srv.store.channels, cid, "channel")
        if old["type"] not in routing.CREATABLE:
            raise ApiError(404, f"channel not found: {cid}")  # "the supported channel can not be found"
        c = {"id": cid, **routing.channel(parse_json(raw), srv.store.users, old)}
        srv.store.channels[cid] = c
        srv.store.save()
    return 200, c


def delete_channel(srv, cid, _raw):
    with srv.store.lock:
        c = _stored(srv.store.channels, cid, "channel")
        del srv.store.channels[cid]
        # A group keeps no id of a channel that is gone.
        for gid, g in list(srv.store.groups.items()):
            if cid in g.get("childChannelIds", []):
                srv.store.groups[gid] = {**g, "childChannelIds": [i for i in g["childChannelIds"] if i != cid]}
        srv.store.save()
    return 200, routing.channel_list_item(c)


def list_groups(srv, _id, _raw):
    with srv.store.lock:
        return 200, {"notificationGroups": list(srv.store.groups.values())}


def create_group(srv, _id, raw):
    body = parse_json(raw)
    with srv.store.lock:
        st = srv.store
        g = {"id": st.new_id(), **routing.group(body, st.channels, st.groups, st.monitors)}
        st.groups[g["id"]] = g
        st.save()
    return 200, g


def update_group(srv, gid, raw):
    with srv.store.lock:
        st = srv.store
        old = _stored(st.groups, gid, "notification group")
        g = {"id": gid, **routing.group(parse_json(raw), st.channels, st.groups, st.monitors, gid,
                                        st.default_group, old["name"])}
        st.groups[gid] = g
        st.save()
    return 200, g


def delete_group(srv, gid, _raw):
    with srv.store.lock:
        g = _stored(srv.store.groups, gid, "notification group")
        if gid == srv.store.default_group:
            raise ApiError(400, "the default notification group cannot be deleted")
        del srv.store.groups[gid]
        srv.store.save()
    return 200, g


def list_downtimes(srv, _id, _raw):
    with srv.store.lock:
        return 200, {"downtimes": list(srv.store.downtimes.values())}


def create_downtime(srv, _id, raw):
    body = parse_json(raw)
    with srv.store.lock:
        d = {"id": srv.store.new_id(), **routing.downtime(body, srv.store.monitors)}
        srv.store.downtimes[d["id"]] = d
        srv.store.save()
    return 200, d


def update_downtime(srv, did, raw):
    with srv.store.lock:
        _stored(srv.store.downtimes, did, "downtime")  # 404 before 400
        d = {"id": did, **routing.downtime(parse_json(raw), srv.store.monitors)}
        srv.store.downtimes[did] = d
        srv.store.save()
    return 200, d


def delete_downtime(srv, did, _raw):
    with srv.store.lock:
        d = _stored(srv.store.downtimes, did, "downtime")
        del srv.store.downtimes[did]
        srv.store.save()
    return 200, d


def list_alert_groups(srv, _id, _raw):
    with srv.store.lock:
        return 200, {"alertGroupSettings": list(srv.store.alert_groups.values())}


def create_alert_group(srv, _id, raw):
    body = parse_json(raw)
    with srv.store.lock:
        a = {"id": srv.store.new_id(), **routing.alert_group(body, srv.store.monitors)}
        srv.store.alert_groups[a["id"]] = a
        srv.store.save()
    return 200, a


def update_alert_group(srv, aid, raw):
    with srv.store.lock:
        _stored(srv.store.alert_groups, aid, "alert group setting")  # 404 before 400
        a = {"id": aid, **routing.alert_group(parse_json(raw), srv.store.monitors)}
        srv.store.alert_groups[aid] = a
        srv.store.save()
    return 200, a


def delete_alert_group(srv, aid, _raw):
    with srv.store.lock:
        a = _stored(srv.store.alert_groups, aid, "alert group setting")
        del srv.store.alert_groups[aid]
        srv.store.save()
    return 200, a


def list_alerts(srv, query):
    with srv.store.lock:
        items = list(srv.store.alerts)
    return 200, alerts.page(items, query)


list_alerts.wants_query = True


ROUTES = [
    (re.compile(r"^/api/v0/alerts$"), {"GET": list_alerts}),
    (re.compile(r"^/api/v0/monitors$"), {"GET": list_monitors, "POST": create_monitor}),
    (re.compile(r"^/api/v0/monitors/([^/]+)$"),
     {"GET": get_monitor, "PUT": update_monitor, "DELETE": delete_monitor}),
    (re.compile(r"^/api/v0/channels$"), {"GET": list_channels, "POST": create_channel}),
    (re.compile(r"^/api/v0/channels/([^/]+)$"), {"PUT": update_channel, "DELETE": delete_channel}),
    (re.compile(r"^/api/v0/notification-groups$"), {"GET": list_groups, "POST": create_group}),
    (re.compile(r"^/api/v0/notification-groups/([^/]+)$"), {"PUT": update_group, "DELETE": delete_group}),
    (re.compile(r"^/api/v0/downtimes$"), {"GET": list_downtimes, "POST": create_downtime}),
    (re.compile(r"^/api/v0/downtimes/([^/]+)$"), {"PUT": update_downtime, "DELETE": delete_downtime}),
    (re.compile(r"^/api/v0/alert-group-settings$"), {"GET": list_alert_groups, "POST": create_alert_group}),
    (re.compile(r"^/api/v0/alert-group-settings/([^/]+)$"),
     {"PUT": update_alert_group, "DELETE": delete_alert_group}),
    (re.compile(r"^/api/v0/dashboards$"), {"GET": list_dashboards, "POST": create_dashboard}),
    (re.compile(r"^/api/v0/dashboards/([^/]+)$"),
     {"GET": get_dashboard, "PUT": update_dashboard, "DELETE": delete_dashboard}),
]


def route_api(srv, method, path, raw, query=""):
    for pattern, methods in ROUTES:
        match = pattern.match(path)
        if match:
            handler = methods.get(method)
            if handler is None:
                raise ApiError(405, f"method {method} not allowed on {path}",
                               {"Allow": ", ".join(methods)})
            try:
                if getattr(handler, "wants_query", False):
                    return handler(srv, query)
                return handler(srv, match.group(1) if match.groups() else None, raw)
            except ValidationError as e:
                raise ApiError(400, str(e))
    raise ApiError(404, f"no such endpoint: {path}")


# ------------------------------------------------------------ control routes

def route_control(srv, method, path, raw):
    """Key-less test API. Returns (status, obj)."""
    if path == "/_fault":
        if method == "POST":
            try:
                return 200, srv.faults.arm(parse_json(raw))
            except ValueError as e:
                raise ApiError(400, str(e))
        if method == "DELETE":
            srv.faults.clear()
            return 200, {}
        if method == "GET":
            return 200, {"faults": srv.faults.list()}
    elif path == "/_state":
        if method == "GET":
            return 200, srv.store.snapshot()
        if method == "PUT":
            try:
                srv.store.replace(parse_json(raw))
            except ValueError as e:
                raise ApiError(400, str(e))
            return 200, srv.store.snapshot()
    elif path == "/_log":
        if method == "GET":
            with srv.log_lock:
                return 200, list(srv.request_log)
        if method == "DELETE":
            with srv.log_lock:
                srv.request_log.clear()
            return 200, {}
    elif path == "/_reset" and method == "POST":
        srv.store.clear()
        srv.faults.clear()
        with srv.log_lock:
            srv.request_log.clear()
        return 200, {}
    else:
        raise ApiError(404, f"no such control endpoint: {path}")
    raise ApiError(405, f"method {method} not allowed on {path}")


# ------------------------------------------------------------------- server

class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so clients can keep connections alive; every response below
    # therefore carries Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "fake-mackerel/1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body then waits for
    # the client's delayed ACK (about 40 ms on Linux loopback) on every kept-alive exchange, which
    # a benchmark would count as the client's time.
    disable_nagle_algorithm = True

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, fmt, *args):
        # The default prints the request line only (never headers, so never
        # the key); still quiet unless --verbose, to keep test output clean.
        if self.server.verbose:
            sys.stderr.write("fake-mackerel: " + (fmt % args) + "\n")

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status, obj, headers=None):
        self._send_encoded(status, encode(obj), headers)

    def _send_encoded(self, status, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_error(self, err):
        self._send(err.status, {"error": {"message": err.message}}, err.headers)

    def _dispatch(self):
        method, path = self.command, urlsplit(self.path).path
        try:
            # Always consume the body first, so the connection stays in sync
            # for keep-alive even when we answer with an error.
            raw = self._read_body()
        except ValueError:
            self.close_connection = True
            return self._send_error(ApiError(400, "malformed request body framing"))
        if path.startswith("/api/"):
            return self._api(method, path, raw)
        try:
            status, obj = route_control(self.server, method, path, raw)
            self._send(status, obj)
        except ApiError as e:
            self._send_error(e)

    def _log(self, method, status, fault=None):
        # Method, path and status only: headers (and so the key) never land here.
        entry = {"method": method, "path": self.path, "status": status}
        if fault:
            entry["fault"] = fault
        with self.server.log_lock:
            self.server.request_log.append(entry)

    def _api(self, method, path, raw):
        srv = self.server
        delay = srv.faults.latency(method, path)
        if delay:
            time.sleep(delay)
        # Faults act like a proxy in front of the API: they fire before the
        # key is checked, except lose_response_after_commit, which needs the
        # real operation to run first.
        fault = srv.faults.take(method, path)
        action = fault["action"] if fault else None
        if action == "status":
            headers = {}
            if fault.get("retry_after") is not None:
                headers["Retry-After"] = str(fault["retry_after"])
            self._log(method, fault["status"], "status")
            return self._send_error(ApiError(fault["status"],
                                             f"injected fault: HTTP {fault['status']}", headers))
        if action == "drop_connection":
            self._log(method, None, "drop_connection")
            return self._drop()

        try:
            key = self.headers.get("X-Api-Key") or ""
            if not hmac.compare_digest(key.encode(), srv.api_key.encode()):
                raise ApiError(403, "X-Api-Key header is missing or invalid")
            body = srv.answers.get(self.path, srv.store.generation) if method == "GET" else None
            if body is None:
                generation = srv.store.generation  # before reading: an answer is never newer than its key
                status, obj = route_api(srv, method, path, raw, urlsplit(self.path).query)
                body = encode(obj)
                if method == "GET" and status == 200:
                    srv.answers.put(self.path, generation, body)
            else:
                status = 200
        except ApiError as e:
            status, body, headers = e.status, encode({"error": {"message": e.message}}), e.headers
        else:
            headers = None
        if action == "lose_response_after_commit":
            self._log(method, status, "lose_response_after_commit")
            return self._drop()
        self._log(method, status)
        self._send_encoded(status, body, headers)

    def _drop(self):
        # Returning without writing anything, with close_connection set, makes
        # the server shut the socket down: the client sees EOF, no status line.
        self.close_connection = True


def encode(obj):
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


class AnswerCache:
    """Encoded answers to GETs (by path and query) while the store is at the generation they
    were computed at: a plan reads the same lists and dashboards again and again, and encoding a
    list of thousands of monitors anew for each read was most of the fake's own time. Any change
    to the store moves its generation on (store.py), which empties the cache on the next put."""

    def __init__(self):
        self.lock = threading.Lock()
        self.generation = None
        self.bodies = {}

    def get(self, target, generation):
        with self.lock:
            return self.bodies.get(target) if generation == self.generation else None

    def put(self, target, generation, body):
        with self.lock:
            if self.generation is not None and generation < self.generation:
                return  # computed before a change another answer already saw
            if generation != self.generation:
                self.generation, self.bodies = generation, {}
            self.bodies[target] = body


class FakeMackerelServer(ThreadingHTTPServer):
    daemon_threads = True  # don't let a stuck keep-alive client block exit
    request_queue_size = 128  # the default backlog of 5 resets connections under parallel apply

    def __init__(self, port, api_key, state_path=None, verbose=False):
        super().__init__(("127.0.0.1", port), Handler)
        self.api_key = api_key
        self.verbose = verbose
        self.store = Store(state_path)
        self.faults = Faults()
        self.answers = AnswerCache()
        self.request_log = []
        self.log_lock = threading.Lock()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", required=True, help="the only accepted X-Api-Key")
    parser.add_argument("--state", help="JSON file: loaded at start, rewritten after each change")
    parser.add_argument("--port-file", help="write the bound port here")
    parser.add_argument("--verbose", action="store_true", help="log request lines to stderr")
    args = parser.parse_args(argv)

    server = FakeMackerelServer(args.port, args.api_key, args.state, args.verbose)
    port = server.server_address[1]
    if args.port_file:
        # Write then rename, so a test polling for the file never reads it half-written.
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"listening on 127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
