#!/usr/bin/env python3
"""monitorc in CI: the steps of the GitHub Action (action.yml) and of the GitLab CI example
(docs/ci.md), as one script so they can be tested against fake APIs.

  monitorc_ci.py run [--command auto|plan|apply|drift]   runs monitorc; files into --dir
  monitorc_ci.py comment                                  the sticky plan comment (PR / MR)
  monitorc_ci.py result                                   exits 1 on an error or on drift

`run` never fails the job itself, so the artifact upload and the comment still happen; `result`
gives the verdict. Settings come from options or from MONITORC_CI_* variables (the action maps its
inputs to them). Standard library only; nothing is downloaded.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import comment_body  # noqa: E402
import sticky  # noqa: E402


def env(name, default=""):
    return os.environ.get(name, default)


# ---------------------------------------------------------------------------- secrets

def secret_values():
    """Values that must never be printed or posted: the API tokens this script uses and the
    variables named in MONITORC_CI_SECRET_ENV (the targets' keys)."""
    names = ["GITHUB_TOKEN", "MONITORC_GITLAB_TOKEN"] + env("MONITORC_CI_SECRET_ENV").split()
    return [v for v in (env(n) for n in names) if len(v) >= 4]


def redact(text):
    for v in secret_values():
        text = text.replace(v, "***")
    return text


def say(text, stream=None):
    stream = stream or sys.stdout
    stream.write(redact(text))
    stream.flush()


# ---------------------------------------------------------------------------- platform

def event():
    path = env("GITHUB_EVENT_PATH")
    if path and os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return {}


def choose_command():
    """auto: plan for a pull/merge request, apply on the default branch, drift on a schedule."""
    if env("GITHUB_ACTIONS"):
        name = env("GITHUB_EVENT_NAME")
        if name in ("pull_request", "pull_request_target"):
            return "plan"
        if name in ("schedule", "workflow_dispatch"):
            return "drift"
        default = (event().get("repository") or {}).get("default_branch")
        return "apply" if name == "push" and default and env("GITHUB_REF") == "refs/heads/" + default else "plan"
    if env("GITLAB_CI"):
        if env("CI_MERGE_REQUEST_IID"):
            return "plan"
        if env("CI_PIPELINE_SOURCE") == "schedule":
            return "drift"
        return "apply" if env("CI_COMMIT_BRANCH") and env("CI_COMMIT_BRANCH") == env("CI_DEFAULT_BRANCH") else "plan"
    return "plan"


def comment_client():
    """(client, None) for the pull/merge request of this run, or (None, why not)."""
    if env("GITLAB_CI") and not env("GITHUB_ACTIONS"):
        iid, token = env("CI_MERGE_REQUEST_IID"), env("MONITORC_GITLAB_TOKEN")
        if not iid:
            return None, "not a merge request pipeline"
        if not token:
            return None, "MONITORC_GITLAB_TOKEN is not set (a project access token with the api scope)"
        return sticky.GitLab(env("CI_API_V4_URL", "https://gitlab.com/api/v4"), env("CI_PROJECT_ID"), iid, token), None
    number = env("MONITORC_CI_PR") or str((event().get("pull_request") or {}).get("number", ""))
    if not number:
        return None, "not a pull request"
    if not env("GITHUB_TOKEN"):
        return None, "no token (give the action github-token, with pull-requests: write)"
    return sticky.GitHub(env("GITHUB_API_URL", "https://api.github.com"), env("GITHUB_REPOSITORY"), number,
                         env("GITHUB_TOKEN")), None


def context(args):
    ctx = {"artifact_name": args.artifact_name, "artifact_url": args.artifact_url}
    if env("GITHUB_ACTIONS"):
        ctx["commit"] = (event().get("pull_request") or {}).get("head", {}).get("sha") or env("GITHUB_SHA")
        if env("GITHUB_RUN_ID"):
            ctx["run_url"] = f"{env('GITHUB_SERVER_URL', 'https://github.com')}/{env('GITHUB_REPOSITORY')}/actions/runs/{env('GITHUB_RUN_ID')}"
    elif env("GITLAB_CI"):
        ctx["commit"] = env("CI_COMMIT_SHA")
        ctx["run_url"] = env("CI_PIPELINE_URL")
        if not ctx["artifact_url"] and env("CI_JOB_URL"):
            ctx["artifact_url"] = env("CI_JOB_URL") + "/artifacts/browse"
    return ctx


def set_output(name, value):
    path = env("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{name}={value}\n")


def add_summary(markdown):
    """The job summary (GitHub shows it on the run page; 1 MiB at most per step)."""
    path = env("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(redact(markdown)[:1000000])


# ---------------------------------------------------------------------------- run

def monitorc(args, *argv, out=None):
    """Runs monitorc; its stdout goes to `out` (a path) or is returned; stderr is shown in the log
    and kept. Returns (status, stdout, stderr)."""
    try:
        p = subprocess.run([args.monitorc, *argv], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    except OSError as e:
        p = subprocess.CompletedProcess(argv, 127, "", f"monitorc-ci: error: cannot run '{args.monitorc}': "
                                        f"{e.strerror} (give the action's monitorc input, or install: build)\n")
    if out:
        write(out, p.stdout)
    say(p.stderr, sys.stderr)
    return p.returncode, p.stdout, p.stderr


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(redact(text))


def target_args(args):
    names = args.targets.split()
    return [a for n in names for a in ("--target", n)] if names else ["--all-targets"]


def read_plans(path):
    """The plan documents in `path` (one, or the array of several targets); [] if unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return []
    return doc if isinstance(doc, list) else [doc]


def run_plan(args):
    os.makedirs(args.dir, exist_ok=True)
    plan_json = os.path.join(args.dir, "plan.json")
    extra = ["--prune"] if args.prune else []
    rc, _, err = monitorc(args, "plan", *target_args(args), *extra, "--format", "json", "--detailed-exitcode",
                          *args.paths, out=plan_json)
    write(os.path.join(args.dir, "stderr.txt"), err)
    plans = read_plans(plan_json)
    if plans:
        _, text, _ = monitorc(args, "show", plan_json, out=os.path.join(args.dir, "plan.txt"))
        say(text)
        _, md, _ = monitorc(args, "show", plan_json, "--format", "markdown", "--max-bytes", "0",
                            out=os.path.join(args.dir, "plan.md"))
    return rc, plans


def run(args):
    command = choose_command() if args.command == "auto" else args.command
    t0 = time.monotonic()
    if command == "apply":
        os.makedirs(args.dir, exist_ok=True)
        extra = ["--prune"] if args.prune else []
        rc, out, err = monitorc(args, "apply", *target_args(args), *extra, "--auto-approve", *args.paths,
                                out=os.path.join(args.dir, "apply.txt"))
        say(out)
        write(os.path.join(args.dir, "stderr.txt"), err)
        verdict = "applied" if rc == 0 else "failed"
        add_summary(f"## monitorc apply {verdict}\n\n" + comment_body.fence((out + err)[-200000:]))
        plans = []
    else:
        rc, plans = run_plan(args)
        md_path = os.path.join(args.dir, "plan.md")
        if command == "drift" and os.path.exists(md_path):
            with open(md_path, encoding="utf-8") as f:
                head = "## Drift: the service no longer matches the source\n\n" if rc == 2 else ""
                add_summary(head + f.read()[:900000])
    status = {"command": command, "exit": rc, "changes": any(p.get("has_changes") for p in plans),
              "targets": [p.get("target", {}).get("name") for p in plans],
              "changed": [p.get("target", {}).get("name") for p in plans if p.get("has_changes")],
              "seconds": round(time.monotonic() - t0, 2)}
    write(os.path.join(args.dir, "status.json"), json.dumps(status, indent=2) + "\n")
    for k, v in (("command", command), ("exit-code", rc), ("changes", str(status["changes"]).lower()),
                 ("dir", args.dir)):
        set_output(k, v)
    return 0


# ---------------------------------------------------------------------------- comment

def comment(args):
    status = read_status(args)
    if status.get("command") != "plan":
        say(f"monitorc-ci: no comment for '{status.get('command')}'\n")
        return 0
    client, why = comment_client()
    if client is None:
        say(f"monitorc-ci: no comment: {why}\n")
        return 0
    plan_json = os.path.join(args.dir, "plan.json")
    plans = read_plans(plan_json)
    errors = ""
    if os.path.exists(os.path.join(args.dir, "stderr.txt")):
        with open(os.path.join(args.dir, "stderr.txt"), encoding="utf-8") as f:
            errors = f.read()
    ctx = context(args)
    ctx["errors"] = errors

    def render(max_bytes):
        _, md, _ = monitorc(args, "show", plan_json, "--format", "markdown", "--max-bytes", str(max_bytes))
        return md

    mark = sticky.marker(args.key)
    body = redact(comment_body.build(plans, status["exit"], render, ctx, args.max_chars, len(mark.encode()) + 1))
    try:
        what, posted = sticky.post_sticky(client, args.key, body)
    except sticky.ApiError as e:
        if e.status != 422:
            say(f"monitorc-ci: error: cannot post the plan comment: {e}\n", sys.stderr)
            return 1
        # The server counts differently than expected: a short comment that points at the artifact.
        say(f"monitorc-ci: warning: {e}; posting the summary only\n", sys.stderr)
        short = comment_body.build(plans, status["exit"], lambda _: "", ctx, args.max_chars, len(mark.encode()) + 1)
        try:
            what, posted = sticky.post_sticky(client, args.key, redact(short))
        except sticky.ApiError as e2:
            say(f"monitorc-ci: error: cannot post the plan comment: {e2}\n", sys.stderr)
            return 1
    say(f"monitorc-ci: plan comment {what} ({len((mark + body).encode())} bytes): {posted.get('html_url') or posted.get('id')}\n")
    set_output("comment-id", posted.get("id", ""))
    return 0


# ---------------------------------------------------------------------------- result

def read_status(args):
    path = os.path.join(args.dir, "status.json")
    if not os.path.exists(path):
        return {"command": "none", "exit": 1}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def result(args):
    s = read_status(args)
    rc, command = s.get("exit", 1), s.get("command")
    names = ", ".join(n for n in s.get("targets", []) if n)
    if command == "none":
        say("::error::monitorc did not run (no status.json)\n")
        return 1
    if rc not in ((0, 2) if command in ("plan", "drift") else (0,)):
        say(f"::error title=monitorc {command} failed::monitorc {command} failed; see the step above\n")
        return 1
    if command == "drift" and rc == 2:
        names = ", ".join(n for n in s.get("changed", []) if n) or names
        say(f"::error title=Drift::The service no longer matches the source ({names}); "
            "the plan is in the job summary. Apply the source, or change it to match.\n")
        return 1
    say(f"monitorc {command}: done" + (f" ({names})" if names else "") + "\n")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="monitorc_ci.py", description=__doc__.split("\n")[0])
    ap.add_argument("step", choices=("run", "comment", "result"))
    ap.add_argument("--command", default=env("MONITORC_CI_COMMAND", "auto") or "auto",
                    choices=("auto", "plan", "apply", "drift"))
    ap.add_argument("--targets", default=env("MONITORC_CI_TARGETS"), help="target names (default: every one)")
    ap.add_argument("--paths", nargs="*", default=env("MONITORC_CI_PATHS", ".").split() or ["."])
    ap.add_argument("--monitorc", default=env("MONITORC_CI_BIN", "monitorc") or "monitorc")
    ap.add_argument("--dir", default=env("MONITORC_CI_DIR") or os.path.join(env("RUNNER_TEMP", "."), "monitorc-plan"))
    ap.add_argument("--key", default=env("MONITORC_CI_KEY", "default") or "default",
                    help="tells apart several plan comments in one pull request")
    ap.add_argument("--max-chars", type=int, default=int(env("MONITORC_CI_MAX_CHARS") or comment_body.GITHUB_LIMIT))
    ap.add_argument("--prune", action="store_true", default=env("MONITORC_CI_PRUNE") == "true")
    ap.add_argument("--artifact-name", default=env("MONITORC_CI_ARTIFACT_NAME", "monitorc-plan"))
    ap.add_argument("--artifact-url", default=env("MONITORC_CI_ARTIFACT_URL"))
    args = ap.parse_args(argv)
    return {"run": run, "comment": comment, "result": result}[args.step](args)


if __name__ == "__main__":
    sys.exit(main())
