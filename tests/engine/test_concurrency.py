"""Two `monitorc apply` runs at once on one local target: they take turns on the target's lock,
so the state stays valid and every source monitor exists exactly once. On a prometheus target
(a real Prometheus, tests/prometheus/prom.sh) applies take turns on RULES_DIR/.monitorc.lock and
one whose plan the other made stale is refused instead of overwriting the other's result."""
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import monitorc_path, slurp

HERE = os.path.dirname(os.path.abspath(__file__))
PROM_SH = os.path.join(HERE, "..", "prometheus", "prom.sh")

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



def rules_source(target_line, critical):
    return target_line + "\n" + "".join(
        'monitor query "Load %d" { query = "node_load1{instance=\\"n%d\\"}" operator = ">" critical = %d }\n'
        % (i, i, critical) for i in range(5))


class PrometheusTargetConcurrency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="monitorc-prom-race-")
        cls.prom = os.path.join(cls.dir, "prom")
        subprocess.run(["bash", PROM_SH, "start", cls.prom], check=True, capture_output=True, timeout=60)
        cls.url = slurp(os.path.join(cls.prom, "url")).strip()
        cls.rules = os.path.join(cls.prom, "rules")
        cls.lock = os.path.join(cls.rules, ".monitorc.lock")
        cls.owned = os.path.join(cls.rules, "monitorc_prom.yml")
        cls.target = f'target prometheus "prom" {{ group = "race" rules_dir = "{cls.rules}" url = "{cls.url}" }}'

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["bash", PROM_SH, "stop", cls.prom], capture_output=True, timeout=30)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        for f in os.listdir(self.rules):
            os.remove(os.path.join(self.rules, f))

    def saved_plan(self, name, critical):
        with open(os.path.join(self.dir, name + ".mon"), "w") as f:
            f.write(rules_source(self.target, critical))
        p = subprocess.run([monitorc_path(), "plan", name + ".mon", "--out", name + ".json"], cwd=self.dir,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(slurp(os.path.join(self.dir, name + ".json")))["operations"][0]["content"]

    def start_apply(self, name):
        err = open(os.path.join(self.dir, name + ".err"), "w+")
        self.addCleanup(err.close)
        proc = subprocess.Popen([monitorc_path(), "apply", name + ".json"], cwd=self.dir, stdout=subprocess.PIPE,
                                stderr=err, text=True, stdin=subprocess.DEVNULL)
        return proc, err

    def wait_for(self, err_file, text):
        for _ in range(300):
            err_file.seek(0)
            if text in err_file.read():
                return
            time.sleep(0.05)
        err_file.seek(0)
        self.fail("no %r on stderr: %s" % (text, err_file.read()))

    def test_an_apply_waits_for_the_lock_then_checks_its_plan_again(self):
        waiting = "monitorc: waiting for another apply holding %s\n" % self.lock
        content = self.saved_plan("a", 90)
        os.makedirs(self.rules, exist_ok=True)
        with open(self.lock, "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            proc, err = self.start_apply("a")
            self.wait_for(err, waiting)
            time.sleep(0.3)
            self.assertIsNone(proc.poll())  # still waiting: nothing written while another holds the lock
            self.assertFalse(os.path.exists(self.owned))
            # What the holder wrote meanwhile makes the plan stale.
            other = "# Generated by monitorc\ngroups: []\n"
            with open(self.owned, "w") as f:
                f.write(other)
        out, _ = proc.communicate(timeout=60)
        err.seek(0)
        stderr = err.read()
        self.assertEqual(proc.returncode, 1, out + stderr)
        self.assertEqual(stderr.count(waiting), 1)
        self.assertIn("the rule files changed since the plan was made (another apply went first?): "
                      "rule_file/monitorc_prom.yml was created; nothing was written; plan again", out + stderr)
        self.assertEqual(slurp(self.owned), other)

        # The same wait with nothing changed meanwhile: the plan is applied once the lock is free.
        os.remove(self.owned)
        with open(self.lock, "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            proc, err = self.start_apply("a")
            self.wait_for(err, waiting)
        out, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out + slurp(err.name))
        self.assertIn("Apply complete: 5 succeeded, 0 failed", out)
        self.assertEqual(slurp(self.owned), content)

    def test_two_saved_plans_applied_at_once_one_wins_the_other_is_refused(self):
        for attempt in range(3):
            self.setUp()
            contents = {"a": self.saved_plan("a", 90), "b": self.saved_plan("b", 95)}
            runs = {name: self.start_apply(name) for name in contents}
            results = {}
            for name, (proc, err) in runs.items():
                out, _ = proc.communicate(timeout=120)
                results[name] = (proc.returncode, out + slurp(err.name))
            won = [name for name, (rc, _) in results.items() if rc == 0]
            self.assertEqual(len(won), 1, "attempt %d: %s" % (attempt, results))
            lost = "b" if won == ["a"] else "a"
            rc, text = results[lost]
            self.assertEqual(rc, 1, text)
            # Refused before the lock (the winner had already written) or after it (while waiting).
            self.assertTrue("is stale" in text or "the rule files changed since the plan was made" in text, text)
            self.assertEqual(slurp(self.owned), contents[won[0]], "attempt %d" % attempt)

    def test_two_applies_from_sources_at_once_take_turns(self):
        for attempt in range(3):
            self.setUp()
            for name, critical in (("a", 90), ("b", 95)):
                with open(os.path.join(self.dir, name + ".mon"), "w") as f:
                    f.write(rules_source(self.target, critical))
            procs = {name: subprocess.Popen([monitorc_path(), "apply", name + ".mon", "--auto-approve"], cwd=self.dir,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                            stdin=subprocess.DEVNULL) for name in ("a", "b")}
            results = {name: (p.wait(timeout=120), "".join(p.communicate())) for name, p in procs.items()}
            for name, (rc, text) in results.items():
                # Each run either applied or found its plan made stale by the other, never both wrote blindly.
                self.assertTrue(rc == 0 or "the rule files changed since the plan was made" in text, text)
            self.assertIn(0, [rc for rc, _ in results.values()], results)
            # The file is the result of the last successful run: planning its source again finds nothing to do.
            last = [n for n, (rc, _) in results.items() if rc == 0]
            fresh = [subprocess.run([monitorc_path(), "plan", n + ".mon", "--detailed-exitcode"], cwd=self.dir,
                                    capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60).returncode
                     for n in last]
            self.assertIn(0, fresh, "attempt %d: %s" % (attempt, results))


if __name__ == "__main__":
    unittest.main()
