"""Shared helpers for the engine's end-to-end tests: a fake Mackerel server on a loopback
port and a way to run monitorc against it with a known fake API key."""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "..", "fakes", "mackerel", "fake_mackerel.py")
FIXTURE = os.path.join(HERE, "fixtures", "all_kinds.mon")
KEY = "fake-key-5f3a9c1e7b2d4e6f8a0b"  # must never show up anywhere


def monitorc_path():
    path = os.environ.get("MONITORC")
    if not path:
        sys.exit("set MONITORC to the monitorc binary")
    return path


def apply_on_terminal(cwd, env, answer, timeout=30, args=("apply", "main.mon")):
    """Runs `monitorc apply main.mon` (or `args`) with a pseudo-terminal as stdin/stdout/stderr
    and answers its confirmation prompt; returns (exit status, everything it printed)."""
    import pty
    import select
    main, child = pty.openpty()
    proc = subprocess.Popen([monitorc_path(), *args], cwd=cwd, env=env,
                            stdin=child, stdout=child, stderr=child)
    os.close(child)
    seen, sent = b"", False
    while True:
        ready, _, _ = select.select([main], [], [], timeout)
        if not ready:
            proc.kill()
            raise AssertionError("no prompt: " + seen.decode(errors="replace"))
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not sent and b"Only 'yes' is accepted" in seen:
            os.write(main, answer.encode() + b"\n")
            sent = True
    proc.wait(timeout=timeout)
    os.close(main)
    return proc.returncode, seen.decode(errors="replace")


def slurp(path):
    with open(path) as f:
        return f.read()


def pulled_objects(out, target):
    """What `monitorc pull -o OUT` wrote for TARGET (its file-safe name): the files of
    OUT/TARGET/ (one per object), joined in path order."""
    root = os.path.join(out, target)
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    assert os.path.isdir(root) and all(p.endswith(".mon") for p in paths), "pull wrote %r" % paths
    return "".join(slurp(p) for p in paths)


class FakeServer:
    def __init__(self, workdir, state_file=None):
        port_file = os.path.join(workdir, "fake.port")
        if os.path.exists(port_file):
            os.remove(port_file)  # a stale port from an earlier run in the same directory
        args = [sys.executable, FAKE, "--port", "0", "--api-key", KEY, "--port-file", port_file]
        if state_file:
            args += ["--state", state_file]
        self.log = open(os.path.join(workdir, "fake.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(port_file) and slurp(port_file).strip():
                break
            time.sleep(0.05)
        self.port = int(slurp(port_file).strip())
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
        return json.loads(text) if text else None

    def state(self):
        return self.control("GET", "/_state")

    def fault(self, **rule):
        return self.control("POST", "/_fault", rule)

    def reset(self):
        self.control("POST", "/_reset")

    def log_entries(self):
        return self.control("GET", "/_log")


class Workspace:
    """A temp dir with the fixture source pointed at the fake server."""

    def __init__(self, server, text=None):
        self.dir = tempfile.mkdtemp(prefix="monitorc-e2e-")
        self.server = server
        self.source = os.path.join(self.dir, "main.mon")
        self.write(text if text is not None else slurp(FIXTURE))

    def write(self, text):
        with open(self.source, "w") as f:
            f.write(text.replace("@BASE_URL@", self.server.base + "/"))

    def read(self):
        return slurp(self.source)

    def edit(self, old, new):
        text = self.read()
        assert old in text, old
        with open(self.source, "w") as f:
            f.write(text.replace(old, new, 1))

    def run(self, *args, key=KEY, stdin=None, timeout=120):
        env = dict(os.environ)
        env.pop("MONITORC_TEST_KEY", None)
        if key is not None:
            env["MONITORC_TEST_KEY"] = key
        p = subprocess.run([monitorc_path(), *args], cwd=self.dir, env=env, capture_output=True,
                           text=True, timeout=timeout, stdin=stdin if stdin is not None else subprocess.DEVNULL)
        return p

    def plan_json(self, *extra):
        p = self.run("plan", "main.mon", "--format", "json", *extra)
        if p.returncode != 0:
            raise AssertionError(f"plan failed ({p.returncode}): {p.stderr}")
        return json.loads(p.stdout)
