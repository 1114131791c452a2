"""`monitorc plan` over several targets: repeatable --target and --all-targets give one section
per target in one report; a target that cannot be planned is reported while the others are still
planned; the exit status covers them all; --out refuses (a saved plan is one target's)."""
import json
import os
import subprocess
import tempfile
import unittest

from harness import monitorc_path


def run(cwd, *args):
    return subprocess.run([monitorc_path(), *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


class SeveralTargets(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="monitorc-several-")
        self.dir = self.tmp.name
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write('target local "a" { dir = "state-a" }\n'
                    'target local "b" { dir = "state-b" }\n'
                    'monitor connectivity "up" { scopes = ["svc"] }\n'
                    'monitor host "cpu" { metric = "cpu%" operator = ">" critical = 90 duration = 5m targets = ["b"] }\n')

    def tearDown(self):
        self.tmp.cleanup()

    def test_two_targets_one_report(self):
        p = run(self.dir, "plan", "--target", "a", "--target", "b", "--detailed-exitcode")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn('Target local "a" (state-a)', p.stdout)
        self.assertIn('Target local "b" (state-b)', p.stdout)
        self.assertIn("Plan: 1 to create", p.stdout)
        self.assertIn("Plan: 2 to create", p.stdout)
        p = run(self.dir, "plan", "--all-targets", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        plans = json.loads(p.stdout)
        self.assertEqual([pl["target"]["name"] for pl in plans], ["a", "b"])
        p = run(self.dir, "plan", "--all-targets", "--format", "markdown", "--max-bytes", "3000")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.count("### monitorc plan: local"), 2)

    def test_the_source_is_compiled_once(self):
        # One compilation for all targets: MONITORC_TIMING reports one parse, not one per target
        # (nor what the source says, twice).
        p = subprocess.run([monitorc_path(), "plan", "--all-targets"], cwd=self.dir, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=60, env=dict(os.environ, MONITORC_TIMING="1"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr.count("timing: parse"), 1, p.stderr)

    def test_one_target_failing_does_not_hide_the_others(self):
        p = run(self.dir, "plan", "--target", "a", "--target", "nosuch")
        self.assertEqual(p.returncode, 1)
        self.assertIn('Target local "a"', p.stdout)
        self.assertIn("target 'nosuch' was not planned", p.stderr)

    def test_out_takes_one_target(self):
        p = run(self.dir, "plan", "--all-targets", "--out", "p.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("--out saves one target's plan", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "p.json")))
        p = run(self.dir, "plan", "--target", "b", "--out", "p.json")  # one --target works as before
        self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    unittest.main()
