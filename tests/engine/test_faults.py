"""Faults injected by the fake server while monitorc applies: each must converge to the source
with no duplicates and nothing unowned touched."""
import collections
import signal
import subprocess
import tempfile
import time
import unittest
import os

from harness import FakeServer, Workspace, monitorc_path, KEY

UNOWNED = {"id": "unowned0001", "type": "connectivity", "name": "UI-made connectivity", "memo": "not ours",
           "alertStatusOnGone": "CRITICAL", "isMute": False, "scopes": [], "excludeScopes": []}


class Faults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="monitorc-fake-")
        cls.server = FakeServer(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.server.control("PUT", "/_state", {"monitors": [dict(UNOWNED)], "dashboards": []})
        self.unowned_before = [m for m in self.server.state()["monitors"] if m["id"] == "unowned0001"][0]
        self.ws = Workspace(self.server)

    def assertConverged(self):
        self.server.control("DELETE", "/_fault")
        state = self.server.state()
        names = collections.Counter(m["name"] for m in state["monitors"])
        self.assertEqual([n for n, k in names.items() if k > 1], [], "duplicate monitors")
        paths = collections.Counter(d["urlPath"] for d in state["dashboards"])
        self.assertEqual([n for n, k in paths.items() if k > 1], [], "duplicate dashboards")
        self.assertEqual(len(state["monitors"]), 8)
        self.assertIn(self.unowned_before, state["monitors"])
        plan = self.ws.plan_json("--prune")
        self.assertEqual([c for c in plan["changes"] if c["action"] not in ("no-change", "ignore")], [])

    def apply(self, *extra):
        return self.ws.run("apply", "main.mon", "--auto-approve", *extra)

    def test_latency(self):
        self.server.fault(latency_ms=100)
        start = time.time()
        p = self.apply("--parallel", "8")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertGreater(time.time() - start, 0.2)
        self.assertConverged()

    def test_429_with_retry_after_is_honoured(self):
        self.server.fault(status=429, retry_after=1, count=2, methods=["POST"], path_prefix="/api/v0/monitors")
        start = time.time()
        p = self.apply("--parallel", "1")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertGreaterEqual(time.time() - start, 2.0)
        self.assertIn("after 3 attempts", p.stdout)
        self.assertConverged()

    def test_500_is_retried(self):
        self.server.fault(status=500, count=3, methods=["POST", "PUT"])
        p = self.apply()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertConverged()

    def test_dropped_connection_is_retried(self):
        self.server.fault(drop_connection=True, count=3, methods=["POST"])
        p = self.apply()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertConverged()

    def test_lost_create_response_does_not_duplicate(self):
        self.server.fault(lose_response_after_commit=True, count=2, methods=["POST"], path_prefix="/api/v0/monitors")
        self.server.fault(lose_response_after_commit=True, count=1, methods=["POST"], path_prefix="/api/v0/dashboards")
        p = self.apply("--parallel", "1")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(p.stdout.count("create answer was lost"), 3, p.stdout)
        self.assertConverged()

    def test_lost_update_and_delete_responses(self):
        self.assertEqual(self.apply().returncode, 0)
        self.ws.edit("warning  = 80", "warning  = 81")
        self.ws.edit('monitor query "e2e query latency"', 'monitor query "e2e query latency 2"')
        self.server.fault(lose_response_after_commit=True, count=1, methods=["PUT"])
        self.server.fault(lose_response_after_commit=True, count=1, methods=["DELETE"])
        p = self.apply("--prune")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertConverged()

    def test_failed_object_does_not_stop_the_others(self):
        self.server.fault(status=400, count=1, methods=["POST"], path_prefix="/api/v0/monitors")
        p = self.apply("--parallel", "1")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout.count("FAILED"), 1, p.stdout)
        self.assertIn("Apply complete: 7 succeeded, 1 failed (", p.stdout)
        self.assertEqual(len(self.server.state()["monitors"]), 7)  # 6 of ours + the unowned one
        self.assertEqual(self.apply().returncode, 0)
        self.assertConverged()

    def test_kill_9_mid_apply_then_rerun(self):
        self.server.fault(latency_ms=150)
        env = dict(os.environ, MONITORC_TEST_KEY=KEY)
        proc = subprocess.Popen([monitorc_path(), "apply", "main.mon", "--auto-approve", "--parallel", "1"],
                                cwd=self.ws.dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline and len(self.server.state()["monitors"]) < 4:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        created = len(self.server.state()["monitors"]) - 1
        self.assertGreaterEqual(created, 3)
        self.assertLess(created, 8, "apply finished before the kill; the test proves nothing")
        self.server.control("DELETE", "/_fault")
        # A request already sent when monitorc died is still being served (150 ms latency).
        # The rerun comes later than that, as it would in CI; see docs/ownership.md for the
        # remaining window (an owned duplicate would show up as a prune candidate).
        time.sleep(0.6)
        p = self.apply()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertConverged()


if __name__ == "__main__":
    unittest.main()
