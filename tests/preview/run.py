"""Golden test of `monitorc preview`: each NAME.mon here holds one dashboard whose picture
must be NAME.svg byte for byte, twice in a row (deterministic), and well-formed XML with every
title as written (escaped, never markup). --update rewrites the goldens."""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SVG = "{http://www.w3.org/2000/svg}"


def picture(monitorc, mon, out):
    p = subprocess.run([monitorc, "preview", mon, "-o", out], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("%s: preview failed (%d): %s" % (mon, p.returncode, p.stderr))
    files = p.stdout.split()
    if len(files) != 1:
        sys.exit("%s: expected one picture, got %r" % (mon, files))
    with open(files[0], encoding="utf-8") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitorc", required=True)
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    failed = 0
    for mon in sorted(glob.glob(os.path.join(HERE, "*.mon"))):
        golden = mon[:-4] + ".svg"
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            first, second = picture(args.monitorc, mon, a), picture(args.monitorc, mon, b)
        if first != second:
            print("FAIL %s: two runs differ" % mon)
            failed += 1
            continue
        root = ET.fromstring(first.encode("utf-8"))  # raises on markup a title broke
        texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
        print("%s: %d texts: %r" % (os.path.basename(mon), len(texts), texts[:3]))
        if args.update:
            with open(golden, "w", encoding="utf-8") as f:
                f.write(first)
            continue
        with open(golden, encoding="utf-8") as f:
            if f.read() != first:
                print("FAIL %s: differs from %s (run with --update after checking)" % (mon, golden))
                failed += 1
    # Titles with markup in layout.mon come out as text.
    with tempfile.TemporaryDirectory() as d:
        root = ET.fromstring(picture(args.monitorc, os.path.join(HERE, "layout.mon"), d).encode("utf-8"))
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    for want in ['Web <overview> & "friends"', "CPU </text></svg>", "5xx & 4xx", "Read 'me'"]:
        if want not in texts:
            print("FAIL layout.mon: no text %r among %r" % (want, texts))
            failed += 1
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
