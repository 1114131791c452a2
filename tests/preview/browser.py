"""The picture of layout.mon as a browser draws it: Chromium (headless) screenshots the SVG
`monitorc preview` wrote, and every widget of layout.expect.json (written by hand from the
layout rules in docs/language.md) must have its kind's fill inside its grid rectangle, and
every grid cell no widget covers must be background. A layout computed or drawn wrong fails.
Exit 77 (a CTest skip) only when Chromium is not installed."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FILLS = {"graph": (0xCF, 0xE2, 0xFF), "value": (0xD3, 0xF2, 0xDC), "markdown": (0xFF, 0xF0, 0xBF),
         "alert_status": (0xF9, 0xD3, 0xD3)}
BACKGROUND = (255, 255, 255)


def chromium():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def screenshot(browser, svg, width, height, out, profile):
    # Headless Chromium keeps room for a window frame out of --window-size (about 90 pixels
    # of height): ask for more than the picture; the screenshot starts at its top-left corner.
    height += 300
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--force-device-scale-factor=1", "--user-data-dir=" + profile, "--window-size=%d,%d" % (width, height),
           "--screenshot=" + out, "file://" + svg]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0 or not os.path.exists(out):
        sys.exit("chromium failed (%d): %s" % (p.returncode, p.stderr[-2000:]))


def close(a, b):
    return all(abs(x - y) <= 2 for x, y in zip(a, b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    args = ap.parse_args()
    browser = chromium()
    if not browser:
        print("SKIP: chromium is not installed (apt-get install --no-install-recommends chromium)")
        sys.exit(77)
    with open(os.path.join(HERE, "layout.expect.json")) as f:
        expected = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([args.monitorc, "preview", os.path.join(HERE, "layout.mon"), "-o", tmp],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("preview failed: " + p.stderr)
        svg = p.stdout.strip()
        root = ET.parse(svg).getroot()
        geo = {k: int(root.get("data-" + k)) for k in ("origin-x", "origin-y", "cell-width", "cell-height", "rows")}
        width, height = int(root.get("width")), int(root.get("height"))
        shot = os.path.join(tmp, "shot.png")
        screenshot(browser, svg, width, height, shot, os.path.join(tmp, "profile"))
        image = png.read(shot)
    if image.width < width or image.height < height:
        sys.exit("screenshot is %dx%d, smaller than the picture (%dx%d)" % (image.width, image.height, width, height))

    def px(col, row):  # pixel of a point given in grid units
        return int(geo["origin-x"] + col * geo["cell-width"]), int(geo["origin-y"] + row * geo["cell-height"])

    failures, checked = [], 0
    covered = set()
    for box in expected:
        want = FILLS[box["kind"]]
        # The lower part of the box, clear of its two text lines, and its lower corners.
        for fx, fy in ((0.5, 0.75), (0.9, 0.9), (0.1, 0.9), (0.9, 0.6)):
            x, y = px(box["x"] + fx * box["w"], box["y"] + fy * box["h"])
            got = image.pixel(x, y)
            checked += 1
            if not close(got, want):
                failures.append("%s at grid (%d,%d %dx%d): pixel (%d,%d) is %s, want %s" %
                                (box["kind"], box["x"], box["y"], box["w"], box["h"], x, y, got, want))
        covered |= {(c, r) for c in range(box["x"], box["x"] + box["w"]) for r in range(box["y"], box["y"] + box["h"])}
    for r in range(geo["rows"]):
        for c in range(24):
            if (c, r) in covered:
                continue
            x, y = px(c + 0.5, r + 0.5)
            got = image.pixel(x, y)
            checked += 1
            if not close(got, BACKGROUND):
                failures.append("empty cell (%d,%d): pixel (%d,%d) is %s, want background" % (c, r, x, y, got))
    if geo["rows"] != max(b["y"] + b["h"] for b in expected):
        failures.append("picture has %d rows, the layout %d" % (geo["rows"], max(b["y"] + b["h"] for b in expected)))
    for f in failures:
        print("FAIL " + f)
    print("%d pixels checked, %d wrong" % (checked, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
