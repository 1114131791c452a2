#!/usr/bin/env python3
"""Colour in diagnostics and plans: only on a terminal, never with NO_COLOR set or TERM=dumb.
  color_cli.py MONITORC"""
import os, pty, subprocess, sys, tempfile

mc = sys.argv[1]
failures = []

def on_terminal(args, env):
    """Runs args with stdout and stderr on a pseudo-terminal; returns what it printed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(args[0], args, env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk: break
        out += chunk
    os.waitpid(pid, 0)
    return out

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "bad.mon")
    with open(src, "w") as f:
        f.write('monitor host "x" { metric = 1 }\n')
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    coloured = on_terminal([mc, "check", src], dict(base, TERM="xterm-256color"))
    if b"\x1b[1;31merror:" not in coloured or b"\x1b[1;32m^" not in coloured:
        failures.append(f"no colour on a terminal: {coloured!r}")
    for env, why in ((dict(base, TERM="xterm", NO_COLOR="1"), "NO_COLOR=1"), (dict(base, TERM="dumb"), "TERM=dumb")):
        plain = on_terminal([mc, "check", src], env)
        if b"\x1b" in plain or b"error: 'metric' expects a string" not in plain:
            failures.append(f"colour with {why}: {plain!r}")
    piped = subprocess.run([mc, "check", src], capture_output=True, env=dict(base, TERM="xterm"))
    if b"\x1b" in piped.stderr or b"bad.mon:1:29: error:" not in piped.stderr:
        failures.append(f"colour into a pipe: {piped.stderr!r}")

for f in failures: print("FAIL: " + f)
print("color_cli: " + ("ok" if not failures else f"{len(failures)} failed"))
sys.exit(1 if failures else 0)
