"""End to end: `monitorc plan/apply` on cloudwatch targets, through the real binary, against
fake_cloudwatch.py (signatures and request shapes checked with botocore), with the AWS CLI
(`aws cloudwatch ... --endpoint-url`) reading back what apply wrote."""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MONITORC = os.environ.get("MONITORC", "monitorc")
# Debian's python3 and awscli (botocore comes from python3-botocore), whatever is first on PATH.
PYTHON = "/usr/bin/python3"
AWS = "/usr/bin/aws"
KEY_ID = "AKIAMONITORCTEST0001"
SECRET = "mOnItOrC/sEcReT+kEy0123456789abcdefGHIJ"
TOKEN = "FwoGZXIvYXdzEXAMPLEsessionTOKEN//monitorc"


class Fake:
    def __init__(self, token=None):
        self.dir = tempfile.mkdtemp(prefix="monitorc-cw-fake-")
        port_file = os.path.join(self.dir, "port")
        args = [PYTHON, os.path.join(HERE, "fake_cloudwatch.py"), port_file, KEY_ID, SECRET] + ([token] if token else [])
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not os.path.exists(port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("fake_cloudwatch.py did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.url = "http://127.0.0.1:%s" % f.read().strip()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)

    def post(self, path, body=None):
        req = urllib.request.Request(self.url + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
        with self.opener.open(req, timeout=30) as r:
            return json.load(r)

    def get(self, path):
        with self.opener.open(self.url + path, timeout=30) as r:
            return json.load(r)


class CloudWatchCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = Fake()

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="monitorc-cw-")
        self.outputs = []
        self.fake.post("/_reset")
        self.env = {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET, "HOME": self.dir}

    def tearDown(self):
        for out in self.outputs:
            self.assertNotIn(SECRET, out)
            self.assertNotIn(TOKEN, out)
        for root, _, files in os.walk(self.dir):
            for f in files:
                if f.endswith(".json") or f.endswith(".mon"):
                    with open(os.path.join(root, f), errors="replace") as fh:
                        self.assertNotIn(SECRET, fh.read())

    def write(self, body, url=None, extra=""):
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write('target cloudwatch "cw" {\n  region = "eu-west-1"\n  endpoint = "%s"\n%s}\n%s' % (url or self.fake.url, extra, body))

    def run_mc(self, *args, env=None, clean_env=False):
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update(self.env)
        e.update(env or {})
        p = subprocess.run([MONITORC, *args], cwd=self.dir, env=e, capture_output=True, text=True, timeout=300,
                           stdin=subprocess.DEVNULL)
        self.outputs.append(p.stdout + p.stderr)
        return p

    def plan(self, *extra, env=None):
        p = self.run_mc("plan", "--format", "json", *extra, "main.mon", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"])

    def apply(self, *extra, expect=0, env=None):
        p = self.run_mc("apply", "--auto-approve", *extra, "main.mon", env=env)
        self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return p

    def aws(self, *args):
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update(self.env)
        # No proxy for the loopback fake, whatever the environment says.
        e.update({"AWS_DEFAULT_REGION": "eu-west-1", "AWS_PAGER": "", "AWS_CONFIG_FILE": "/dev/null",
                  "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
        p = subprocess.run([AWS, "cloudwatch", *args, "--endpoint-url", self.fake.url, "--output", "json"], env=e,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def alarms(self):
        """Every alarm as the AWS CLI reads it, with its tags: name -> (alarm, tags). One CLI
        call (a CLI start takes seconds on a busy machine); the tags come from the fake's state
        here and from `aws cloudwatch list-tags-for-resource` in test_apply_replan_awscli_update_prune."""
        tags = self.fake.get("/_state")["tags"]
        return {a["AlarmName"]: (a, tags[a["AlarmArn"]]) for a in self.aws("describe-alarms")["MetricAlarms"]}

    CPU = ('monitor host "CPU high" {\n  metric = "cpu%%"\n  operator = ">"\n  warning = 70\n  critical = %s\n'
           '  duration = 5m\n  max_check_attempts = 3\n  labels = { team = "web" }\n  memo = "WHY: busy"\n}\n')
    ELB = ('monitor query "5xx" {\n  query = "HTTPCode_Target_5XX_Count"\n  operator = ">"\n  critical = 10\n'
           '  raw = { Namespace = "AWS/ApplicationELB", Dimensions = [{ Name = "LoadBalancer", Value = "app/shop/1" }], '
           'Statistic = "Sum", Period = 300, TreatMissingData = "notBreaching" }\n}\n')
    RATIO = ('monitor query "Error ratio" {\n  query = "100 * errors / requests"\n  operator = ">"\n  critical = 5\n'
             '  for_duration = 120\n  labels = { app = "shop" }\n  raw = { Metrics = [{ Id = "errors", MetricStat = { Metric = { Namespace = "Shop", '
             'MetricName = "Errors" }, Period = 60, Stat = "Sum" } }, { Id = "requests", MetricStat = { Metric = { '
             'Namespace = "Shop", MetricName = "Requests" }, Period = 60, Stat = "Sum" } }] }\n}\n')

    def test_apply_replan_awscli_update_prune(self):
        self.write(self.CPU % 90 + self.RATIO)
        names = ["CPU high (critical)", "CPU high (warning)", "Error ratio (critical)"]
        self.assertEqual(self.plan(), [("create", n) for n in names])
        self.apply()
        self.assertEqual(self.plan(), [("no-change", n) for n in names])
        got = self.alarms()
        self.assertEqual(sorted(got), names)
        cpu, tags = got["CPU high (critical)"]
        self.assertEqual(cpu["Threshold"], 90.0)
        self.assertEqual(cpu["ComparisonOperator"], "GreaterThanThreshold")
        self.assertEqual((cpu["EvaluationPeriods"], cpu["DatapointsToAlarm"]), (3, 3))
        self.assertEqual(cpu["Metrics"][0]["Expression"],
                         "SELECT AVG(cpu_usage_active) FROM CWAgent GROUP BY host ORDER BY AVG() DESC LIMIT 1")
        self.assertEqual(cpu["Metrics"][0]["Period"], 300)
        self.assertEqual(cpu["AlarmDescription"], "WHY: busy")
        self.assertEqual(tags, {"managed-by": "monitorc", "monitorc-monitor": "CPU high", "monitorc-severity": "critical",
                                "team": "web"})
        listed = self.aws("list-tags-for-resource", "--resource-arn", cpu["AlarmArn"])["Tags"]
        self.assertEqual({t["Key"]: t["Value"] for t in listed}, tags)
        self.assertEqual(got["CPU high (warning)"][0]["Threshold"], 70.0)
        ratio = got["Error ratio (critical)"][0]
        self.assertEqual([m["Id"] for m in ratio["Metrics"]], ["q1", "errors", "requests"])
        self.assertEqual([m["ReturnData"] for m in ratio["Metrics"]], [True, False, False])
        self.assertEqual(ratio["EvaluationPeriods"], 3)  # 120 s of for_duration over 60 s periods, plus the first
        # One threshold and a label changed: one update, tags set with TagResource/UntagResource.
        self.write((self.CPU % 95).replace('team = "web"', 'tier = "front"') + self.RATIO)
        self.assertEqual(self.plan(), [("no-change", "Error ratio (critical)"), ("update", "CPU high (critical)"),
                                       ("update", "CPU high (warning)")])
        self.apply()
        got = self.alarms()
        self.assertEqual(got["CPU high (critical)"][0]["Threshold"], 95.0)
        self.assertEqual(got["CPU high (critical)"][1]["tier"], "front")
        self.assertNotIn("team", got["CPU high (critical)"][1])
        self.assertEqual(self.plan(), [("no-change", n) for n in names])
        # Gone from the source: orphans until --prune.
        self.write(self.RATIO)
        self.assertEqual(self.plan(), [("no-change", "Error ratio (critical)"), ("orphan", "CPU high (critical)"),
                                       ("orphan", "CPU high (warning)")])
        self.apply()
        self.assertEqual(len(self.alarms()), 3)
        self.apply("--prune")
        self.assertEqual(sorted(self.alarms()), ["Error ratio (critical)"])
        self.assertEqual(self.plan("--prune"), [("no-change", "Error ratio (critical)")])

    def test_rename_through_previous_names(self):
        self.write(self.CPU % 90)
        self.apply()
        renamed = (self.CPU % 90).replace('"CPU high"', '"CPU busy"').replace("duration = 5m", 'duration = 5m\n  previous_names = ["CPU high"]')
        self.write(renamed)
        self.assertEqual(self.plan(), [("update", "CPU busy (critical)"), ("update", "CPU busy (warning)")])
        self.apply()
        got = self.alarms()
        self.assertEqual(sorted(got), ["CPU busy (critical)", "CPU busy (warning)"])
        self.assertEqual(got["CPU busy (critical)"][1]["monitorc-monitor"], "CPU busy")
        self.assertEqual(self.plan("--prune"), [("no-change", "CPU busy (critical)"), ("no-change", "CPU busy (warning)")])

    def test_single_metric_alarm(self):
        self.write(self.ELB)
        self.apply()
        a = self.alarms()["5xx (critical)"][0]
        self.assertEqual((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"]),
                         ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 300))
        self.assertEqual(a["Dimensions"], [{"Name": "LoadBalancer", "Value": "app/shop/1"}])
        self.assertEqual(a["TreatMissingData"], "notBreaching")
        self.assertEqual(self.plan(), [("no-change", "5xx (critical)")])

    def seed(self, name, threshold, tags):
        self.fake.post("/_seed", {"Region": "eu-west-1", "AlarmName": name, "MetricName": "CPUUtilization",
                                  "Namespace": "AWS/EC2", "Statistic": "Average", "Period": 60, "EvaluationPeriods": 1,
                                  "Threshold": threshold, "ComparisonOperator": "GreaterThanThreshold",
                                  "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]})

    def test_unowned_alarms_untouched_even_with_prune(self):
        self.seed("Hand made", 50, {"team": "ops"})
        self.write(self.RATIO)
        self.assertEqual(self.plan("--prune"), [("create", "Error ratio (critical)"), ("ignore", "Hand made")])
        self.apply("--prune")
        got = self.alarms()
        self.assertEqual(got["Hand made"][0]["Threshold"], 50.0)
        self.assertEqual(got["Hand made"][1], {"team": "ops"})
        # An unowned alarm with a monitor's alarm name is adopted only through the plan (adopt):
        # it gets the ownership tag and the source's settings.
        self.seed("CPU high (critical)", 1, {})
        self.write(self.RATIO + self.CPU % 90)
        plan = self.plan()
        self.assertIn(("adopt", "CPU high (critical)"), plan)
        self.apply()
        self.assertEqual(self.alarms()["CPU high (critical)"][1]["managed-by"], "monitorc")
        # An unowned alarm made after the plan is refused at create, never overwritten.
        self.write(self.RATIO + self.CPU % 90 + self.ELB)
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.seed("5xx (critical)", 7, {})
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(self.alarms()["5xx (critical)"][0]["Threshold"], 7.0)

    def test_throttling_is_retried(self):
        self.write(self.CPU % 90)
        self.fake.post("/_faults", [{"action": "PutMetricAlarm", "kind": "throttle", "times": 2},
                                    {"action": "DescribeAlarms", "kind": "throttle", "times": 1}])
        self.apply()
        log = self.fake.get("/_log")
        self.assertEqual(sum(1 for e in log if e.get("code") == "Throttling"), 3)
        self.assertEqual(self.plan(), [("no-change", "CPU high (critical)"), ("no-change", "CPU high (warning)")])

    def test_fault_mid_apply_then_rerun_converges(self):
        self.write(self.CPU % 90 + self.RATIO)
        # The second put fails for good (every retry too); the first one stays.
        self.fake.post("/_faults", [{"action": "PutMetricAlarm", "after": 1, "kind": "500", "times": 1000}])
        p = self.apply("--parallel", "1", expect=1)
        self.assertIn("InternalFailure", p.stdout + p.stderr)
        self.assertEqual(len(self.alarms()), 1)
        self.fake.post("/_faults", [])
        self.apply()
        self.assertEqual(self.plan(), [("no-change", "CPU high (critical)"), ("no-change", "CPU high (warning)"),
                                       ("no-change", "Error ratio (critical)")])
        # A put whose answer is lost: the retry or the next run finds it and does not fail.
        self.write((self.CPU % 99) + self.RATIO)
        self.fake.post("/_faults", [{"action": "PutMetricAlarm", "kind": "drop", "times": 1}])
        self.apply()
        self.fake.post("/_faults", [])
        self.assertEqual(self.alarms()["CPU high (critical)"][0]["Threshold"], 99.0)

    def test_kill_9_mid_apply_then_rerun_converges(self):
        self.write("".join(self.CPU.replace("CPU high", "CPU %d" % i) % 90 for i in range(4)))
        self.fake.post("/_delay", {"PutMetricAlarm": 0.4})
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update(self.env)
        proc = subprocess.Popen([MONITORC, "apply", "--auto-approve", "--parallel", "1", "main.mon"], cwd=self.dir, env=e,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while len(self.fake.get("/_state")["alarms"]) < 2 and time.time() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        out = proc.communicate()[0].decode()
        self.outputs.append(out)
        made = len(self.fake.get("/_state")["alarms"])
        self.assertGreaterEqual(made, 2)
        self.assertLess(made, 8)
        self.fake.post("/_delay", {})
        self.apply()
        self.assertEqual(len(self.alarms()), 8)
        self.assertEqual({a for a, _ in self.plan()}, {"no-change"})

    def test_saved_plan_stale_and_tampered(self):
        self.write(self.CPU % 90)
        self.apply()
        self.write(self.CPU % 80)
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        # Tampered: an id the plan never read.
        with open(os.path.join(self.dir, "plan.json")) as f:
            plan = json.load(f)
        bad = json.loads(json.dumps(plan))
        for c in bad["changes"]:
            if c.get("id"):
                c["id"] = "Hand made"
        with open(os.path.join(self.dir, "bad.json"), "w") as f:
            json.dump(bad, f)
        p = self.run_mc("apply", "--auto-approve", "bad.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        # Stale: the alarm was changed by hand after the plan.
        state = self.fake.get("/_state")["alarms"]["CPU high (critical)"]
        self.fake.post("/_seed", {"Region": "eu-west-1", **{k: state[k] for k in (
            "AlarmName", "Metrics", "EvaluationPeriods", "ComparisonOperator")}, "Threshold": 42})
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("plan --out", p.stdout + p.stderr)
        self.assertEqual(self.alarms()["CPU high (critical)"][0]["Threshold"], 42.0)
        # Planned again, it applies.
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.alarms()["CPU high (critical)"][0]["Threshold"], 80.0)

    def test_wrong_secret_refused_and_not_printed(self):
        self.write(self.CPU % 90)
        p = self.run_mc("plan", "main.mon", env={"AWS_SECRET_ACCESS_KEY": SECRET + "x"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("SignatureDoesNotMatch", p.stderr)
        self.assertNotIn(SECRET, p.stdout + p.stderr)
        p = self.run_mc("plan", "-v", "main.mon", env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
        self.assertEqual(p.returncode, 1)
        self.assertIn("no AWS credentials", p.stderr)

    def test_shared_credentials_profile_and_session_token(self):
        fake = Fake(token=TOKEN)
        try:
            self.write(self.CPU % 90, url=fake.url, extra='  profile = "monitoring"\n')
            cred = os.path.join(self.dir, "creds")
            with open(cred, "w") as f:
                f.write("[default]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = wrong\n\n"
                        "[monitoring]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n"
                        % (KEY_ID, SECRET, TOKEN))
            env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SHARED_CREDENTIALS_FILE": cred}
            p = self.run_mc("apply", "--auto-approve", "-v", "main.mon", env=env)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertEqual(len(fake.get("/_state")["alarms"]), 2)
            # Without the session token the fake refuses, as AWS does for temporary keys.
            with open(cred, "w") as f:
                f.write("[monitoring]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (KEY_ID, SECRET))
            p = self.run_mc("plan", "main.mon", env=env)
            self.assertEqual(p.returncode, 1)
        finally:
            fake.stop()

    def test_pull_round_trip(self):
        self.write(self.CPU % 90 + self.RATIO + self.ELB + 'monitor host "Disk" {\n  metric = "disk%"\n  operator = ">"\n'
                   '  warning = 80\n  duration = 10m\n  is_mute = true\n}\n')
        self.apply()
        self.seed("Hand made", 50, {"team": "ops"})
        p = self.run_mc("pull", "--target", "cw", "-o", "pulled", "--owned-only", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        pulled = ""
        root = os.path.join(self.dir, "pulled")
        for d, _, fs in sorted(os.walk(root)):
            for f in sorted(fs):
                with open(os.path.join(d, f)) as fh:
                    pulled += fh.read()
        self.assertIn('monitor host "CPU high"', pulled)
        self.assertIn('metric = "cpu%"', pulled)
        self.assertIn('monitor query "Error ratio"', pulled)
        self.assertIn('monitor query "5xx"', pulled)
        self.assertNotIn("Hand made", pulled)
        self.assertNotIn(SECRET, pulled)
        # The pulled source plans no change against what it was pulled from.
        p = self.run_mc("plan", "--format", "json", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        changes = sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"])
        self.assertEqual(changes, [("ignore", "Hand made"), ("no-change", "5xx (critical)"), ("no-change", "CPU high (critical)"),
                                   ("no-change", "CPU high (warning)"), ("no-change", "Disk (warning)"),
                                   ("no-change", "Error ratio (critical)")])
        # Without --owned-only the hand-made alarm comes back too, as a query monitor.
        p = self.run_mc("pull", "--target", "cw", "-o", "all", "--single-file", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, "all", "cw.mon")) as fh:
            self.assertIn('monitor query "Hand made"', fh.read())

    DASH = ('dashboard "Shop" {\n  url_path = "shop-overview"\n  memo = "From monitorc."\n'
            '  markdown "" {\n    text = "Runbook: https://wiki.example/shop"\n    width = 24\n    height = 2\n  }\n'
            '  row {\n    height = 6\n'
            '    graph "%s" {\n      query = "SUM(METRICS())"\n      legend = "5xx"\n      value_range = { min = 0 }\n'
            '      reference_lines = [{ label = "page", value = 10 }]\n'
            '      raw = { period = 300, metrics = [["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", "app/shop/1", '
            '{ id = "m1", stat = "Sum", visible = false }]] }\n    }\n'
            '    value "Requests" {\n      query = "SELECT SUM(RequestCount) FROM \\"AWS/ApplicationELB\\""\n    }\n  }\n}\n')
    BOTH = ('monitor query "Shop down" {\n  query = "ALARM(\\"5xx (critical)\\") AND ALARM(\\"Error ratio (critical)\\")"\n'
            '  operator = ">"\n  critical = 0\n  memo = "Both at once"\n  raw = { AlarmType = "CompositeAlarm" }\n}\n')

    def built(self, name):
        p = self.run_mc("build", "-o", "out", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.dir, "out", "cloudwatch", "cw", "dashboards", name + ".json")) as f:
            return json.load(f)

    def test_dashboards_and_composite_alarms(self):
        self.fake.post("/_seed_dashboard", {"name": "hand-made", "body": {"widgets": [
            {"type": "text", "x": 0, "y": 0, "width": 6, "height": 2, "properties": {"markdown": "mine"}}]}})
        self.write(self.ELB + self.RATIO + self.BOTH + self.DASH % "5xx")
        self.assertEqual(self.plan(), [("create", "5xx (critical)"), ("create", "Error ratio (critical)"),
                                       ("create", "Shop down (critical)"), ("create", "shop-overview"), ("ignore", "hand-made")])
        self.apply()
        # The AWS CLI reads back what apply wrote: the body is the built one, the composite
        # alarm's rule and tags are the source's.
        got = self.aws("get-dashboard", "--dashboard-name", "shop-overview")
        body = json.loads(got["DashboardBody"])
        self.assertEqual(body, self.built("shop-overview"))
        self.assertEqual(body["widgets"][0]["properties"]["markdown"], "# Shop\n\nFrom monitorc.\n\nmanaged-by: monitorc")
        graph = body["widgets"][2]
        self.assertEqual((graph["x"], graph["y"], graph["width"], graph["height"]), (0, 6, 12, 6))
        self.assertEqual(graph["properties"]["metrics"][0], [{"expression": "SUM(METRICS())", "label": "5xx", "id": "q1"}])
        self.assertEqual(graph["properties"]["metrics"][1][-1], {"id": "m1", "stat": "Sum", "visible": False})
        self.assertEqual(graph["properties"]["region"], "eu-west-1")
        self.assertEqual(graph["properties"]["annotations"], {"horizontal": [{"value": 10, "label": "page"}]})
        self.assertEqual(body["widgets"][3]["properties"]["view"], "singleValue")
        listed = [d["DashboardName"] for d in self.aws("list-dashboards")["DashboardEntries"]]
        self.assertEqual(listed, ["hand-made", "shop-overview"])
        composite = self.aws("describe-alarms", "--alarm-types", "CompositeAlarm")["CompositeAlarms"]
        self.assertEqual([(c["AlarmName"], c["AlarmRule"], c["AlarmDescription"]) for c in composite],
                         [("Shop down (critical)", 'ALARM("5xx (critical)") AND ALARM("Error ratio (critical)")', "Both at once")])
        tags = self.aws("list-tags-for-resource", "--resource-arn", composite[0]["AlarmArn"])["Tags"]
        self.assertIn({"Key": "managed-by", "Value": "monitorc"}, tags)
        unchanged = [("ignore", "hand-made"), ("no-change", "5xx (critical)"), ("no-change", "Error ratio (critical)"),
                     ("no-change", "Shop down (critical)"), ("no-change", "shop-overview")]
        self.assertEqual(self.plan(), unchanged)
        # A widget's title changes: one dashboard update, read back by the CLI.
        self.write(self.ELB + self.RATIO + self.BOTH + self.DASH % "5xx answers")
        self.assertIn(("update", "shop-overview"), self.plan())
        self.apply()
        body = json.loads(self.aws("get-dashboard", "--dashboard-name", "shop-overview")["DashboardBody"])
        self.assertEqual(body["widgets"][2]["properties"]["title"], "5xx answers")
        # The pulled source plans no change.
        p = self.run_mc("pull", "--target", "cw", "-o", "pulled", "--owned-only", "--single-file", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.run_mc("plan", "--format", "json", "pulled")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted((c["action"], c["key"]) for c in json.loads(p.stdout)["changes"]), unchanged)
        # Gone from the source: orphans until --prune; the composite alarm goes with --prune, the
        # hand-made dashboard stays.
        self.write(self.ELB + self.RATIO)
        self.assertEqual(self.plan("--prune"), [("delete", "Shop down (critical)"), ("delete", "shop-overview"),
                                                ("ignore", "hand-made"), ("no-change", "5xx (critical)"),
                                                ("no-change", "Error ratio (critical)")])
        self.apply("--prune")
        state = self.fake.get("/_state")
        self.assertEqual(sorted(state["dashboards"]), ["hand-made"])
        self.assertEqual(sorted(state["alarms"]), ["5xx (critical)", "Error ratio (critical)"])

    def test_dashboard_made_after_the_plan_is_not_overwritten(self):
        self.write(self.DASH % "5xx")
        p = self.run_mc("plan", "--out", "plan.json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        theirs = {"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 2, "properties": {"markdown": "theirs"}}]}
        self.fake.post("/_seed_dashboard", {"name": "shop-overview", "body": theirs})
        # A saved plan: refused as stale.
        p = self.run_mc("apply", "--auto-approve", "plan.json")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("stale", p.stdout + p.stderr)
        self.assertEqual(json.loads(self.fake.get("/_state")["dashboards"]["shop-overview"]["DashboardBody"]), theirs)
        # Made while apply runs, after its read: the create reads the name first and refuses.
        self.fake.post("/_reset")
        self.fake.post("/_delay", {"GetDashboard": 3})
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update(self.env)
        proc = subprocess.Popen([MONITORC, "apply", "--auto-approve", "main.mon"], cwd=self.dir, env=e, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 120
        while not any(x["action"] == "ListDashboards" for x in self.fake.get("/_log")):
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        self.fake.post("/_seed_dashboard", {"name": "shop-overview", "body": theirs})
        out = proc.communicate(timeout=300)[0]
        self.outputs.append(out)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("not owned by monitorc", out)
        self.assertEqual(json.loads(self.fake.get("/_state")["dashboards"]["shop-overview"]["DashboardBody"]), theirs)

    def test_dashboard_body_refused_with_its_validation_messages(self):
        # raw can say what CloudWatch refuses: the fake answers as PutDashboard does.
        self.write((self.DASH % "5xx").replace("raw = { period = 300,", 'raw = { view = "sparkles", period = 300,'))
        p = self.apply(expect=1)
        out = p.stdout + p.stderr
        self.assertIn("InvalidParameterInput", out)
        self.assertIn("/widgets/2/properties/view", out)
        self.assertEqual(self.fake.get("/_state")["dashboards"], {})

    def test_import_round_trip(self):
        """describe-alarms and get-dashboard output -> source; the source builds the same alarms
        (a plan against the same alarms adopts them, changing nothing but the ownership tags)
        and the same dashboard under monitorc's header."""
        alarms = {
            "MetricAlarms": [
                {"AlarmName": "orders-api-high-latency", "AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-api-high-latency",
                 "AlarmDescription": "p95 latency of the orders API above 800 ms for 3 of 5 minutes",
                 "ActionsEnabled": True, "OKActions": ["arn:aws:sns:eu-west-1:123456789012:orders-ok"],
                 "AlarmActions": ["arn:aws:sns:eu-west-1:123456789012:orders-page"], "InsufficientDataActions": [],
                 "StateValue": "OK", "StateReason": "Threshold Crossed", "MetricName": "Latency", "Namespace": "AWS/ApiGateway",
                 "ExtendedStatistic": "p95", "Dimensions": [{"Name": "Stage", "Value": "prod"}, {"Name": "ApiName", "Value": "orders"}],
                 "Period": 60, "Unit": "Milliseconds", "EvaluationPeriods": 5, "DatapointsToAlarm": 3, "Threshold": 800.0,
                 "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching"},
                {"AlarmName": "queue-age (warning)", "AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:queue-age (warning)",
                 "ActionsEnabled": False, "OKActions": [], "AlarmActions": [], "InsufficientDataActions": [],
                 "StateValue": "INSUFFICIENT_DATA", "EvaluationPeriods": 2, "DatapointsToAlarm": 2, "Threshold": 300.0,
                 "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "missing",
                 "Metrics": [{"Id": "age", "Expression": "MAX([a1, a2])", "Label": "oldest message", "ReturnData": True, "Period": 300},
                             {"Id": "a1", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": "AWS/SQS", "MetricName": "ApproximateAgeOfOldestMessage",
                              "Dimensions": [{"Name": "QueueName", "Value": "orders"}]}, "Period": 300, "Stat": "Maximum"}},
                             {"Id": "a2", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": "AWS/SQS", "MetricName": "ApproximateAgeOfOldestMessage",
                              "Dimensions": [{"Name": "QueueName", "Value": "orders-retry"}]}, "Period": 300, "Stat": "Maximum"}}]}],
            "CompositeAlarms": [
                {"AlarmName": "orders-degraded", "AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-degraded",
                 "AlarmDescription": "latency and queue age together", "ActionsEnabled": True, "OKActions": [],
                 "AlarmActions": ["arn:aws:sns:eu-west-1:123456789012:orders-page"], "InsufficientDataActions": [],
                 "AlarmRule": "ALARM(orders-api-high-latency) AND NOT OK(\"queue-age (warning)\")", "StateValue": "OK"}]}
        dashboard = {"DashboardArn": "arn:aws:cloudwatch::123456789012:dashboard/orders", "DashboardName": "orders",
                     "DashboardBody": json.dumps({"start": "-PT6H", "widgets": [
                         {"type": "text", "x": 0, "y": 0, "width": 24, "height": 1, "properties": {"markdown": "## Orders", "background": "transparent"}},
                         {"type": "metric", "x": 0, "y": 1, "width": 12, "height": 6, "properties": {
                             "metrics": [["AWS/ApiGateway", "Count", "ApiName", "orders", {"stat": "Sum"}]], "view": "timeSeries",
                             "region": "eu-west-1", "title": "Requests", "period": 60}},
                         {"type": "metric", "x": 12, "y": 1, "width": 12, "height": 6, "properties": {
                             "metrics": [[{"expression": "SELECT AVG(Latency) FROM \"AWS/ApiGateway\" GROUP BY ApiName", "label": "latency", "id": "q1"}]],
                             "view": "timeSeries", "stacked": False, "region": "eu-west-1", "title": "Latency by API",
                             "yAxis": {"left": {"min": 0, "label": "ms", "showUnits": False}}, "start": "-PT3H",
                             "annotations": {"horizontal": [{"label": "slow", "value": 800}]}}},
                         {"type": "metric", "x": 0, "y": 7, "width": 6, "height": 3, "properties": {
                             "metrics": [[{"expression": "SUM(SEARCH('{AWS/SQS,QueueName} ApproximateNumberOfMessagesVisible', 'Maximum'))", "id": "q1"}]],
                             "view": "singleValue", "region": "eu-west-1", "title": "Backlog", "sparkline": True}},
                         {"type": "alarm", "x": 6, "y": 7, "width": 18, "height": 3, "properties": {
                             "title": "Orders alarms", "alarms": ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-degraded"]}}]})}
        with open(os.path.join(self.dir, "alarms.json"), "w") as f:
            json.dump(alarms, f)
        with open(os.path.join(self.dir, "dashboard.json"), "w") as f:
            json.dump(dashboard, f)
        p = self.run_mc("import", "cloudwatch", "alarms.json", "dashboard.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        imported = p.stdout
        self.assertIn('monitor query "queue-age"', imported)
        self.assertIn('monitor query "orders-degraded"', imported)
        self.assertIn('AlarmType = "CompositeAlarm"', imported)
        self.assertIn('graph "Latency by API"', imported)
        self.write(imported)
        # The same alarms and dashboard on the target, made by hand (no tags).
        for a in alarms["MetricAlarms"] + alarms["CompositeAlarms"]:
            self.fake.post("/_seed", dict({k: v for k, v in a.items() if k not in ("AlarmArn", "StateValue", "StateReason")}, Region="eu-west-1"))
        p = self.run_mc("plan", "--format", "json", "main.mon")
        self.assertEqual(p.returncode, 0, p.stderr)
        changes = json.loads(p.stdout)["changes"]
        self.assertEqual(sorted((c["action"], c["key"]) for c in changes),
                         [("adopt", "orders-api-high-latency"), ("adopt", "orders-degraded"), ("adopt", "queue-age (warning)"),
                          ("create", "orders")])
        for c in changes:
            if c["key"] != "orders":
                self.assertEqual({f["path"].split(".")[1] for f in c.get("fields", [])}, {"Tags"}, c)
        built = self.built("orders")
        original = json.loads(dashboard["DashboardBody"])
        header = built["widgets"].pop(0)
        self.assertTrue(header["properties"]["markdown"].endswith("managed-by: monitorc"))
        for w in built["widgets"]:
            w["y"] -= header["height"]
        self.assertEqual(built, original)
        # Applied, the imported source plans no change.
        self.apply()
        self.assertEqual(sorted(a for a, _ in self.plan()), ["no-change"] * 4)

    def test_region_from_config_file(self):
        self.write(self.CPU % 90)
        with open(os.path.join(self.dir, "main.mon")) as f:
            src = f.read().replace('  region = "eu-west-1"\n', "")
        with open(os.path.join(self.dir, "main.mon"), "w") as f:
            f.write(src)
        p = self.run_mc("plan", "main.mon")
        self.assertEqual(p.returncode, 1)
        self.assertIn("has no region", p.stderr)
        conf = os.path.join(self.dir, "config")
        with open(conf, "w") as f:
            f.write("[default]\nregion = ap-northeast-1\n")
        self.assertEqual(len(self.plan(env={"AWS_CONFIG_FILE": conf})), 2)
        self.assertEqual(len(self.plan(env={"AWS_REGION": "us-west-2"})), 2)


if __name__ == "__main__":
    unittest.main()
