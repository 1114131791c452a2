"""Two `monitorc apply` runs at once on one local target: they take turns on the target's lock,
so the state stays valid and every source monitor exists exactly once."""
import json
import os
import subprocess
import tempfile
import unittest

from harness import monitorc_path

MONITORS = 20


def source(dir_):
    text = 'target local "demo" { dir = "%s" }\n' % dir_
    for i in range(MONITORS):
        text += ('monitor host "cpu %d" { metric = "cpu%%" operator = ">" warning = 70 critical = 90 '
                 'duration = 5m scopes = ["svc:r%d"] }\n' % (i, i))
    return text


class LocalTargetConcurrency(unittest.TestCase):
    def test_two_applies_at_once_take_turns(self):
        for attempt in range(3):
            with tempfile.TemporaryDirectory(prefix="monitorc-race-") as tmp:
                state = os.path.join(tmp, "state")
                with open(os.path.join(tmp, "main.mon"), "w") as f:
                    f.write(source(state))
                procs = [subprocess.Popen([monitorc_path(), "apply", "main.mon", "--auto-approve"], cwd=tmp,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                          stdin=subprocess.DEVNULL) for _ in range(2)]
                outs = [p.communicate(timeout=120) for p in procs]
                for p, (out, err) in zip(procs, outs):
                    self.assertEqual(p.returncode, 0, out + err)
                with open(os.path.join(state, "monitors.json")) as f:
                    monitors = json.load(f)["monitors"]
                names = sorted(m["name"] for m in monitors)
                self.assertEqual(names, sorted("cpu %d" % i for i in range(MONITORS)), "attempt %d" % attempt)
                # The later run found everything made by the first: a plan now has no changes.
                p = subprocess.run([monitorc_path(), "plan", "main.mon", "--detailed-exitcode"], cwd=tmp,
                                   capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
