#!/usr/bin/python3
"""Checks a built cloudwatch/<target>/ as CloudWatch would take it: every alarm of alarms.json
with botocore's ParamValidator on PutMetricAlarm's (or, with an AlarmRule, PutCompositeAlarm's)
input shape from botocore's own service model, the model's maximums and the rules
fake_cloudwatch.py enforces; every dashboards/NAME.json beside it as PutDashboard's input (the
name's characters, the body's published rules).
  validate_alarms.py FILE...   (Debian's /usr/bin/python3, for python3-botocore)"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import botocore.validate  # noqa: E402

import fake_cloudwatch as fake  # noqa: E402


def check(op_name, params, extra):
    op = fake.MODEL.operation_model(op_name)
    report = botocore.validate.ParamValidator().validate(params, op.input_shape)
    if report.has_errors():
        raise fake.ApiError(400, "ValidationError", report.generate_report())
    fake.check_max(op.input_shape, params, "")
    extra(params)


bad = 0
for path in sys.argv[1:]:
    with open(path) as f:
        alarms = json.load(f)["alarms"]
    for a in alarms:
        try:
            if "AlarmRule" in a:
                check("PutCompositeAlarm", a, lambda p: fake.rule_alarms(p["AlarmRule"]))
            else:
                check("PutMetricAlarm", a, fake.check_alarm)
        except fake.ApiError as e:
            bad += 1
            print("%s: alarm %r: %s: %s" % (path, a.get("AlarmName"), e.code, e.message))
    for d in sorted(glob.glob(os.path.join(os.path.dirname(path), "dashboards", "*.json"))):
        name = os.path.basename(d)[:-len(".json")]
        with open(d) as f:
            body = f.read()
        try:
            check("PutDashboard", {"DashboardName": name, "DashboardBody": body}, lambda p: fake.op_put_dashboard("eu-west-1", p))
        except fake.ApiError as e:
            bad += 1
            print("%s: dashboard %r: %s: %s" % (d, name, e.code, e.message))
sys.exit(1 if bad else 0)
