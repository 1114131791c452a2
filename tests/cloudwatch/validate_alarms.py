#!/usr/bin/python3
"""Checks every alarm of a built cloudwatch/<target>/alarms.json as CloudWatch would take it:
botocore's ParamValidator on PutMetricAlarm's input shape (botocore's own service model), the
model's maximums, and PutMetricAlarm's rules as fake_cloudwatch.py enforces them.
  validate_alarms.py FILE...   (Debian's /usr/bin/python3, for python3-botocore)"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import botocore.validate  # noqa: E402

import fake_cloudwatch as fake  # noqa: E402

op = fake.MODEL.operation_model("PutMetricAlarm")
bad = 0
for path in sys.argv[1:]:
    with open(path) as f:
        alarms = json.load(f)["alarms"]
    for a in alarms:
        try:
            report = botocore.validate.ParamValidator().validate(a, op.input_shape)
            if report.has_errors():
                raise fake.ApiError(400, "ValidationError", report.generate_report())
            fake.check_max(op.input_shape, a, "")
            fake.check_alarm(a)
        except fake.ApiError as e:
            bad += 1
            print("%s: alarm %r: %s: %s" % (path, a.get("AlarmName"), e.code, e.message))
sys.exit(1 if bad else 0)
