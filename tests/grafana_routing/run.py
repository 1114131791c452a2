#!/usr/bin/env python3
"""`monitorc import grafana` of alerting resources (docs/grafana-routing.md), without a server.

    run.py --monitorc BIN [--update]

For each NAME.yaml / NAME.json here: the source import writes equals NAME.mon and its warnings
NAME.warnings (--update rewrites them); that source builds; and the built contact points,
policies and mute timings, bundled as the provisioning API answers them, import back to
source that builds the same files again (the round trip: what build writes is what import reads)."""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ("contact-points.json", "policies.json", "mute-timings.json")


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    a.monitorc = os.path.abspath(a.monitorc)
    failures = []
    work = tempfile.mkdtemp(prefix="grafana-routing-")
    try:
        inputs = sorted(glob.glob(os.path.join(HERE, "*.yaml")) + glob.glob(os.path.join(HERE, "*.json")))
        for path in inputs:
            name = os.path.splitext(os.path.basename(path))[0]
            p = run([a.monitorc, "import", "grafana", os.path.basename(path)], HERE)
            if p.returncode != 0:
                failures.append(f"{name}: import failed: {p.stderr}")
                continue
            for ext, got in ((".mon", p.stdout), (".warnings", p.stderr)):
                golden = os.path.join(HERE, name + ext)
                if a.update:
                    with open(golden, "w") as f:
                        f.write(got)
                elif not os.path.exists(golden) or open(golden).read() != got:
                    failures.append(f"{name}{ext}: differs from the golden file (run with --update to see)\n{got}")
            src = os.path.join(work, name + ".mon")
            with open(src, "w") as f:
                f.write(p.stdout)
            out = os.path.join(work, name + "-build")
            b = run([a.monitorc, "build", src, "-o", out], work)
            if b.returncode != 0:
                failures.append(f"{name}: the imported source does not build: {b.stderr}")
                continue
            alerting = os.path.join(out, "grafana", "grafana", "alerting")

            def load(f):
                with open(os.path.join(alerting, f)) as fh:
                    return json.load(fh)
            bundle = {"contact_points": load("contact-points.json"), "policies": load("policies.json"),
                      "mute_timings": load("mute-timings.json")}
            for cp in bundle["contact_points"]:  # as Grafana answers: secrets redacted
                for k in cp.pop("secureSettings", {}):
                    cp["settings"][k] = "[REDACTED]"
            # The root's contact point is Grafana's, not the source's.
            bundle["contact_points"].append({"uid": "x", "name": bundle["policies"]["receiver"], "type": "email",
                                             "settings": {"addresses": "x@example.org"}})
            bpath = os.path.join(work, name + "-bundle.json")
            with open(bpath, "w") as f:
                json.dump(bundle, f)
            again = run([a.monitorc, "import", "grafana", bpath], work)
            src2 = os.path.join(work, name + "-again.mon")
            with open(src2, "w") as f:
                f.write(again.stdout)
            out2 = os.path.join(work, name + "-build2")
            b2 = run([a.monitorc, "build", src2, "-o", out2], work)
            first = {f: load(f) for f in FILES}
            alerting = os.path.join(out2, "grafana", "grafana", "alerting")
            second = {f: load(f) for f in FILES} if b2.returncode == 0 else None
            if again.returncode != 0 or second != first:
                failures.append(f"{name}: what build wrote, imported and built again, differs:\n{again.stdout}\n{again.stderr}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    print(f"{len(inputs)} inputs, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
