"""Runs every command with a known fake API key and checks the key appears in no output, log
or file."""
import os
import tempfile
import unittest

from harness import FakeServer, Workspace, KEY, slurp


class Secrets(unittest.TestCase):
    def test_key_never_appears(self):
        tmp = tempfile.mkdtemp(prefix="monitorc-fake-")
        server = FakeServer(tmp, state_file=os.path.join(tmp, "state.json"))
        try:
            ws = Workspace(server)
            runs = [
                ("plan", "main.mon"),
                ("plan", "main.mon", "-v", "--format", "json"),
                ("plan", "main.mon", "--format", "markdown", "--detailed-exitcode"),
                ("plan", "main.mon", "--out", "saved.plan", "-v"),
                ("apply", "saved.plan", "-v"),
                ("plan", "main.mon", "-v"),
                ("apply", "main.mon"),  # no terminal: refuses
                ("apply", "main.mon", "--auto-approve", "-v", "--prune"),
                ("pull", "main.mon", "-o", "pulled"),
                ("pull", "main.mon", "-o", "pulled-owned", "--owned-only", "-v"),
                ("build", "main.mon", "-o", "out"),
                ("check", "main.mon"),
                ("build", "main.mon", "--emit", "ir"),
            ]
            ws.edit("warning  = 80", "warning  = 81")
            outputs = []
            for args in runs:
                p = ws.run(*args)
                outputs.append((args, p.stdout + p.stderr))
            # Faults make monitorc print retry and error paths too.
            server.fault(status=500, count=20, methods=["PUT"])
            ws.edit("warning  = 81", "warning  = 82")
            p = ws.run("apply", "main.mon", "--auto-approve", "-v")
            self.assertEqual(p.returncode, 1)
            self.assertIn("HTTP 500", p.stdout)
            outputs.append((("apply", "faulted"), p.stdout + p.stderr))
            self.assertTrue(any("http: GET /api/v0/monitors -> 200" in o for _, o in outputs))
            for args, out in outputs:
                self.assertNotIn(KEY, out, args)
                self.assertNotIn(KEY[:12], out, args)
            self.assertTrue(os.path.exists(os.path.join(ws.dir, "saved.plan")))
            for root in (ws.dir, tmp):
                for dirpath, _, files in os.walk(root):
                    for name in files:
                        with open(os.path.join(dirpath, name), "rb") as f:
                            self.assertNotIn(KEY.encode(), f.read(), os.path.join(dirpath, name))
            self.assertNotIn(KEY, slurp(os.path.join(ws.dir, "saved.plan")))
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
