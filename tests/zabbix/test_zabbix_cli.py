"""End to end: `monitorc plan/apply` on zabbix targets, through the real binary, against a real
Zabbix 6.0 (zabbix.sh; ZABBIX_DIR names its directory). Each test owns a template of its own."""
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MONITORC = os.environ.get("MONITORC", "monitorc")
ZDIR = os.environ.get("ZABBIX_DIR", os.path.join(HERE, "..", "..", "build", "zabbix-test"))
RUN = "%x" % int(time.time() * 1000)  # names of this run: the server may outlive one run


def read_env():
    subprocess.run(["bash", os.path.join(HERE, "zabbix.sh"), "start", ZDIR], check=True, timeout=300)
    env = {}
    with open(os.path.join(ZDIR, "env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v
    return env


class Api:
    def __init__(self, url, token):
        self.url, self.token = url + "/api_jsonrpc.php", token
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __call__(self, method, params):
        body = {"jsonrpc": "2.0", "method": method, "params": params, "auth": self.token, "id": 1}
        req = urllib.request.Request(self.url, json.dumps(body).encode(), {"Content-Type": "application/json-rpc"})
        with self.opener.open(req, timeout=120) as r:
            answer = json.load(r)
        if "error" in answer:
            raise RuntimeError("%s: %s" % (method, answer["error"]))
        return answer["result"]


class ZabbixCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.zenv = read_env()
        cls.api = Api(cls.zenv["ZABBIX_URL"], cls.zenv["ZABBIX_TOKEN"])

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="monitorc-zabbix-")
        self.outputs = []
        name = self.id().split(".")[-1]
        self.template = "monitorc %s %s" % (name, RUN)
        # A host per test: Zabbix refuses two templates with the same item key on one host.
        self.host = "mt-%s-%s" % (name.replace("_", "-"), RUN)
        group = self.api("hostgroup.get", {"filter": {"name": ["Linux servers"]}})[0]["groupid"]
        self.api("host.create", {"host": self.host, "groups": [{"groupid": group}], "interfaces": [
            {"type": 1, "main": 1, "useip": 1, "ip": "127.0.0.1", "dns": "", "port": "10050"}]})

    def tearDown(self):
        for out in self.outputs:
            self.assertNotIn(self.zenv["ZABBIX_TOKEN"], out)
            self.assertNotIn("zabbix-admin-pw", out)

    def write(self, body, target_extra=""):
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write('target zabbix "zbx" {\n  url = "%s"\n  template_name = "%s"\n  hosts = ["%s"]\n%s}\n%s'
                    % (self.zenv["ZABBIX_URL"], self.template, self.host, target_extra, body))

    def run_mc(self, *args, env=None):
        e = dict(os.environ)
        e["ZABBIX_TOKEN"] = self.zenv["ZABBIX_TOKEN"]
        e.update(env or {})
        # A busy two-core machine can keep PHP on one call for many seconds.
        args = [args[0], "--timeout", "120", *args[1:]] if args[0] in ("plan", "apply") else list(args)
        p = subprocess.run([MONITORC, *args], cwd=self.dir, env=e, capture_output=True, text=True, timeout=600,
                           stdin=subprocess.DEVNULL)
        self.outputs.append(p.stdout + p.stderr)
        return p

    def plan(self, *extra):
        p = self.run_mc("plan", "--format", "json", *extra, "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        return sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"])

    def apply(self, *extra, expect=0):
        p = self.run_mc("apply", "--auto-approve", *extra, "main.mon")
        self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return p

    def template_id(self):
        t = self.api("template.get", {"filter": {"host": [self.template]}})
        return t[0]["templateid"] if t else None

    def triggers(self):
        return {(t["description"], t["priority"]): t for t in self.api("trigger.get", {
            "templateids": [self.template_id()], "expandExpression": True, "selectTags": "extend",
            "selectDependencies": ["triggerid"], "output": "extend"})}

    def item_keys(self):
        return sorted(i["key_"] for i in self.api("item.get", {"templateids": [self.template_id()], "output": ["key_"]}))

    CPU = 'monitor host "CPU high" {\n  metric = "cpu%%"\n  operator = ">"\n  warning = 80\n  critical = %s\n  duration = 5m\n}\n'
    QUEUE = ('monitor service "Queue" {\n  service = "shop"\n  metric = "queue.length"\n  operator = ">"\n'
             '  critical = 100\n  duration = 3\n  missing_duration_critical = 20m\n}\n')

    def test_apply_replan_update_rename_prune(self):
        self.write(self.CPU % 90 + self.QUEUE)
        self.assertEqual(self.plan(), sorted([("create", "CPU high"), ("create", "Queue")]))
        self.apply()
        self.assertEqual(self.plan(), sorted([("no-change", "CPU high"), ("no-change", "Queue")]))
        t = self.triggers()
        self.assertEqual(t[("CPU high", "4")]["expression"], "avg(/%s/system.cpu.util,5m)>90" % self.template)
        self.assertEqual(t[("CPU high", "2")]["dependencies"], [{"triggerid": t[("CPU high", "4")]["triggerid"]}])
        self.assertEqual(t[("Queue (no data)", "4")]["expression"], "nodata(/%s/queue.length,20m)=1" % self.template)
        self.assertEqual(self.item_keys(), ["queue.length", "system.cpu.util"])
        # The template is linked to the host named in the target.
        host = self.api("host.get", {"filter": {"host": [self.host]}, "selectParentTemplates": ["host"]})[0]
        self.assertIn(self.template, [p["host"] for p in host["parentTemplates"]])
        # A trigger added by hand on the template is not monitorc's: listed as ignored, never touched.
        self.api("trigger.create", {"description": "Hand made", "expression": "last(/%s/queue.length)>5" % self.template})
        # One threshold changed: one update, the trigger keeps its id.
        before = self.triggers()[("CPU high", "4")]["triggerid"]
        self.write(self.CPU % 95 + self.QUEUE)
        self.assertEqual(self.plan(), sorted([("update", "CPU high"), ("no-change", "Queue"), ("ignore", "Hand made")]))
        self.apply()
        t = self.triggers()
        self.assertEqual(t[("CPU high", "4")]["triggerid"], before)
        self.assertTrue(t[("CPU high", "4")]["expression"].endswith(">95"))
        self.assertEqual(self.plan(), sorted([("no-change", "CPU high"), ("no-change", "Queue"), ("ignore", "Hand made")]))
        # A rename through previous_names is an update of the same triggers.
        renamed = (self.CPU % 95).replace('"CPU high"', '"CPU busy"').replace("duration = 5m", 'duration = 5m\n  previous_names = ["CPU high"]')
        self.write(renamed + self.QUEUE)
        self.assertEqual(self.plan(), sorted([("update", "CPU busy"), ("no-change", "Queue"), ("ignore", "Hand made")]))
        self.apply()
        t = self.triggers()
        self.assertEqual(t[("CPU busy", "4")]["triggerid"], before)
        self.assertEqual([x["value"] for x in t[("CPU busy", "4")]["tags"] if x["tag"] == "monitorc_monitor"], ["CPU busy"])
        # Gone from the source: an orphan until --prune, then deleted with the item only it read.
        self.write(self.QUEUE)
        self.assertEqual(self.plan(), sorted([("no-change", "Queue"), ("orphan", "CPU busy"), ("ignore", "Hand made")]))
        self.apply()
        self.assertIn(("CPU busy", "4"), self.triggers())
        self.apply("--prune")
        self.assertEqual(sorted(d for d, _ in self.triggers()), ["Hand made", "Queue", "Queue (no data)"])
        self.assertEqual(self.item_keys(), ["queue.length"])
        self.assertEqual(self.plan("--prune"), sorted([("no-change", "Queue"), ("ignore", "Hand made")]))

    def test_batched_writes_report_each_monitor(self):
        # Creates and updates go in batches (a few calls for all); a batch whose call fails is
        # written again monitor by monitor, so the error lands on the one that caused it.
        mon = 'monitor query "B%d" {\n  query = "last(//b.k%d)"\n  operator = ">"\n  warning = %d\n  critical = %d\n%s}\n'
        self.write("".join(mon % (i, i, 10, 20, "") for i in range(6)))
        self.apply()
        t = self.triggers()
        self.assertEqual(len(t), 12)
        for i in range(6):
            self.assertEqual(t[("B%d" % i, "2")]["dependencies"], [{"triggerid": t[("B%d" % i, "4")]["triggerid"]}])
        bad = '  raw = { expression = "last(/no-such-host-%s/b.k0)>1" }\n' % RUN
        self.write("".join(mon % (i, i, 11, 21, bad if i == 0 else "") for i in range(6)))
        p = self.apply(expect=1)
        out = p.stdout + p.stderr
        self.assertIn("5 succeeded, 1 failed", out)
        self.assertEqual([line for line in out.splitlines() if "no-such-host" in line and "B" in line][:1] != [], True, out)
        after = self.triggers()
        for i in range(1, 6):
            self.assertEqual(after[("B%d" % i, "4")]["triggerid"], t[("B%d" % i, "4")]["triggerid"])
            self.assertTrue(after[("B%d" % i, "4")]["expression"].endswith(">21"))
        self.assertTrue(after[("B0", "4")]["expression"].endswith(">20"))
        self.assertEqual(self.plan(), sorted([("update", "B0")] + [("no-change", "B%d" % i) for i in range(1, 6)]))

    def test_values_fire_and_resolve(self):
        self.write('monitor query "Test value" {\n  query = "last(//test.value)"\n  operator = ">"\n'
                   '  warning = 50\n  critical = 90\n  labels = { team = "web" }\n}\n')
        self.apply()
        self.reload_config_cache()

        def send(value):
            deadline = time.time() + 30
            while True:
                p = subprocess.run(["zabbix_sender", "-z", "127.0.0.1", "-p", self.zenv["ZABBIX_TRAPPER_PORT"], "-s", self.host,
                                    "-k", "test.value", "-o", str(value)], capture_output=True, text=True)
                if "processed: 1" in p.stdout:
                    return
                self.assertLess(time.time(), deadline, p.stdout + p.stderr)  # until the cache has the item
                time.sleep(0.5)

        def problems(want, value):
            # The value again every few seconds, as a real stream sends it. Once, under CI's
            # load, a value the trapper had accepted raised no problem within 20 s; the likely
            # cause is the value reaching the history syncer before the new trigger reached the
            # server's cache, and a later value is evaluated against the trigger either way.
            send(value)
            deadline, resend = time.time() + 40, time.time() + 4
            while True:
                got = sorted((p["name"], p["severity"]) for p in self.api("problem.get", {
                    "output": ["name", "severity"], "hostids": [self.host_id()],
                    "tags": [{"tag": "monitorc_monitor", "value": "Test value", "operator": 1}]}))
                if got == want or time.time() > deadline:
                    return got
                if time.time() > resend:
                    send(value)
                    resend = time.time() + 4
                time.sleep(0.3)

        # Above critical: the critical trigger only (the warning one depends on it).
        self.assertEqual(problems([("Test value", "4")], 97), [("Test value", "4")])
        self.assertEqual(problems([("Test value", "2")], 60), [("Test value", "2")])
        self.assertEqual(problems([], 5), [])

    def test_pull_round_trip(self):
        self.write(self.CPU % 90 + 'monitor connectivity {\n  alert_status_on_gone = WARNING\n}\n'
                   'monitor host "Queue long" {\n  metric = "custom.queue"\n  operator = ">"\n  critical = 9\n'
                   '  duration = 2m\n  labels = { team = "web" }\n  memo = "why"\n}\n'
                   'monitor query "Errors" {\n  query = "last(//app.errors)"\n  operator = ">"\n  critical = 0\n'
                   '  raw = { manual_close = 1, recovery_expression = "last(//app.errors)=0" }\n}\n' + self.QUEUE)
        self.apply()
        p = self.run_mc("pull", "--target", "zbx", "-o", "pulled", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        # The no-data trigger of the service monitor has no place in the pulled source.
        self.assertIn("trigger 'Queue (no data)' (no_data_critical) of monitor 'Queue': skipped", p.stderr)
        # pull writes one file per object under pulled/zbx/.
        root = os.path.join(self.dir, "pulled", "zbx")
        paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".mon"))
        self.assertGreaterEqual(len(paths), 5, paths)
        pulled = ""
        for path in paths:
            with open(path) as f:
                pulled += f.read()
        for want in ('monitor host "CPU high"', 'metric = "cpu%"', 'monitor host "Queue long"', 'metric = "custom.queue"',
                     'query = "last(//app.errors)"', 'recovery_expression = "last(//app.errors)=0"', 'monitor connectivity'):
            self.assertIn(want, pulled)
        p = self.run_mc("plan", "--format", "json", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        changes = sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"])
        self.assertEqual(changes, [("no-change", "CPU high"), ("no-change", "Errors"), ("no-change", "Queue long"),
                                   ("no-change", "connectivity"), ("update", "Queue")])

    def test_import_round_trip(self):
        # The native form (a whole expression, another priority, item settings) applied, plus a
        # trigger made by hand: Zabbix's own export of the template, as JSON and as YAML, imports
        # to one source whose plan changes nothing monitorc wrote and adopts the hand-made
        # trigger as it is.
        expr = "min(//db.lag,5m)>{$LAG.MAX} and last(//db.up)=1"
        self.write(self.CPU % 90 + 'monitor query "Lag" {\n  query = "%s"\n  operator = ">"\n  critical = 0\n'
                   '  labels = { team = "dba" }\n  raw = { expression = "%s", priority = 3, manual_close = 1,'
                   ' items = { "db.up" = { value_type = 3, name = "DB up" } } }\n}\n' % (expr, expr) +
                   'monitor external "Site, home" {\n  url = "http://127.0.0.1:9/"\n  service = "shop"\n  contains_string = "ok."\n'
                   '  response_time_critical = 2s\n  response_time_duration = 2m\n  max_check_attempts = 3\n  raw = { delay = "5m" }\n}\n')
        self.apply()
        t = self.triggers()[("Lag", "3")]
        self.assertEqual((t["expression"], t["manual_close"]),
                         ("min(/{0}/db.lag,5m)>{{$LAG.MAX}} and last(/{0}/db.up)=1".format(self.template), "1"))
        hand = self.api("trigger.create", {"description": "Hand made", "expression": "last(/%s/db.lag)>5" % self.template,
                                           "priority": 1, "opdata": "{ITEM.LASTVALUE1}"})["triggerids"][0]
        sources = []
        for fmt in ("json", "yaml"):
            text = self.api("configuration.export", {"options": {"templates": [self.template_id()]}, "format": fmt})
            with open(os.path.join(self.dir, "export." + fmt), "w") as f:
                f.write(text)
            p = self.run_mc("import", "zabbix", "export." + fmt)
            self.assertEqual(p.returncode, 0, p.stderr)
            sources.append(p.stdout)
        self.assertEqual(sources[0], sources[1])
        self.assertIn('query = "last(//db.lag)"', sources[0])
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write(sources[0].replace('  # url = "https://zabbix.example/zabbix"', '  url = "%s"' % self.zenv["ZABBIX_URL"]))
        self.assertIn('monitor external "Site, home"', sources[0])
        self.assertEqual(self.plan(), [("adopt", "Hand made"), ("no-change", "CPU high"), ("no-change", "Lag"),
                                       ("no-change", "Site, home")])
        self.apply()
        t = self.triggers()[("Hand made", "1")]
        self.assertEqual((t["triggerid"], t["opdata"]), (hand, "{ITEM.LASTVALUE1}"))
        self.assertEqual(self.plan(), [("no-change", "CPU high"), ("no-change", "Hand made"), ("no-change", "Lag"),
                                       ("no-change", "Site, home")])

    BOARD = ('dashboard "%s" {\n  url_path = "zbx-board"\n  row {\n    height = 5\n'
             '    graph "CPU" {\n      query = "CPU utilization"\n%s    }\n'
             '    alert_status "Problems" {\n      role = "shop:web"\n    }\n  }\n'
             '  markdown "Notes" {\n    text = "hi"\n  }\n}\n')

    def dashboards(self, name):
        return self.api("dashboard.get", {"output": "extend", "selectPages": "extend", "filter": {"name": [name]}})

    def test_dashboards(self):
        name = "board " + RUN
        self.write(self.BOARD % (name, ""))
        p = self.run_mc("check", "main.mon")
        self.assertIn("'markdown 'Notes'' of dashboard '%s' is not expressed" % name, p.stderr)
        self.assertEqual(self.plan(), [("create", name)])
        self.apply()
        self.assertEqual(self.plan(), [("no-change", name)])
        [d] = self.dashboards(name)
        self.assertEqual(d["private"], "0")
        [page] = d["pages"]
        self.assertEqual(page["name"], "monitorc: " + self.template)
        widgets = sorted((w["type"], w["name"], w["x"], w["width"]) for w in page["widgets"])
        self.assertEqual(widgets, [("problems", "Problems", "12", "12"), ("svggraph", "CPU", "0", "12")])
        graph = [w for w in page["widgets"] if w["type"] == "svggraph"][0]
        self.assertEqual({f["name"]: f["value"] for f in graph["fields"]},
                         {"ds.hosts.0.0": self.host, "ds.items.0.0": "CPU utilization"})
        # A fixed axis: one update of the same dashboard.
        self.write(self.BOARD % (name, "      value_range = { min = 0, max = 100 }\n"))
        self.assertEqual(self.plan(), [("update", name)])
        self.apply()
        [d2] = self.dashboards(name)
        self.assertEqual(d2["dashboardid"], d["dashboardid"])
        self.assertEqual(self.plan(), [("no-change", name)])
        # A dashboard made by hand is neither listed nor touched; one of a name the source
        # wants is refused.
        other = "hand board " + RUN
        self.api("dashboard.create", {"name": other, "pages": [{"widgets": []}]})
        self.write(self.BOARD % (other, ""))
        self.assertEqual(self.plan(), [("create", other), ("orphan", name)])
        p = self.apply("--prune", expect=1)
        self.assertIn("is not owned by monitorc", p.stdout + p.stderr)
        self.assertEqual(self.dashboards(name), [])
        self.assertEqual(len(self.dashboards(other)), 1)

    def test_item_value_widget(self):
        # A value widget shows the last value of the target's host's item: by id on the server,
        # by host and key in the source and in the plan.
        name = "values " + RUN
        self.write(self.CPU % 90 + 'dashboard "%s" {\n  url_path = "zbx-values"\n  value "CPU now" {\n'
                   '    host_id = "%s"\n    metric = "system.cpu.util"\n    fraction_size = 1\n    suffix = " %%"\n  }\n}\n' % (name, self.host))
        self.assertEqual(self.plan(), [("create", "CPU high"), ("create", name)])
        self.apply()
        self.assertEqual(self.plan(), [("no-change", "CPU high"), ("no-change", name)])
        [d] = self.dashboards(name)
        [w] = d["pages"][0]["widgets"]
        item = self.api("item.get", {"output": ["itemid"], "host": self.host, "filter": {"key_": "system.cpu.util"}})[0]["itemid"]
        self.assertEqual((w["type"], w["name"]), ("item", "CPU now"))
        self.assertEqual({f["name"]: (f["type"], f["value"]) for f in w["fields"]},
                         {"itemid": ("4", item), "decimal_places": ("0", "1"), "units": ("1", " %"), "adv_conf": ("0", "1")})
        # A key no host has: apply names the widget and the item.
        self.write(self.CPU % 90 + 'dashboard "%s" {\n  url_path = "zbx-values"\n  value "CPU now" {\n'
                   '    host_id = "%s"\n    metric = "no.such.key"\n  }\n}\n' % (name, self.host))
        p = self.apply(expect=1)
        self.assertIn("widget 'CPU now': item 'no.such.key' does not exist on host '%s'" % self.host, p.stdout + p.stderr)

    def host_id(self):
        return self.api("host.get", {"filter": {"host": [self.host]}})[0]["hostid"]

    def reload_config_cache(self):
        # The server reads new items and web scenarios from its configuration cache.
        subprocess.run(["/usr/sbin/zabbix_server", "-c", os.path.join(ZDIR, "zabbix_server.conf"), "-R",
                        "config_cache_reload"], check=True, capture_output=True)

    def problems(self, monitor, want, seconds):
        deadline = time.time() + seconds
        while True:
            got = sorted((p["name"], p["severity"]) for p in self.api("problem.get", {
                "output": ["name", "severity"], "hostids": [self.host_id()],
                "tags": [{"tag": "monitorc_monitor", "value": monitor, "operator": 1}]}))
            if got == want or time.time() > deadline:
                return got
            time.sleep(0.5)

    def web_scenarios(self):
        return self.api("httptest.get", {"templateids": [self.template_id()], "output": "extend", "selectSteps": "extend",
                                         "selectTags": "extend"})

    WEB = ('monitor external "Shop top" {\n  url = "http://127.0.0.1:%d/"\n  service = "shop"\n  contains_string = "hello (shop)"\n'
           '  expected_status_code = 200\n  headers = { "X-Probe" = "monitorc" }\n  max_check_attempts = 2\n'
           '  response_time_warning = 800ms\n  response_time_critical = %s\n  response_time_duration = 1m\n  certification_expiration_warning = 30d\n'
           '  labels = { team = "web" }\n  raw = { delay = "2s", timeout = "3s" }\n%s}\n')

    def test_web_scenario(self):
        # A local page the web scenario checks: 200 with the required text, then 500.
        seen = []

        class Page(http.server.BaseHTTPRequestHandler):
            status = 200

            def do_GET(self):
                seen.append(self.headers.get("X-Probe"))
                body = b"hello (shop)" if Page.status == 200 else b"down"
                self.send_response(Page.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        port = server.server_address[1]
        self.write(self.WEB % (port, "2000ms", ""))
        p = self.run_mc("check", "main.mon")
        self.assertIn("'certification_expiration_warning' of monitor 'Shop top' is not expressed", p.stderr)
        self.assertIn("web.certificate.get", p.stderr)
        self.assertEqual(self.plan(), [("create", "Shop top")])
        self.apply()
        self.assertEqual(self.plan(), [("no-change", "Shop top")])
        [web] = self.web_scenarios()
        [step] = web["steps"]
        self.assertEqual((web["name"], web["delay"], web["verify_peer"], step["url"], step["required"], step["status_codes"],
                          step["timeout"], step["follow_redirects"], step["headers"]),
                         ("Shop top", "2s", "1", "http://127.0.0.1:%d/" % port, r"hello \(shop\)", "200", "3s", "0",
                          [{"name": "X-Probe", "value": "monitorc"}]))
        t = self.triggers()
        tpl = self.template
        self.assertEqual(t[("Shop top", "4")]["expression"], "min(/%s/web.test.fail[Shop top],#2)>0" % tpl)
        self.assertEqual(t[("Shop top (response time)", "4")]["expression"],
                         "avg(/%s/web.test.time[Shop top,request,resp],1m)>2" % tpl)
        self.assertEqual(t[("Shop top (response time)", "2")]["expression"],
                         "avg(/%s/web.test.time[Shop top,request,resp],1m)>0.8" % tpl)
        # The page answers, then fails: the failure trigger fires after two failed checks and
        # resolves once the page answers again.
        self.reload_config_cache()
        deadline = time.time() + 60
        while "monitorc" not in seen:
            self.assertLess(time.time(), deadline, "the web scenario did not run")
            time.sleep(0.3)
        self.assertEqual(self.problems("Shop top", [], 1), [])
        Page.status = 500
        self.assertEqual(self.problems("Shop top", [("Shop top", "4")], 60), [("Shop top", "4")])
        Page.status = 200
        self.assertEqual(self.problems("Shop top", [], 60), [])
        # Pull writes the monitor back as the same source.
        p = self.run_mc("pull", "--target", "zbx", "-o", "pulled", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        root = os.path.join(self.dir, "pulled", "zbx")
        pulled = "".join(open(os.path.join(d, f)).read() for d, _, fs in os.walk(root) for f in fs if f.endswith(".mon"))
        for want in ('monitor external "Shop top"', 'contains_string = "hello (shop)"', "max_check_attempts = 2",
                     "response_time_critical = 2000ms", 'raw = { delay = "2s", timeout = "3s" }'):
            self.assertIn(want, pulled)
        p = self.run_mc("plan", "--format", "json", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([(c["action"], c["key"]) for c in json.loads(p.stdout)["changes"]], [("no-change", "Shop top")])
        # A changed threshold and a rename: one update; the scenario keeps its id, its items follow the name.
        self.write((self.WEB % (port, "3s", '  previous_names = ["Shop top"]\n')).replace('"Shop top"', '"Shop home"', 1))
        self.assertEqual(self.plan(), [("update", "Shop home")])
        self.apply()
        self.assertEqual(self.plan(), [("no-change", "Shop home")])
        [web2] = self.web_scenarios()
        self.assertEqual((web2["httptestid"], web2["name"]), (web["httptestid"], "Shop home"))
        t = self.triggers()
        self.assertEqual(t[("Shop home (response time)", "4")]["expression"],
                         "avg(/%s/web.test.time[Shop home,request,resp],1m)>3" % tpl)
        # Gone from the source: deleted with --prune, its items with it.
        self.write("")
        self.assertEqual(self.plan("--prune"), [("delete", "Shop home")])
        self.apply("--prune")
        self.assertEqual(self.web_scenarios(), [])
        self.assertEqual(self.triggers(), {})

    def test_saved_plan_refused_when_stale(self):
        self.write(self.CPU % 90)
        self.apply()
        self.write(self.CPU % 91)
        self.assertEqual(self.run_mc("plan", "--out", "p.json", "main.mon").returncode, 0)
        tid = self.triggers()[("CPU high", "4")]["triggerid"]
        self.api("trigger.update", {"triggerid": tid, "comments": "edited by hand"})
        p = self.run_mc("apply", "--auto-approve", "p.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("was changed", p.stdout + p.stderr)
        self.assertEqual(self.triggers()[("CPU high", "4")]["comments"], "edited by hand")
        self.assertEqual(self.run_mc("plan", "--out", "p.json", "main.mon").returncode, 0)
        p = self.run_mc("apply", "--auto-approve", "p.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        t = self.triggers()[("CPU high", "4")]
        self.assertEqual((t["comments"], t["expression"].endswith(">91")), ("", True))

    def test_unowned_template_is_not_taken(self):
        group = self.api("hostgroup.get", {"filter": {"name": ["Templates"]}})[0]["groupid"]
        self.api("template.create", {"host": self.template, "groups": [{"groupid": group}]})
        self.write(self.CPU % 90)
        p = self.apply(expect=1)
        self.assertIn("is not owned by monitorc", p.stdout + p.stderr)
        self.assertEqual(self.triggers(), {})

    def test_password_login_when_no_token(self):
        user = "monitorc-" + RUN
        group = self.api("usergroup.get", {"filter": {"name": ["Zabbix administrators"]}})[0]["usrgrpid"]
        self.api("user.create", {"username": user, "passwd": "zabbix-admin-pw", "roleid": "3", "usrgrps": [{"usrgrpid": group}]})
        self.write(self.CPU % 90, '  user = "%s"\n  password_env = "ZBX_PW"\n' % user)
        p = self.run_mc("plan", "main.mon", env={"ZABBIX_TOKEN": "", "ZBX_PW": "zabbix-admin-pw"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("+ monitor \"CPU high\"", p.stdout)
        p = self.run_mc("plan", "-v", "main.mon", env={"ZABBIX_TOKEN": "", "ZBX_PW": "wrong-password"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("user.login", p.stderr)
        self.assertNotIn("wrong-password", p.stdout + p.stderr)
        p = self.run_mc("plan", "main.mon", env={"ZABBIX_TOKEN": "", "ZBX_PW": ""})
        self.assertEqual(p.returncode, 1)
        self.assertIn("ZBX_PW", p.stderr)


if __name__ == "__main__":
    unittest.main()
