#!/usr/bin/env python3
"""A stand-in for the GitLab REST API v4's merge request notes, for the CI tests (standard
library only; shares its server with tests/fakes/github/fake_github.py).

  python3 fake_gitlab.py --port 0 --token TOKEN [--port-file FILE]

Follows https://docs.gitlab.com/ee/api/notes.html as far as the CI script uses it:
  GET  /api/v4/projects/{id}/merge_requests/{iid}/notes?per_page=&page=&sort=   list (default 20,
       at most 100 a page) with X-Next-Page, X-Page, X-Total and a Link header
  POST /api/v4/projects/{id}/merge_requests/{iid}/notes            {"body"}   201, the note
  PUT  /api/v4/projects/{id}/merge_requests/{iid}/notes/{note_id}  {"body"}   200, the note
A body over 1,000,000 characters gets 400; a missing or wrong PRIVATE-TOKEN 401; an unknown id 404.
Control (no token): GET /_state, POST /_seed {"number": iid, "bodies": [...]}, POST /_reset.
"""
import argparse
import os
import re
import sys
import urllib.parse
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "github"))
import fake_github  # noqa: E402

LIMIT = 1000000


class Handler(fake_github.Handler):
    def authorised(self):
        return self.headers.get("PRIVATE-TOKEN", "") == self.server.token

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/_"):
            return self.control(method, url.path)
        store = self.server.store
        payload = self.body() if method in ("POST", "PUT") else {}
        with store.lock:
            store.log.append({"method": method, "path": url.path, "query": url.query})
        if not self.authorised():
            return self.reply(401, {"message": "401 Unauthorized"})
        m = re.fullmatch(r"/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes(?:/(\d+))?", url.path)
        if not m or payload is None:
            return self.reply(404, {"message": "404 Not Found"})
        project, iid, note = urllib.parse.unquote(m.group(1)), int(m.group(2)), m.group(3)
        if method == "GET" and not note:
            return self.notes(project, iid, urllib.parse.parse_qs(url.query), url.path)
        body = payload.get("body")
        if method in ("POST", "PUT") and (not isinstance(body, str) or len(body) > LIMIT):
            return self.reply(400, {"message": {"note": [f"is too long (maximum is {LIMIT} characters)"]}}
                              if isinstance(body, str) else {"error": "body is missing"})
        with store.lock:
            if method == "POST" and not note:
                return self.reply(201, self.shown(store.add(project, iid, body, "project_bot")))
            found = [c for c in store.comments if str(c["id"]) == note and c["repo"] == project and c["number"] == iid]
            if method == "PUT" and found:
                found[0]["body"] = body
                return self.reply(200, self.shown(found[0]))
        return self.reply(404, {"message": "404 Not found"})

    def shown(self, c):
        return {"id": c["id"], "body": c["body"], "author": {"username": c["user"]["login"]}, "system": False,
                "noteable_iid": c["number"]}

    def notes(self, project, iid, query, path):
        per_page = min(int((query.get("per_page") or ["20"])[0]), 100)
        page = max(1, int((query.get("page") or ["1"])[0]))
        with self.server.store.lock:
            mine = [c for c in self.server.store.comments if c["repo"] == project and c["number"] == iid]
        if (query.get("sort") or ["desc"])[0] != "asc":
            mine = mine[::-1]  # GitLab lists newest first unless asked
        pages = max(1, -(-len(mine) // per_page))
        headers = [("X-Page", str(page)), ("X-Total", str(len(mine))), ("X-Next-Page", str(page + 1) if page < pages else "")]
        if page < pages:
            q = urllib.parse.urlencode({**{k: v[0] for k, v in query.items()}, "page": page + 1})
            headers.append(("Link", f'<{self.server.base}{path}?{q}>; rel="next"'))
        self.reply(200, [self.shown(c) for c in mine[(page - 1) * per_page: page * per_page]], headers)

    def do_PUT(self):
        self.route("PUT")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", required=True)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.store = fake_github.Store()
    server.token = args.token
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
