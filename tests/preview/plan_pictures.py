"""`plan --pictures` and `show --pictures` against a local target: the before picture (rebuilt
from the plan's body and changed fields) must show the layout `monitorc preview` draws for
the applied source, the after picture the one for the new source; a created dashboard has
only an after picture; a title with markup stays text."""
import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
TARGET = 'target local "demo" { dir = "state" }\n'
V1 = TARGET + '''dashboard "Web" {
  url_path = "web/overview"
  row {
    graph "CPU" { role = "svc:web"  metric = "cpu" }
    value "5xx" { service = "svc"  metric = "access.5xx" }
  }
  markdown "Notes" { text = "# On call" }
}
'''
# Widths and a kind change, a widget added at the end, and a new dashboard.
V2 = TARGET + '''dashboard "Web" {
  url_path = "web/overview"
  row {
    graph "CPU" { role = "svc:web"  metric = "cpu"  width = 16 }
    value "5xx" { service = "svc"  metric = "access.5xx" }
  }
  alert_status "Alerts" { role = "svc:web"  width = 8 }
  markdown "Notes" { text = "# On call"  height = 2 }
}
dashboard "New <b>&" {
  url_path = "new"
  value "Requests" { service = "svc"  metric = "req" }
}
'''


def run(monitorc, cwd, *args):
    p = subprocess.run([monitorc, *args], cwd=cwd, capture_output=True, text=True)
    if p.returncode not in (0, 2):
        sys.exit("monitorc %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def boxes(path):
    root = ET.parse(path).getroot()
    title = "".join(root.find(SVG + "title").itertext())
    return title, [(g.get("data-kind"), int(g.get("data-x")), int(g.get("data-y")), int(g.get("data-w")),
                    int(g.get("data-h"))) for g in root.iter(SVG + "g") if g.get("data-kind")]


def preview(monitorc, d, source, url):
    with open(os.path.join(d, "main.mon"), "w") as f:
        f.write(source)
    out = os.path.join(d, "pv")
    files = run(monitorc, d, "preview", "main.mon", "--dashboard", url, "-o", out).stdout.split()
    return boxes(files[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    m = os.path.abspath(ap.parse_args().monitorc)
    failures = []
    with tempfile.TemporaryDirectory() as d:
        want_before = preview(m, d, V1, "web/overview")
        run(m, d, "apply", "main.mon", "--auto-approve")
        want_after = preview(m, d, V2, "web/overview")
        want_new = preview(m, d, V2, "new")
        run(m, d, "plan", "main.mon", "--format", "json", "--out", "plan.json", "--pictures", "pics")
        run(m, d, "show", "plan.json", "--pictures", "shown")
        for pics in ("pics", "shown"):
            names = sorted(os.listdir(os.path.join(d, pics)))
            want_names = ["demo--new.after.svg", "demo--web-overview.after.svg", "demo--web-overview.before.svg"]
            if names != want_names:
                failures.append("%s: files %r, want %r" % (pics, names, want_names))
                continue
            for name, want in (("demo--web-overview.before.svg", want_before), ("demo--web-overview.after.svg", want_after),
                               ("demo--new.after.svg", want_new)):
                got = boxes(os.path.join(d, pics, name))
                if got != want:
                    failures.append("%s/%s: %r, want %r" % (pics, name, got, want))
        if want_before == want_after:
            failures.append("the change does not change the layout: the test proves nothing")
    for f in failures:
        print("FAIL " + f)
    print("plan pictures: %d problem(s)" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
