"""Plan goldens: each cases/NAME/ holds after.mon (and before.mon, applied first to a local
target, when the case starts from existing objects); `monitorc plan --prune` of after.mon must
print plan.txt (text) and plan.md (markdown). Remote ids, which the local target makes up, read
as ID. Run with --update to rewrite the goldens."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(monitorc, cwd, *args):
    p = subprocess.run([monitorc, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    return p


def ids(state):
    found = set()
    for path in glob.glob(os.path.join(state, "**", "*.json"), recursive=True):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        found.update(re.findall(r'"id":\s*"([^"]+)"', text))
    return found


def plans(monitorc, case):
    tmp = tempfile.mkdtemp(prefix="monitorc-plan-")
    try:
        before = os.path.join(case, "before.mon")
        if os.path.exists(before):
            shutil.copy(before, os.path.join(tmp, "main.mon"))
            p = run(monitorc, tmp, "apply", "main.mon", "--auto-approve")
            if p.returncode != 0:
                raise AssertionError(f"{case}: apply before.mon failed:\n{p.stdout}{p.stderr}")
        shutil.copy(os.path.join(case, "after.mon"), os.path.join(tmp, "main.mon"))
        out = {}
        for name, fmt in (("plan.txt", "text"), ("plan.md", "markdown")):
            p = run(monitorc, tmp, "plan", "main.mon", "--prune", "--format", fmt)
            if p.returncode != 0:
                raise AssertionError(f"{case}: plan failed:\n{p.stdout}{p.stderr}")
            out[name] = p.stdout
        p = run(monitorc, tmp, "plan", "main.mon", "--prune", "--format", "json")
        out["json"] = json.loads(p.stdout)
        known = ids(os.path.join(tmp, "state"))
        for name in ("plan.txt", "plan.md"):
            for i in known:
                out[name] = out[name].replace(i, "ID")
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    monitorc = os.environ["MONITORC"]
    update = "--update" in sys.argv
    failed = 0
    for case in sorted(glob.glob(os.path.join(HERE, "cases", "*"))):
        out = plans(monitorc, case)
        # Machines keep the API's names and units; the source's words come beside them.
        expected = os.path.join(case, "fields.json")
        if os.path.exists(expected):
            with open(expected, encoding="utf-8") as f:
                for want in json.load(f):
                    fields = [f for c in out["json"]["changes"] for f in c.get("fields", [])]
                    if want not in fields:
                        failed += 1
                        print(f"FAIL {os.path.relpath(expected, HERE)}: {want} not in {fields}")
        for name in ("plan.txt", "plan.md"):
            path = os.path.join(case, name)
            if update:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(out[name])
                continue
            with open(path, encoding="utf-8") as f:
                want = f.read()
            if out[name] != want:
                failed += 1
                print(f"FAIL {os.path.relpath(path, HERE)}\n--- want\n{want}\n--- got\n{out[name]}")
            else:
                print(f"ok   {os.path.relpath(path, HERE)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
