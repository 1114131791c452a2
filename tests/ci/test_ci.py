"""The CI integration (action.yml, ci/monitorc_ci.py) run as the action runs it, against a fake
GitHub API (tests/fakes/github) and the fake Mackerel API (tests/fakes/mackerel): the plan
comment is created once and then updated, a 5,000-monitor plan still fits in one comment, a
drift check fails when the service no longer matches, and no token or key is ever printed."""
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SCRIPT = os.path.join(ROOT, "ci", "monitorc_ci.py")
FAKE_GITHUB = os.path.join(ROOT, "tests", "fakes", "github", "fake_github.py")
FAKE_GITLAB = os.path.join(ROOT, "tests", "fakes", "gitlab", "fake_gitlab.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "engine"))
sys.path.insert(0, os.path.join(ROOT, "ci"))
from harness import KEY, FakeServer  # noqa: E402
import comment_body  # noqa: E402
import monitorc_ci  # noqa: E402

TOKEN = "ghs_faketoken7Q2xW9eR4tY6uI8oP0aS"  # must never show up anywhere
REPO, PR = "acme/monitoring", 7
MARK = "<!-- monitorc-plan: default -->"


def monitorc():
    path = os.environ.get("MONITORC")
    if not path:
        sys.exit("set MONITORC to the monitorc binary")
    return path


class FakeGitHub:
    def __init__(self, workdir, program=FAKE_GITHUB):
        port_file = os.path.join(workdir, "github.port")
        self.proc = subprocess.Popen([sys.executable, program, "--port", "0", "--token", TOKEN,
                                      "--port-file", port_file], stdout=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        with open(port_file) as f:
            self.base = f"http://127.0.0.1:{int(f.read())}"

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read().decode())

    def comments(self):
        return [c for c in self.control("GET", "/_state")["comments"] if c["number"] == PR]

    def log(self):
        return self.control("GET", "/_state")["log"]

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Job:
    """One job of a workflow: a checkout with main.mon, and the variables GitHub Actions sets."""
    in_process = True
    seen_cli = False

    def __init__(self, github, event="pull_request", token=TOKEN):
        self.dir = tempfile.mkdtemp(prefix="monitorc-ci-")
        self.temp = os.path.join(self.dir, "runner-temp")
        os.makedirs(self.temp)
        event_path = os.path.join(self.temp, "event.json")
        with open(event_path, "w") as f:
            json.dump({"pull_request": {"number": PR, "head": {"sha": "0123456789abcdef0123"}},
                       "repository": {"default_branch": "main"}}, f)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB", "CI_", "MONITORC_CI"))}
        self.env.update({
            "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": event_path,
            "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github.base if github else "http://127.0.0.1:9",
            "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "42", "GITHUB_SHA": "feedface",
            "GITHUB_REF": "refs/pull/7/merge", "RUNNER_TEMP": self.temp,
            "GITHUB_OUTPUT": os.path.join(self.temp, "output"), "GITHUB_STEP_SUMMARY": os.path.join(self.temp, "summary"),
            "MONITORC_CI_BIN": monitorc(), "MONITORC_CI_SECRET_ENV": "MONITORC_TEST_KEY",
            "MONITORC_TEST_KEY": KEY, "PYTHONDONTWRITEBYTECODE": "1",
        })
        if token:
            self.env["GITHUB_TOKEN"] = token
        self.printed = ""

    def write(self, text):
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write(text)

    def step(self, *args):
        """One step of the job. In this process (a Python start per step is most of the test's time
        on a loaded machine), with the job's variables, directory and output streams; the first
        step of every test class runs as its own process, as the action runs it."""
        if not Job.in_process or args[0] == "run" and not Job.seen_cli:
            Job.seen_cli = True
            p = subprocess.run([sys.executable, SCRIPT, *args], cwd=self.dir, env=self.env, capture_output=True,
                               text=True, timeout=300, stdin=subprocess.DEVNULL)
        else:
            out, err = io.StringIO(), io.StringIO()
            saved_env, saved_cwd = dict(os.environ), os.getcwd()
            os.environ.clear()
            os.environ.update(self.env)
            os.chdir(self.dir)
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    rc = monitorc_ci.main(list(args))
            finally:
                os.chdir(saved_cwd)
                os.environ.clear()
                os.environ.update(saved_env)
            p = subprocess.CompletedProcess(args, rc, out.getvalue(), err.getvalue())
        self.printed += p.stdout + p.stderr
        return p

    def action(self, command="auto"):
        """The action's steps in its order: run, comment, result (action.yml)."""
        self.env["MONITORC_CI_COMMAND"] = command
        run = self.step("run")
        assert run.returncode == 0, run.stderr
        comment = self.step("comment")
        return run, comment, self.step("result")

    def everything_written(self):
        """What a job leaves behind: its log, outputs, summary and the plan directory."""
        text = self.printed
        for root, _, files in os.walk(self.temp):
            for name in files:
                with open(os.path.join(root, name), errors="replace") as f:
                    text += f.read()
        return text


def local_source(monitors):
    lines = ['target local "stage" { dir = "state" }']
    lines += [f'monitor connectivity "{name}" {{ scopes = ["svc"] }}' for name in monitors]
    return "\n".join(lines) + "\n"


class StickyComment(unittest.TestCase):
    def setUp(self):
        self.github = FakeGitHub(tempfile.mkdtemp(prefix="monitorc-gh-"))

    def tearDown(self):
        self.github.stop()

    def test_created_once_then_updated(self):
        # 150 comments by others first: the marker is found on the second page (100 a page).
        self.github.control("POST", "/_seed", {"repo": REPO, "number": PR, "bodies": [f"looks good {i}" for i in range(150)]})
        job = Job(self.github)
        job.write(local_source(["up"]))
        run, comment, result = job.action()
        self.assertEqual(comment.returncode, 0, comment.stderr)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("plan comment created", comment.stdout)
        ours = [c for c in self.github.comments() if c["body"].startswith(MARK)]
        self.assertEqual(len(ours), 1)
        first = ours[0]
        self.assertIn("changes in 1 of 1 target(s)", first["body"])
        self.assertIn("<code>up</code>", first["body"])
        self.assertIn("https://github.example/acme/monitoring/actions/runs/42", first["body"])

        job.write(local_source(["up", "down"]))  # a second push to the pull request
        run, comment, result = job.action()
        self.assertIn("plan comment updated", comment.stdout)
        ours = [c for c in self.github.comments() if c["body"].startswith(MARK)]
        self.assertEqual(len(ours), 1, "a second comment was made instead of updating the first")
        self.assertEqual(ours[0]["id"], first["id"])
        self.assertIn("<code>down</code>", ours[0]["body"])
        self.assertEqual(len(self.github.comments()), 151)
        log = self.github.log()
        self.assertEqual([e["method"] for e in log if e["method"] != "GET"], ["POST", "PATCH"])
        self.assertTrue(any("page=2" in e["query"] for e in log), log)
        self.assertNotIn(TOKEN, job.everything_written())
        self.assertNotIn(KEY, job.everything_written())

    def test_two_keys_two_comments(self):
        job = Job(self.github)
        job.write(local_source(["up"]))
        job.action("plan")
        job.env["MONITORC_CI_KEY"] = "staging"
        job.env["MONITORC_CI_TARGETS"] = "stage"  # one named target: a plan document, not an array
        job.action("plan")
        self.assertIn("| <code>local</code> <code>stage</code> | 1 |", self.github.comments()[1]["body"])
        bodies = [c["body"].split("\n")[0] for c in self.github.comments()]
        self.assertEqual(sorted(bodies), ["<!-- monitorc-plan: default -->", "<!-- monitorc-plan: staging -->"])

    def test_5000_monitors_fit_in_one_comment(self):
        job = Job(self.github)
        job.write(local_source([f"check {i:04d} | </summary> <b>x</b>" for i in range(5000)]))
        started = time.monotonic()
        run, comment, result = job.action()
        seconds = time.monotonic() - started
        self.assertEqual(comment.returncode, 0, comment.stderr)
        body = self.github.comments()[0]["body"]
        self.assertLessEqual(len(body), 65536)
        self.assertLessEqual(len(body.encode()), 65536)
        self.assertIn("| <code>local</code> <code>stage</code> | 5000 | 0 | 0 | 0 | 0 |", body)
        self.assertIn("The whole plan", body)
        self.assertIn("Shortened to fit", body)
        # Names are escaped in the HTML; the JSON bodies are in fenced blocks, which show them as text.
        self.assertIn("<code>check 0000 | &lt;/summary&gt; &lt;b&gt;x&lt;/b&gt;</code>", body)
        outside = re.sub(r"```json\n.*?\n```", "", body, flags=re.S)
        self.assertEqual(outside.count("<summary>"), outside.count("</summary>"), "a name closed a <summary>")
        with open(os.path.join(job.temp, "monitorc-plan", "plan.md")) as f:
            whole = f.read()
        self.assertGreater(len(whole), 65536)  # the artifact has every change
        self.assertEqual(whole.count("<details>"), 5000)
        print(f"\n5,000 monitors: comment {len(body.encode())} bytes ({len(body)} characters), "
              f"whole plan {len(whole.encode())} bytes, {seconds:.1f} s for run+comment+result", file=sys.stderr)

    def test_422_from_the_server_still_leaves_a_comment(self):
        job = Job(self.github)
        job.env["MONITORC_CI_MAX_CHARS"] = "400000"  # as if the limit were misjudged: the server refuses
        job.write(local_source([f"check {i:04d}" for i in range(600)]))
        run, comment, result = job.action()
        self.assertEqual(comment.returncode, 0, comment.stderr)
        self.assertIn("Body is too long (maximum is 65536 characters)", comment.stderr)
        body = self.github.comments()[0]["body"]
        self.assertIn("| <code>local</code> <code>stage</code> | 600 |", body)
        self.assertIn("The whole plan", body)

    def test_a_failed_plan_is_reported_in_the_comment(self):
        job = Job(self.github)
        job.write('target local "stage" { dir = "state" }\nmonitor connectivity "up" { scopez = ["svc"] }\n')
        run, comment, result = job.action()
        self.assertEqual(result.returncode, 1)
        self.assertIn("::error title=monitorc plan failed::", result.stdout)
        body = self.github.comments()[0]["body"]
        self.assertIn("## monitorc plan failed", body)
        self.assertIn("main.mon:2:", body)

    def test_a_key_written_into_the_source_is_masked_in_the_comment(self):
        job = Job(self.github)
        job.write('target local "stage" { dir = "state" }\n'
                  f'monitor connectivity "up" {{ scopes = ["svc"] memo = "key {KEY}" }}\n')
        job.action()
        body = self.github.comments()[0]["body"]
        self.assertNotIn(KEY, body)
        self.assertIn("key ***", body)
        self.assertNotIn(KEY, job.everything_written())

    def test_no_monitorc_is_a_failure_that_says_so(self):
        job = Job(self.github)
        job.env["MONITORC_CI_BIN"] = os.path.join(job.dir, "no-such-monitorc")
        job.write(local_source(["up"]))
        run, comment, result = job.action()
        self.assertIn("cannot run", job.printed)
        self.assertEqual(result.returncode, 1)
        self.assertIn("## monitorc plan failed", self.github.comments()[0]["body"])

    def test_bad_token_is_an_error_that_does_not_show_it(self):
        job = Job(self.github, token="ghs_wrongtoken0000000000000000")
        job.write(local_source(["up"]))
        job.env["MONITORC_CI_COMMAND"] = "plan"
        job.step("run")
        p = job.step("comment")
        self.assertEqual(p.returncode, 1)
        self.assertIn("401 Bad credentials", p.stderr)
        self.assertNotIn("ghs_wrongtoken", job.everything_written())


class DriftAndApply(unittest.TestCase):
    """Apply on the default branch, then the scheduled drift check against the fake Mackerel."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="monitorc-drift-")
        self.mackerel = FakeServer(self.dir)

    def tearDown(self):
        self.mackerel.stop()

    def test_drift_check_fails_when_the_service_differs(self):
        job = Job(None, event="push")
        job.env["GITHUB_REF"] = "refs/heads/main"
        job.write(f'target mackerel "prod" {{ base_url = "{self.mackerel.base}/" api_key_env = "MONITORC_TEST_KEY" }}\n'
                  'target local "stage" { dir = "state" }\n'
                  'monitor host "cpu" { metric = "cpu%" operator = ">" critical = 90 duration = 5m }\n')
        run, comment, result = job.action()  # push to main: apply
        with open(job.env["GITHUB_OUTPUT"]) as f:
            self.assertIn("command=apply", f.read())
        self.assertEqual(result.returncode, 0, job.printed)
        self.assertIn("no comment for 'apply'", comment.stdout)
        self.assertEqual(len(self.mackerel.state()["monitors"]), 1)
        self.assertIn('Applied to 2 of 2 target(s) with changes.', job.printed)
        with open(job.env["GITHUB_STEP_SUMMARY"]) as f:
            self.assertIn("## monitorc apply applied", f.read())

        job.env["GITHUB_EVENT_NAME"] = "schedule"
        run, comment, result = job.action()
        self.assertEqual(result.returncode, 0, result.stdout)  # no drift

        # Someone edits the monitor in the service's UI.
        monitor = self.mackerel.state()["monitors"][0]
        req = urllib.request.Request(f"{self.mackerel.base}/api/v0/monitors/{monitor['id']}", method="PUT",
                                     data=json.dumps(dict(monitor, critical=99)).encode(),
                                     headers={"X-Api-Key": KEY, "Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=10).read()
        run, comment, result = job.action()
        self.assertEqual(result.returncode, 1)
        self.assertIn("::error title=Drift::The service no longer matches the source (prod)", result.stdout)
        with open(job.env["GITHUB_STEP_SUMMARY"]) as f:
            summary = f.read()
        self.assertIn("## Drift: the service no longer matches the source", summary)
        self.assertIn("critical", summary)
        self.assertNotIn(KEY, job.everything_written())
        self.assertNotIn(TOKEN, job.everything_written())


class GitLabMergeRequestNote(unittest.TestCase):
    """The same sticky logic as a merge request note (the GitLab CI example in docs/ci.md)."""

    def setUp(self):
        self.gitlab = FakeGitHub(tempfile.mkdtemp(prefix="monitorc-gl-"), FAKE_GITLAB)

    def tearDown(self):
        self.gitlab.stop()

    def test_note_created_once_then_updated(self):
        self.gitlab.control("POST", "/_seed", {"repo": "12", "number": 3, "bodies": [f"note {i}" for i in range(120)]})
        job = Job(None)
        for k in [k for k in job.env if k.startswith("GITHUB_")]:
            del job.env[k]
        job.env.update({"GITLAB_CI": "true", "CI_API_V4_URL": self.gitlab.base + "/api/v4", "CI_PROJECT_ID": "12",
                        "CI_MERGE_REQUEST_IID": "3", "MONITORC_GITLAB_TOKEN": TOKEN, "CI_COMMIT_SHA": "abcdef0123456789",
                        "CI_PIPELINE_URL": "https://gitlab.example/acme/monitoring/-/pipelines/9",
                        "MONITORC_CI_DIR": os.path.join(job.temp, "plan")})
        job.write(local_source(["up"]))
        run, comment, result = job.action()
        self.assertIn("plan comment created", comment.stdout, comment.stderr)
        job.write(local_source(["up", "down"]))
        run, comment, result = job.action()
        self.assertIn("plan comment updated", comment.stdout, comment.stderr)
        notes = [c for c in self.gitlab.control("GET", "/_state")["comments"] if c["body"].startswith(MARK)]
        self.assertEqual(len(notes), 1)
        self.assertIn("<code>down</code>", notes[0]["body"])
        self.assertIn("https://gitlab.example/acme/monitoring/-/pipelines/9", notes[0]["body"])
        self.assertEqual([e["method"] for e in self.gitlab.control("GET", "/_state")["log"] if e["method"] != "GET"],
                         ["POST", "PUT"])
        self.assertNotIn(TOKEN, job.everything_written())


class FakeGitHubFollowsTheApi(unittest.TestCase):
    """The fake answers as GitHub does where the script depends on it."""

    def setUp(self):
        self.github = FakeGitHub(tempfile.mkdtemp(prefix="monitorc-gh-"))

    def tearDown(self):
        self.github.stop()

    def call(self, method, path, body=None, token=TOKEN):
        req = urllib.request.Request(self.github.base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read().decode()), r.headers
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode()), e.headers

    def test_limits_pages_and_auth(self):
        path = f"/repos/{REPO}/issues/{PR}/comments"
        self.assertEqual(self.call("POST", path, {"body": "x" * 65536})[0], 201)
        status, doc, _ = self.call("POST", path, {"body": "é" * 65537})
        self.assertEqual(status, 422)
        self.assertEqual(doc["errors"][0]["message"], "Body is too long (maximum is 65536 characters)")
        for i in range(4):
            self.call("POST", path, {"body": str(i)})
        status, items, headers = self.call("GET", path + "?per_page=2")
        self.assertEqual(len(items), 2)
        self.assertIn('page=2>; rel="next"', headers["Link"])
        status, items, headers = self.call("GET", path + "?per_page=2&page=3")
        self.assertEqual([c["body"] for c in items], ["3"])
        self.assertNotIn('rel="next"', headers.get("Link", ""))
        cid = items[0]["id"]
        self.assertEqual(self.call("PATCH", f"/repos/{REPO}/issues/comments/{cid}", {"body": "y" * 65537})[0], 422)
        self.assertEqual(self.call("PATCH", f"/repos/{REPO}/issues/comments/{cid}", {"body": "y"})[1]["body"], "y")
        status, doc, _ = self.call("GET", path, token="wrong")
        self.assertEqual((status, doc["message"]), (401, "Bad credentials"))


class Pieces(unittest.TestCase):
    def test_names_cannot_break_the_summary_table(self):
        table = comment_body.summary_table([{"target": {"kind": "local", "name": "a|b</code><script>"}, "summary": {}}])
        row = table.splitlines()[2]
        self.assertEqual(row.count("|"), 7, row)
        self.assertNotIn("<script>", row)

    def test_the_action_and_the_examples_run_these_steps(self):
        import yaml  # python3-yaml, already a test dependency
        with open(os.path.join(ROOT, "action.yml")) as f:
            action = yaml.safe_load(f)
        runs = [st["run"] for st in action["runs"]["steps"] if "run" in st]
        self.assertEqual([re.search(r'monitorc_ci\.py" (\w+)', r).group(1) for r in runs if "monitorc_ci.py" in r],
                         ["run", "comment", "result"])
        for r in runs:  # inputs reach the shell through env:, never spliced into a command line
            self.assertNotIn("${{", r)
        with open(os.path.join(ROOT, "action.yml")) as f:
            used = set(re.findall(r"inputs\.([\w-]+)", f.read()))
        self.assertLessEqual(used, set(action["inputs"]))
        with open(os.path.join(ROOT, "docs", "ci", "github-workflow.yml")) as f:
            workflow = yaml.safe_load(f)
        uses = [st for job in workflow["jobs"].values() for st in job["steps"] if "monitorc@" in st.get("uses", "")]
        self.assertEqual(len(uses), 2)
        for st in uses:
            self.assertLessEqual(set(st["with"]), set(action["inputs"]))
        with open(os.path.join(ROOT, "docs", "ci", "gitlab-ci.yml")) as f:
            gitlab = yaml.safe_load(f)
        steps = lambda job: [re.search(r"monitorc_ci\.py (\w+)", line).group(1) for line in gitlab[job]["script"]]
        self.assertEqual(steps("monitorc-plan"), ["run", "comment", "result"])
        self.assertEqual(steps("monitorc-drift"), ["run", "result"])
        self.assertTrue(os.path.exists(os.path.join(ROOT, "ci", "build-monitorc.sh")))


if __name__ == "__main__":
    unittest.main()
