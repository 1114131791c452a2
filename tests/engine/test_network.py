"""Network and file hardening of plan/apply/pull/build, each against a tiny loopback server
started here: no proxy sees plain http, the API key is checked before use, timeouts and
Retry-After are bounded, server text cannot drive the terminal, and files are written safely."""
import http.server
import json
import os
import socket
import subprocess
import tempfile
import threading
import unittest

from harness import FakeServer, Workspace, KEY, monitorc_path, slurp

SOURCE = '''target mackerel "t" {
  base_url = "@BASE_URL@"
  api_key_env = "MONITORC_TEST_KEY"
}
monitor connectivity "c" { }
'''


class Tiny:
    """A loopback HTTP server answering every request with `answer(handler)`; records requests."""

    def __init__(self, answer):
        self.requests = []
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def handle_one(self):
                outer.requests.append((self.command, self.path, dict(self.headers)))
                answer(self)

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(h, status, body, headers=()):
    data = body.encode()
    h.send_response(status)
    for k, v in headers:
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)


def run(cwd, *args, key=KEY, env_extra=None, timeout=60):
    env = dict(os.environ)
    for k in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "no_proxy", "NO_PROXY"):
        env.pop(k, None)
    env["MONITORC_TEST_KEY"] = key
    env.update(env_extra or {})
    return subprocess.run([monitorc_path(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def workdir(base, text=SOURCE):
    d = tempfile.mkdtemp(prefix="monitorc-net-")
    with open(os.path.join(d, "main.mon"), "w") as f:
        f.write(text.replace("@BASE_URL@", base + "/"))
    return d


LISTS = {"monitors": "monitors", "dashboards": "dashboards", "channels": "channels",
         "notification-groups": "notificationGroups", "downtimes": "downtimes",
         "alert-group-settings": "alertGroupSettings"}


def empty_lists(h):
    key = LISTS[h.path.rstrip("/").rsplit("/", 1)[-1]]
    reply(h, 200, json.dumps({key: []}), [("Content-Type", "application/json")])


class Network(unittest.TestCase):
    def test_proxy_never_sees_plain_http(self):
        server, proxy = Tiny(empty_lists), Tiny(lambda h: reply(h, 502, "proxy"))
        try:
            d = workdir(server.base)
            p = run(d, "plan", "main.mon", env_extra={"http_proxy": proxy.base, "ALL_PROXY": proxy.base,
                                                     "HTTP_PROXY": proxy.base})
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(proxy.requests, [])
            self.assertTrue(server.requests)
        finally:
            server.stop()
            proxy.stop()

    def test_key_with_line_breaks(self):
        server = Tiny(empty_lists)
        try:
            d = workdir(server.base)
            # One trailing newline (from $(cat keyfile) or a file) is trimmed, and the key is sent.
            p = run(d, "plan", "main.mon", key=KEY + "\n")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(server.requests[0][2].get("X-Api-Key"), KEY)
            # A CR/LF inside would add headers: refused, naming the variable, never the value.
            server.requests.clear()
            p = run(d, "plan", "main.mon", key=KEY + "\r\nX-Injected: 1")
            self.assertEqual(p.returncode, 1)
            self.assertIn("MONITORC_TEST_KEY", p.stderr)
            self.assertIn("control character", p.stderr)
            self.assertNotIn(KEY, p.stderr + p.stdout)
            self.assertEqual(server.requests, [])
        finally:
            server.stop()

    def test_server_that_never_answers(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(16)  # accepts connections (the kernel does), never answers
        try:
            d = workdir(f"http://127.0.0.1:{s.getsockname()[1]}")
            p = run(d, "plan", "main.mon", "--timeout", "1", "--connect-timeout", "1", timeout=30)
            self.assertEqual(p.returncode, 1)
            self.assertIn("timed out", p.stderr)
            self.assertIn("--timeout", p.stderr)
        finally:
            s.close()

    def test_huge_retry_after_is_clamped(self):
        server = Tiny(lambda h: reply(h, 429, "{}", [("Retry-After", "9223372036854775808")]))
        try:
            d = workdir(server.base)
            p = run(d, "plan", "main.mon", "--timeout", "1", timeout=30)
            self.assertEqual(p.returncode, 1)
            self.assertIn("HTTP 429", p.stderr)
            # The wait is clamped to the 2 s budget of --timeout 1: one retry, not six at once,
            # of each list plan reads (the monitor and dashboard lists are read at the same time).
            paths = [r[1] for r in server.requests]
            self.assertEqual(paths.count("/api/v0/monitors"), 2, paths)
            self.assertLessEqual(paths.count("/api/v0/dashboards"), 2, paths)
        finally:
            server.stop()

    def test_forbidden_is_not_retried(self):
        server = Tiny(lambda h: reply(h, 403, '{"error":{"message":"no"}}'))
        try:
            d = workdir(server.base)
            p = run(d, "plan", "main.mon", timeout=30)
            self.assertEqual(p.returncode, 1)
            # Each list plan reads (all at the same time) is asked for once: a 403 is not retried.
            paths = sorted(r[1] for r in server.requests)
            self.assertEqual(paths, sorted("/api/v0/" + name for name in LISTS))
        finally:
            server.stop()

    def test_escape_in_server_error_is_shown_escaped(self):
        msg = "bad\x1b]0;pwned\x07\x1b[2J"
        server = Tiny(lambda h: reply(h, 400, json.dumps({"error": {"message": msg}})))
        try:
            d = workdir(server.base)
            p = run(d, "plan", "main.mon", timeout=30)
            self.assertEqual(p.returncode, 1)
            self.assertNotIn("\x1b", p.stderr + p.stdout)
            self.assertNotIn("\x07", p.stderr)
            self.assertIn("bad\\x1b]0;pwned\\x07\\x1b[2J", p.stderr)
        finally:
            server.stop()


LOCAL = '''target local "l" { dir = "state" }
monitor connectivity "c" { }
'''


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="monitorc-files-")
        self.victim = os.path.join(self.dir, "victim.txt")
        with open(self.victim, "w") as f:
            f.write("precious\n")

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def plant(self, rel):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(self.victim, path)

    def test_planted_temp_symlinks_are_not_followed(self):
        self.write("main.mon", LOCAL + 'dashboard "d" { url_path = "d1" row { height = 6 markdown "m" { text = "x" } } }\n')
        self.plant("out/mackerel/monitors.json.tmp")
        self.plant("saved.plan.tmp")
        self.plant("state/monitors.json.tmp")
        p = run(self.dir, "build", "main.mon", "-o", "out")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run(self.dir, "plan", "main.mon", "--out", "saved.plan")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run(self.dir, "apply", "main.mon", "--auto-approve")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(slurp(self.victim), "precious\n")
        self.assertIn('"monitors"', slurp(os.path.join(self.dir, "out", "mackerel", "monitors.json")))
        self.assertIn('"c"', slurp(os.path.join(self.dir, "state", "monitors.json")))

    def test_write_failure_gives_the_reason_and_leaves_nothing(self):
        self.write("main.mon", LOCAL)
        os.makedirs(os.path.join(self.dir, "out", "mackerel", "monitors.json"))  # a directory in the way
        p = run(self.dir, "build", "main.mon", "-o", "out")
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot write", p.stderr)
        self.assertIn("directory", p.stderr.split("cannot write", 1)[1])
        self.assertEqual(sorted(os.listdir(os.path.join(self.dir, "out", "mackerel"))), ["monitors.json"])

    def test_build_removes_its_stale_dashboard_and_keeps_foreign_files(self):
        dash = 'dashboard "d" { url_path = "gone" row { height = 6 markdown "m" { text = "x" } } }\n'
        self.write("main.mon", LOCAL + dash)
        p = run(self.dir, "build", "main.mon", "-o", "out")
        self.assertEqual(p.returncode, 0, p.stderr)
        stale = os.path.join(self.dir, "out", "mackerel", "dashboards", "gone.json")
        self.assertTrue(os.path.exists(stale))
        self.write("out/mackerel/dashboards/mine.json", "{}\n")  # the user's own file
        self.write("main.mon", LOCAL)
        p = run(self.dir, "build", "main.mon", "-o", "out")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(stale))
        self.assertEqual(slurp(os.path.join(self.dir, "out", "mackerel", "dashboards", "mine.json")), "{}\n")


def slow_lists(h):
    """The lists after a short wait, the dashboard list naming 100 dashboards: a read that is
    still going while a small source compiles."""
    import time
    time.sleep(0.02)
    name = h.path.rstrip("/").rsplit("/", 1)[-1]
    if h.path.startswith("/api/v0/dashboards/"):
        reply(h, 200, json.dumps({"id": name, "title": name, "urlPath": name, "memo": "", "widgets": []}))
    elif name == "dashboards":
        reply(h, 200, json.dumps({"dashboards": [{"id": f"d{i}", "title": f"d{i}", "urlPath": f"d{i}"}
                                                for i in range(100)]}))
    else:
        empty_lists(h)


# Many monitors after the target, then a block with an error: the target is read from the time
# its declaration is lowered, and the error is found later.
BROKEN = SOURCE + "".join(f'monitor connectivity "c{i}" {{ scopes = ["svc:r{i}"] }}\n' for i in range(2000)) + \
    'monitor host "broken" {\n  metric = "cpu%"\n  no_such_field = 1\n}\n'


class ReadWhileCompiling(unittest.TestCase):
    """plan and apply read the target while the rest of the source compiles (cli/remote_target.h):
    what they print and send must be what they did when the read came after the compile."""

    def test_source_with_errors_prints_its_errors_only_and_writes_nothing(self):
        server = Tiny(slow_lists)
        try:
            d = workdir(server.base, BROKEN)
            for args in (("plan", "main.mon"), ("plan", "--target", "t", "main.mon"),
                         ("apply", "main.mon", "--auto-approve")):
                p = run(d, *args)
                self.assertEqual(p.returncode, 1, args)
                self.assertIn("main.mon:2008:3: error:", p.stderr)
                self.assertNotIn("reading", p.stderr)
                self.assertNotIn("Plan:", p.stdout)
            # Whether the read got to send anything depends on timing; it never writes.
            self.assertEqual({m for m, _, _ in server.requests} - {"GET"}, set())
        finally:
            server.stop()

    def test_unreachable_target_is_reported_only_for_a_source_without_errors(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        base = f"http://127.0.0.1:{port}"
        p = run(workdir(base, BROKEN), "plan", "main.mon")
        self.assertEqual(p.returncode, 1)
        self.assertIn("main.mon:2008:3: error:", p.stderr)
        self.assertNotIn("refused", p.stderr)
        p = run(workdir(base), "plan", "main.mon")
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"reading mackerel \"t\" ({base}/): GET /api/v0/monitors: connection refused", p.stderr)


if __name__ == "__main__":
    unittest.main()
