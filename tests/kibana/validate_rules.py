#!/usr/bin/env python3
"""Checks every rule of a built kibana/<target>/rules.json as Kibana's create rule API would:
the request body schema and the Elasticsearch query rule type's params (the same checks the
fake Kibana applies, written from Kibana's published API docs), with the connector ids left
to the server.  validate_rules.py RULES_JSON"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.argv = [sys.argv[0], "/dev/null", "unused"] + sys.argv[1:]
spec = importlib.util.spec_from_file_location("fake_kibana", os.path.join(HERE, "fake_kibana.py"))
fake = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fake)

bad = 0
with open(sys.argv[3]) as f:
    doc = json.load(f)
for rule in doc["rules"]:
    # Connectors are the Kibana instance's; every id is taken here.
    for a in rule.get("actions", []):
        fake.CONNECTORS.setdefault(a.get("id"), ".server-log")
    try:
        fake.validate_create(rule)
        if rule["rule_type_id"] != ".es-query" or rule["consumer"] != "stackAlerts":
            raise fake.Invalid("not an Elasticsearch query rule of Stack Management")
    except fake.Invalid as e:
        bad += 1
        print("%s: %s" % (rule.get("name"), e))
sys.exit(1 if bad else 0)
