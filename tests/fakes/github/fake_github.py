#!/usr/bin/env python3
"""A stand-in for the GitHub REST API's issue comments, for the CI tests (standard library only).

  python3 fake_github.py --port 0 --token TOKEN [--port-file FILE] [--per-page-max 100]

Follows https://docs.github.com/rest/issues/comments as far as the CI script uses it:
  GET    /repos/{owner}/{repo}/issues/{number}/comments?per_page=&page=   list, oldest first,
         paginated (default 30, at most 100 a page) with a Link header (rel="next", "last")
  POST   /repos/{owner}/{repo}/issues/{number}/comments  {"body"}          201, the comment
  PATCH  /repos/{owner}/{repo}/issues/comments/{id}      {"body"}          200, the comment
  GET    /repos/{owner}/{repo}/issues/comments/{id}                         200, the comment
A body over 65,536 characters gets GitHub's 422 ("Body is too long (maximum is 65536
characters)"); a missing or wrong token 401 ("Bad credentials"); an unknown id 404.

Control (no token): GET /_state (every comment and the log of requests, never a header),
POST /_seed {"number", "bodies": [...]} adds comments by another user, POST /_reset.
"""
import argparse
import json
import os
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIMIT = 65536


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.comments = []  # dicts with id, number, repo, body, user
        self.next_id = 1000
        self.log = []

    def add(self, repo, number, body, user):
        self.next_id += 1
        c = {"id": self.next_id, "repo": repo, "number": number, "body": body, "user": {"login": user}}
        self.comments.append(c)
        return c


def shown(c, base):
    return {"id": c["id"], "body": c["body"], "user": c["user"],
            "html_url": f"{base}/{c['repo']}/pull/{c['number']}#issuecomment-{c['id']}",
            "url": f"{base}/repos/{c['repo']}/issues/comments/{c['id']}"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the tests read /_state
        pass

    def reply(self, status, doc, headers=()):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw.decode()) if raw else {}
        except ValueError:
            return None

    def error(self, status, message, errors=None):
        doc = {"message": message, "documentation_url": "https://docs.github.com/rest/issues/comments",
               "status": str(status)}
        if errors:
            doc["errors"] = errors
        self.reply(status, doc)

    def authorised(self):
        auth = self.headers.get("Authorization", "")
        token = self.server.token
        return auth in ("Bearer " + token, "token " + token)

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        store = self.server.store
        if url.path.startswith("/_"):
            return self.control(method, url.path)
        payload = self.body() if method in ("POST", "PATCH") else {}
        with store.lock:
            store.log.append({"method": method, "path": url.path, "query": url.query,
                              "user_agent": self.headers.get("User-Agent", "")})
        if not self.authorised():
            return self.error(401, "Bad credentials")
        if payload is None:
            return self.error(400, "Problems parsing JSON")
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", url.path)
        if m and method == "GET":
            return self.list(m.group(1), int(m.group(2)), query, url.path)
        if m and method == "POST":
            return self.write(None, m.group(1), int(m.group(2)), payload)
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", url.path)
        if m and method in ("PATCH", "GET"):
            with store.lock:
                found = [c for c in store.comments if c["id"] == int(m.group(2)) and c["repo"] == m.group(1)]
            if not found:
                return self.error(404, "Not Found")
            if method == "GET":
                return self.reply(200, shown(found[0], self.server.base))
            return self.write(found[0], m.group(1), found[0]["number"], payload)
        return self.error(404, "Not Found")

    def list(self, repo, number, query, path):
        per_page = min(int((query.get("per_page") or ["30"])[0]), self.server.per_page_max)
        page = max(1, int((query.get("page") or ["1"])[0]))
        with self.server.store.lock:
            mine = [c for c in self.server.store.comments if c["repo"] == repo and c["number"] == number]
        last = max(1, -(-len(mine) // per_page))
        items = [shown(c, self.server.base) for c in mine[(page - 1) * per_page: page * per_page]]
        links = []
        link = lambda p, rel: f'<{self.server.base}{path}?per_page={per_page}&page={p}>; rel="{rel}"'
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        self.reply(200, items, [("Link", ", ".join(links))] if links else [])

    def write(self, existing, repo, number, payload):
        body = payload.get("body")
        if not isinstance(body, str):
            return self.error(422, "Invalid request.\n\n\"body\" wasn't supplied.")
        if len(body) > LIMIT:
            return self.error(422, "Validation Failed", [{"resource": "IssueComment", "code": "unprocessable",
                                                          "field": "data",
                                                          "message": "Body is too long (maximum is 65536 characters)"}])
        store = self.server.store
        with store.lock:
            if existing is None:
                return self.reply(201, shown(store.add(repo, number, body, "github-actions[bot]"), self.server.base))
            existing["body"] = body
            return self.reply(200, shown(existing, self.server.base))

    def control(self, method, path):
        store = self.server.store
        if path == "/_state" and method == "GET":
            with store.lock:
                return self.reply(200, {"comments": store.comments, "log": store.log})
        if path == "/_seed" and method == "POST":
            doc = self.body() or {}
            with store.lock:
                for b in doc.get("bodies", []):
                    store.add(doc.get("repo", "owner/repo"), int(doc["number"]), b, doc.get("user", "someone"))
            return self.reply(200, {})
        if path == "/_reset" and method == "POST":
            with store.lock:
                store.reset()
            return self.reply(200, {})
        return self.error(404, "Not Found")

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PATCH(self):
        self.route("PATCH")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", required=True)
    ap.add_argument("--port-file")
    ap.add_argument("--per-page-max", type=int, default=100)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.store = Store()
    server.token = args.token
    server.per_page_max = args.per_page_max
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(tmp, args.port_file)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
