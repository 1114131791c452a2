"""`monitorc import zabbix` on template exports (import/NAME.yaml|json|xml), without a server:
the source (NAME.mon) and the warnings (NAME.err) are goldens, the source is fmt-canonical, and
building it gives back every trigger the import kept, field for field as the export has it, and
every item those triggers read. ZABBIX_IMPORT_UPDATE=1 rewrites the goldens."""
import glob
import json
import os
import re
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "import")
MONITORC = os.environ.get("MONITORC", "monitorc")
UPDATE = os.environ.get("ZABBIX_IMPORT_UPDATE") == "1"

# The export's names for the API's numbers (what build writes), absent = the first.
ENUMS = {
    "priority": ["NOT_CLASSIFIED", "INFO", "WARNING", "AVERAGE", "HIGH", "DISASTER"],
    "recovery_mode": ["EXPRESSION", "RECOVERY_EXPRESSION", "NONE"],
    "status": ["ENABLED", "DISABLED"],
    "type": ["SINGLE", "MULTIPLE"],
    "manual_close": ["NO", "YES"],
    "correlation_mode": ["DISABLED", "TAG_VALUE"],
}
ITEM_TYPES = {"ZABBIX_PASSIVE": 0, "TRAP": 2, "ZABBIX_ACTIVE": 7, "CALCULATED": 15, "DEPENDENT": 18, "HTTP_AGENT": 19}
VALUE_TYPES = {"FLOAT": 0, "CHAR": 1, "LOG": 2, "UNSIGNED": 3, "TEXT": 4}


def load_export(path):
    with open(path) as f:
        text = f.read()
    if path.endswith(".json"):
        return json.loads(text)["zabbix_export"]
    import yaml  # python3-yaml, already a test dependency (tests/ci)
    return yaml.safe_load(text)["zabbix_export"]


def read(path):
    with open(path) as f:
        return f.read()


def run(*args, cwd=None):
    return subprocess.run([MONITORC, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


class ZabbixImport(unittest.TestCase):
    def golden(self, path, got):
        if UPDATE:
            if got:
                with open(path, "w") as f:
                    f.write(got)
            elif os.path.exists(path):
                os.remove(path)
            return
        want = read(path) if os.path.exists(path) else ""
        self.assertEqual(got, want, path)

    def test_cases(self):
        inputs = sorted(p for p in glob.glob(os.path.join(CASES, "*")) if re.search(r"\.(json|yaml|xml)$", p))
        self.assertGreaterEqual(len(inputs), 5)
        for path in inputs:
            with self.subTest(case=os.path.basename(path)):
                p = run("import", "zabbix", os.path.basename(path), cwd=CASES)
                stem = re.sub(r"\.(json|yaml|xml)$", "", path)
                self.golden(stem + ".mon", p.stdout)
                self.golden(stem + ".err", p.stderr)
                if os.path.basename(path).startswith("bad-"):
                    self.assertEqual(p.returncode, 1)
                    self.assertIn("error:", p.stderr)
                    continue
                self.assertEqual(p.returncode, 0, p.stderr)
                self.rebuilt_matches(path, p.stdout, p.stderr)

    def rebuilt_matches(self, path, source, warnings):
        d = tempfile.mkdtemp(prefix="monitorc-zabbix-import-")
        src = os.path.join(d, "main.mon")
        with open(src, "w") as f:
            f.write(source)
        p = run("fmt", "--check", src)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(src, "w") as f:
            f.write(source.replace('  # url = "https://zabbix.example/zabbix"', '  url = "https://zabbix.example/zabbix"'))
        p = run("build", "-o", os.path.join(d, "out"), src)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        built = {}
        for f in glob.glob(os.path.join(d, "out", "zabbix", "*", "template.json")):
            with open(f) as fh:
                doc = json.load(fh)
            built[doc["template"]["host"]] = doc
        export = load_export(path)
        kept = 0
        for tpl in export["templates"]:
            host = tpl["template"]
            triggers = [t for it in tpl.get("items", []) for t in it.get("triggers", [])]
            triggers += [t for t in export.get("triggers", []) if "/%s/" % host in t["expression"]]
            items = {it["key"]: it for it in tpl.get("items", [])}
            doc = built[host]
            got = {(t["description"], int(t["priority"])): (t, m) for m in doc["monitors"] for t in m["triggers"]}
            for t in triggers:
                key = (t["name"], ENUMS["priority"].index(t.get("priority", "NOT_CLASSIFIED")))
                if key not in got:
                    # Left out: the import says so.
                    self.assertIn("'%s'" % t["name"], warnings)
                    continue
                kept += 1
                b, monitor = got[key]
                self.assertEqual(b["expression"], t["expression"], key)
                self.assertEqual(b.get("comments", ""), t.get("description", ""), key)
                self.assertEqual(b.get("url", ""), t.get("url", ""), key)
                for f in ("opdata", "event_name", "recovery_expression", "correlation_tag"):
                    self.assertEqual(b.get(f, ""), t.get(f, ""), (key, f))
                for f, names in ENUMS.items():
                    if f == "type" and "'%s': its type" % t["name"] in warnings:
                        continue  # said not kept
                    want = names.index(t.get(f, names[0]))
                    if f == "recovery_mode" and t.get("recovery_expression"):
                        want = 1
                    self.assertEqual(int(b.get(f, 0)), want, (key, f))
                for tag in t.get("tags", []):
                    self.assertIn({"tag": tag["tag"], "value": tag.get("value", "")}, b["tags"], key)
                # The items the trigger reads, as exported.
                for it in monitor["items"]:
                    e = items[it["key_"]]
                    self.assertEqual(it["name"], e["name"])
                    self.assertEqual(int(it["type"]), ITEM_TYPES[e.get("type", "ZABBIX_PASSIVE")], it["key_"])
                    self.assertEqual(int(it["value_type"]), VALUE_TYPES[e.get("value_type", "UNSIGNED")], it["key_"])
                    self.assertEqual(it["units"], e.get("units", ""), it["key_"])
                    default = "0" if e.get("type") == "TRAP" else "1m"
                    self.assertEqual(str(it["delay"]), e.get("delay", default), it["key_"])
            # Web scenarios: the step as exported, or named in a warning.
            webs = {m["web"]["name"]: m["web"] for m in doc["monitors"] if "web" in m}
            for w in tpl.get("httptests", []):
                if w["name"] not in webs:
                    self.assertIn("'%s'" % w["name"], warnings)
                    continue
                kept += 1
                b, [step] = webs[w["name"]], w["steps"]
                self.assertEqual(str(b["delay"]), w.get("delay", "1m"), w["name"])
                self.assertEqual(str(b["retries"]), w.get("attempts", "1"), w["name"])
                self.assertEqual(int(b["verify_peer"]), ["NO", "YES"].index(w.get("verify_peer", "NO")), w["name"])
                [bs] = b["steps"]
                for f, d in (("url", ""), ("required", ""), ("timeout", "15s"), ("posts", "")):
                    self.assertEqual(bs[f], step.get(f, d), (w["name"], f))
                self.assertEqual(bs["status_codes"], step.get("status_codes", "200-399"), w["name"])
                self.assertEqual(int(bs["follow_redirects"]), ["NO", "YES"].index(step.get("follow_redirects", "YES")), w["name"])
                self.assertEqual(bs["headers"], step.get("headers", []), w["name"])
        self.assertGreater(kept, 0)


if __name__ == "__main__":
    unittest.main()
