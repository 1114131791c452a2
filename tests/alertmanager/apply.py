#!/usr/bin/env python3
"""plan/apply of a `target alertmanager` against a real Alertmanager (Debian
prometheus-alertmanager) started here on a free loopback port, in a few seconds:

- a config file monitorc did not write is refused by plan, and replaced (a copy kept) only with
  take_over = true;
- apply writes the file, reloads Alertmanager and verifies the routing through /api/v2/status:
  the receivers Alertmanager then runs are the source's;
- plan after apply: nothing to do; a source change shows as route/receiver changes, never with a
  secret's value;
- saved plans: refused when the file changed since (stale), or when edited to write a file
  monitorc would not build (tampered);
- a config Alertmanager refuses (an SMTP smarthost without a port) is rolled back on disk and the running
  config stays; a config_file Alertmanager does not load fails the verification and is rolled
  back too.

    apply.py --monitorc PATH
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

BINARY = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
SECRET = "sentinel-am-secret-do-not-print"

FOREIGN = """# written by hand
route:
  receiver: ops
receivers:
  - name: ops
"""

SOURCE = """target alertmanager "am" {
  url = "@URL@"
  config_file = "@FILE@"
  secrets_dir = "@SECRETS@"
@TAKE_OVER@
}

channel slack "shop chat" {
  channel = "#shop"
  api_url_env = "AM_TEST_SLACK_URL"
}

channel pagerduty "shop pager" {
  routing_key_env = "AM_TEST_PD_KEY"
}

route "critical" {
  severity = ["critical"]
  channels = ["shop pager", "shop chat"]
}

route "shop" {
  match = { service = "shop" }
  channels = ["shop chat"]
}
@EXTRA@
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Run:
    def __init__(self, monitorc, work):
        self.monitorc, self.work, self.failures = monitorc, work, []
        self.file = os.path.join(work, "etc", "alertmanager.yml")
        self.secrets = os.path.join(work, "secrets")
        os.makedirs(os.path.dirname(self.file))
        os.makedirs(self.secrets)
        for name in ("AM_TEST_SLACK_URL", "AM_TEST_PD_KEY"):
            with open(os.path.join(self.secrets, name), "w") as f:
                f.write("http://127.0.0.1:9/x\n")
        with open(self.file, "w") as f:
            f.write(FOREIGN)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        # Started first: it loads while the first plans run.
        self.log = open(os.path.join(work, "alertmanager.log"), "w")
        self.proc = subprocess.Popen([BINARY, "--config.file=" + self.file, "--storage.path=" + os.path.join(work, "data"),
                                      "--web.listen-address=127.0.0.1:%d" % self.port, "--cluster.listen-address="],
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def check(self, ok, what):
        print(("ok   - " if ok else "FAIL - ") + what)
        if not ok:
            self.failures.append(what)

    def source(self, take_over=False, extra="", config_file=None):
        text = (SOURCE.replace("@URL@", self.url).replace("@FILE@", config_file or self.file)
                .replace("@SECRETS@", self.secrets).replace("@TAKE_OVER@", "  take_over = true" if take_over else "")
                .replace("@EXTRA@", extra))
        with open(os.path.join(self.work, "main.mon"), "w") as f:
            f.write(text)

    def mc(self, *args):
        env = dict(os.environ, AM_TEST_SLACK_URL=SECRET, AM_TEST_PD_KEY=SECRET)
        p = subprocess.run([self.monitorc, *args], cwd=self.work, env=env, capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        if SECRET in p.stdout + p.stderr:
            self.check(False, "a secret's value is printed by monitorc %s" % " ".join(args))
        return p

    def wait_ready(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=1) as r:
                    if r.status == 200:
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def running_receivers(self):
        with urllib.request.urlopen(self.url + "/api/v2/status", timeout=5) as r:
            original = json.load(r)["config"]["original"]
        return sorted(l.split("name:", 1)[1].strip() for l in original.splitlines() if l.startswith("- name:"))

    def text(self):
        with open(self.file) as f:
            return f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    args = ap.parse_args()
    if not os.path.exists(BINARY):
        print("FAIL - %s is not installed (scripts/install-deps.sh installs prometheus-alertmanager)" % BINARY)
        return 1
    t0 = time.time()
    work = tempfile.mkdtemp(prefix="am-apply-")
    run = Run(os.path.abspath(args.monitorc), work)
    try:
        scenario(run)
    finally:
        run.stop()
    print("%d failed (%.1f s)" % (len(run.failures), time.time() - t0))
    if not run.failures:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept " + work)
    return 1 if run.failures else 0


def scenario(run):
    check = run.check
    # 1. A file monitorc did not write: refused, untouched.
    run.source()
    p = run.mc("plan", "main.mon")
    check(p.returncode == 1 and "was not written by monitorc" in p.stderr and "take_over = true" in p.stderr,
          "plan refuses a config file monitorc did not write: " + (p.stderr.strip() or "-").splitlines()[-1][:160])
    check(run.text() == FOREIGN, "the foreign file is untouched")

    # 2. take_over: adopted, written, reloaded, verified; the original kept beside it.
    run.source(take_over=True)
    p = run.mc("plan", "main.mon", "--format", "json")
    plan = json.loads(p.stdout) if p.returncode == 0 else {"changes": []}
    actions = sorted({c["action"] for c in plan["changes"]})
    check(p.returncode == 0 and actions == ["adopt", "delete"], "plan with take_over adopts (and drops the old receiver): %s" % actions)
    check(run.wait_ready(), "alertmanager is ready at " + run.url)
    p = run.mc("apply", "main.mon", "--auto-approve")
    check(p.returncode == 0, "apply with take_over succeeds: " + (p.stdout + p.stderr).strip()[-300:])
    check(run.text().startswith("# Generated by monitorc"), "the file now carries monitorc's header")
    with open(run.file + ".before-monitorc") as f:
        check(f.read() == FOREIGN, "the file taken over is kept as .before-monitorc")
    check(run.running_receivers() == ["monitorc-unrouted", "shop chat", "shop pager"],
          "Alertmanager runs the source's receivers: %s" % run.running_receivers())

    # 3. Nothing to do after apply; a change shows readably.
    run.source()
    p = run.mc("plan", "main.mon")
    check(p.returncode == 0 and "No changes" in p.stdout, "plan after apply: no changes")
    extra = 'channel webhook "audit" {\n  url = "http://127.0.0.1:9/audit"\n}\n\nroute "audit" {\n  match = { team = "audit" }\n  channels = ["audit"]\n}\n'
    run.source(extra=extra)
    p = run.mc("plan", "main.mon")
    check(p.returncode == 0 and "receiver" in p.stdout and "audit" in p.stdout and "route" in p.stdout,
          "plan shows the new receiver and route")
    print("    " + "\n    ".join(p.stdout.strip().splitlines()[:14]))

    # 4. Saved plans: stale when the file changed since, refused when edited.
    p = run.mc("plan", "main.mon", "--out", "p.json")
    check(p.returncode == 0, "plan --out")
    before = run.text()
    with open(run.file, "a") as f:
        f.write("# touched\n")
    p = run.mc("apply", "p.json")
    check(p.returncode == 1 and "stale" in p.stderr, "a saved plan is refused when the file changed since: " + p.stderr.strip()[:160])
    with open(run.file, "w") as f:
        f.write(before)
    with open(os.path.join(run.work, "p.json")) as f:
        saved = json.load(f)
    saved["operations"][0]["content"] = "route:\n  receiver: evil\nreceivers:\n  - name: evil\n"
    with open(os.path.join(run.work, "bad.json"), "w") as f:
        json.dump(saved, f)
    p = run.mc("apply", "bad.json")
    check(p.returncode == 1 and "generated header" in p.stderr and run.text() == before,
          "a saved plan edited to write another file is refused: " + p.stderr.strip()[:160])
    p = run.mc("apply", "p.json")
    check(p.returncode == 0 and "audit" in run.running_receivers(), "the saved plan applies: %s" % run.running_receivers())

    # 5. A config Alertmanager refuses: the file comes back, the running config stays.
    run.source(extra=extra + 'channel email "mail" {\n  to = ["ops@example.com"]\n  from = "am@example.com"\n'
               '  smarthost = "no-port-here"\n}\n\nroute "mail" {\n  match = { team = "mail" }\n  channels = ["mail"]\n}\n')
    before = run.text()
    p = run.mc("apply", "main.mon", "--auto-approve")
    check(p.returncode != 0 and "/-/reload" in p.stdout + p.stderr and "restored" in p.stdout + p.stderr,
          "a refused reload fails the apply: " + (p.stdout + p.stderr).strip()[-200:])
    check(run.text() == before, "the previous file is restored")
    check("audit" in run.running_receivers(), "Alertmanager still runs the previous config")

    # 6. A config_file Alertmanager does not load: reload succeeds, verification fails, rolled back.
    other = os.path.join(run.work, "etc", "other.yml")
    run.source(config_file=other)
    p = run.mc("apply", "main.mon", "--auto-approve")
    check(p.returncode != 0 and "does not report the routing written" in p.stdout + p.stderr,
          "verification through /api/v2/status catches a config Alertmanager does not run")
    check(not os.path.exists(other), "the file that was not there before is removed again")


if __name__ == "__main__":
    sys.exit(main())
