"""`monitorc plan` and `apply` over several targets: repeatable --target and --all-targets give one
section per target in one report; a target that cannot be planned is reported while the others
are still planned (apply then changes nothing); the exit status covers them all; --out refuses (a
saved plan is one target's); `show` renders a saved plan of several targets again."""
import json
import os
import re
import subprocess
import tempfile
import unittest

from harness import KEY, FakeServer, apply_on_terminal, monitorc_path


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


    def test_show_renders_the_json_of_several_targets(self):
        p = run(self.dir, "plan", "--all-targets", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, "plan.json"), "w") as f:
            f.write(p.stdout)
        shown = run(self.dir, "show", "plan.json", "--format", "json")
        self.assertEqual(json.loads(shown.stdout), json.loads(p.stdout))
        direct = run(self.dir, "plan", "--all-targets", "--format", "markdown", "--max-bytes", "1100")
        shown = run(self.dir, "show", "plan.json", "--format", "markdown", "--max-bytes", "1100")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertEqual(shown.stdout, direct.stdout)
        self.assertLessEqual(len(shown.stdout.encode()), 1100)  # the budget holds the blank lines between sections
        self.assertIn("Shortened to fit", shown.stdout)
        p = run(self.dir, "show", "main.mon")
        self.assertEqual(p.returncode, 1)

    def test_a_small_target_leaves_its_room_to_a_large_one(self):
        with open(os.path.join(self.dir, "main.mon"), "a") as f:
            for i in range(20):
                f.write(f'monitor connectivity "svc {i}" {{ scopes = ["svc"] targets = ["b"] }}\n')
        p = run(self.dir, "plan", "--all-targets", "--format", "markdown", "--max-bytes", "5000")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertLessEqual(len(p.stdout.encode()), 5000)
        a, b = p.stdout.split("### monitorc plan: local `b`")
        self.assertNotIn("Shortened", a)  # the small target is whole
        budget = int(re.search(r"Shortened to fit (\d+) bytes", b).group(1))
        self.assertGreater(budget, 5000 - len(a.encode()) - 100)  # the large one has the rest, not half


class ApplySeveralTargets(unittest.TestCase):
    """apply over several targets: one report with a section per target, one confirmation, exit
    status over the whole."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="monitorc-apply-several-")
        self.dir = self.tmp.name
        self.write('target local "a" { dir = "state-a" }\n'
                   'target local "b" { dir = "state-b" }\n'
                   'monitor connectivity "up" { scopes = ["svc"] }\n'
                   'monitor host "cpu" { metric = "cpu%" operator = ">" critical = 90 duration = 5m targets = ["b"] }\n')

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, text):
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write(text)

    def test_all_targets_applied_in_one_run(self):
        p = run(self.dir, "apply", "--all-targets", "--auto-approve")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('Apply report for local "a":', p.stdout)
        self.assertIn('Apply report for local "b":', p.stdout)
        self.assertIn("Applied to 2 of 2 target(s) with changes.", p.stdout)
        p = run(self.dir, "plan", "--all-targets", "--detailed-exitcode")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Only the target with changes is applied the second time.
        with open(os.path.join(self.dir, "main.mon"), "a") as f:
            f.write('monitor connectivity "down" { scopes = ["svc"] targets = ["a"] }\n')
        p = run(self.dir, "apply", "--target", "a", "--target", "b", "--auto-approve")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('Apply report for local "a":', p.stdout)
        self.assertNotIn('Apply report for local "b":', p.stdout)
        self.assertIn("Applied to 1 of 1 target(s) with changes.", p.stdout)

    def test_nothing_is_applied_unless_every_target_was_planned(self):
        p = run(self.dir, "apply", "--target", "a", "--target", "nosuch", "--auto-approve")
        self.assertEqual(p.returncode, 1)
        self.assertIn("target 'nosuch' was not planned", p.stderr)
        self.assertIn("nothing was applied", p.stderr)
        self.assertNotIn("Apply report", p.stdout)
        p = run(self.dir, "plan", "--target", "a", "--detailed-exitcode")
        self.assertEqual(p.returncode, 2, "target a was changed although the run was refused")

    def test_one_confirmation_names_every_target(self):
        rc, out = apply_on_terminal(self.dir, dict(os.environ), "yes", args=("apply", "--all-targets"))
        self.assertEqual(rc, 0, out)
        self.assertEqual(out.count("Only 'yes' is accepted"), 1, out)
        self.assertIn('Apply these changes to 2 targets (local "a", local "b")?', out)
        p = run(self.dir, "apply", "--all-targets")  # no terminal, no --auto-approve
        self.assertEqual(p.returncode, 0, p.stderr)  # nothing to do: no question asked

    def test_saved_plans_stay_one_target_each(self):
        p = run(self.dir, "plan", "--all-targets", "--format", "json")
        with open(os.path.join(self.dir, "all.json"), "w") as f:
            f.write(p.stdout)
        p = run(self.dir, "apply", "all.json")
        self.assertEqual(p.returncode, 1)
        self.assertIn("holds the plans of several targets", p.stderr)
        run(self.dir, "plan", "--target", "a", "--out", "a.json")
        p = run(self.dir, "apply", "a.json", "--all-targets")
        self.assertEqual(p.returncode, 1)
        self.assertIn("a saved plan is one target's", p.stderr)
        p = run(self.dir, "plan", "--target", "a", "--detailed-exitcode")
        self.assertEqual(p.returncode, 2, "a refused saved plan changed the target")

    def test_a_target_whose_writes_fail_does_not_stop_the_next(self):
        server = FakeServer(self.dir)
        try:
            self.write(f'target mackerel "m" {{ base_url = "{server.base}/" api_key_env = "MONITORC_TEST_KEY" }}\n'
                       'target local "b" { dir = "state-b" }\n'
                       'monitor connectivity "up" { scopes = ["svc"] }\n')
            server.fault(status=400, methods=["POST"], count=5)  # a 400 is not retried
            env = dict(os.environ, MONITORC_TEST_KEY=KEY)
            p = subprocess.run([monitorc_path(), "apply", "--all-targets", "--auto-approve"], cwd=self.dir, env=env,
                               capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn('Apply report for mackerel "m":', p.stdout)
            self.assertIn('Apply report for local "b":', p.stdout)
            self.assertIn('Applied to 1 of 2 target(s) with changes; failed: mackerel "m".', p.stdout)
            self.assertNotIn(KEY, p.stdout + p.stderr)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
