#!/usr/bin/python3
"""A fake CloudWatch API (query protocol, 2010-08-01) for monitorc's tests, run with Debian's
python3 so that botocore (python3-botocore) is importable:

* every request's SigV4 signature is checked with botocore's own SigV4Auth on the request as
  received (an implementation independent of monitorc's), and refused as AWS does
  (403 SignatureDoesNotMatch, InvalidClientTokenId, IncompleteSignature, RequestExpired);
* the form parameters are read back into the operation's input shape of botocore's service
  model and checked with botocore's ParamValidator (required members, types, lengths, list
  sizes such as DeleteAlarms' 100 names); unknown parameters are refused;
* PutMetricAlarm's rules (one of MetricName or Metrics, Statistic or ExtendedStatistic, one
  returned series, periods, DatapointsToAlarm <= EvaluationPeriods, Tags ignored on an update);
* PutCompositeAlarm's: the AlarmRule's grammar (ALARM/OK/INSUFFICIENT_DATA of an alarm,
  AND, OR, NOT, TRUE, FALSE, parentheses), suppressor periods with a suppressor, and no
  DeleteAlarms of an alarm a composite alarm's rule still names;
* dashboards (PutDashboard, GetDashboard, ListDashboards, DeleteDashboards): the name's
  characters and length, and the body's published rules answered as AWS answers them
  (InvalidParameterInput, "The dashboard body is invalid, there are N validation errors" with
  each error's dataPath; the messages also as dashboardValidationMessages);
* answers are XML in the output shape, so the AWS CLI (--endpoint-url) reads them.

Test hooks, unsigned (loopback only): POST /_reset, POST /_faults (JSON list of
{action, after, times, kind: throttle|500|drop}), POST /_delay ({action: seconds}),
POST /_seed ({alarm params, Tags}: an alarm made by hand), POST /_seed_dashboard ({name, body}: a
dashboard made by hand, unchecked), GET /_state, GET /_log.

  fake_cloudwatch.py PORT_FILE ACCESS_KEY_ID SECRET [SESSION_TOKEN]
"""
import datetime
import json
import re
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import botocore.auth
import botocore.credentials
import botocore.loaders
import botocore.model
import botocore.validate
from botocore.awsrequest import AWSRequest

ACCOUNT = "123456789012"
MODEL = botocore.model.ServiceModel(botocore.loaders.create_loader().load_service_model("cloudwatch", "service-2"))
NS = MODEL.metadata["xmlNamespace"]


class ApiError(Exception):
    def __init__(self, status, code, message, extra=""):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.alarms = {}  # name -> params (as stored) incl. AlarmArn
        self.tags = {}  # arn -> {key: value}
        self.dashboards = {}  # name -> DashboardEntry members and DashboardBody
        self.dashboard_page = 1000  # ListDashboards' page (AWS: up to 1000)
        self.faults = []
        self.delay = {}
        self.log = []  # {action, status, code}
        self.calls = {}


STATE = State()


# --- reading the form into the input shape -----------------------------------------------

def unflatten(shape, prefix, flat, used):
    if shape.type_name == "structure":
        out = {}
        for name, member in shape.members.items():
            key = name if not prefix else prefix + "." + name
            if any(k == key or k.startswith(key + ".") for k in flat):
                out[name] = unflatten(member, key, flat, used)
        return out
    if shape.type_name == "list":
        if prefix in flat:
            used.add(prefix)
            if flat[prefix] == "":
                return []
        items, i = [], 1
        while any(k == "%s.member.%d" % (prefix, i) or k.startswith("%s.member.%d." % (prefix, i)) for k in flat):
            items.append(unflatten(shape.member, "%s.member.%d" % (prefix, i), flat, used))
            i += 1
        return items
    if shape.type_name == "map":
        raise ApiError(400, "InvalidParameterValue", "maps are not used by this fake")
    used.add(prefix)
    raw = flat[prefix]
    try:
        if shape.type_name == "integer" or shape.type_name == "long":
            return int(raw)
        if shape.type_name in ("double", "float"):
            return float(raw)
        if shape.type_name == "boolean":
            if raw not in ("true", "false"):
                raise ValueError(raw)
            return raw == "true"
    except ValueError:
        raise ApiError(400, "InvalidParameterValue", "Invalid value '%s' for parameter %s" % (raw, prefix))
    return raw


def check_max(shape, value, where):
    """What botocore's validator leaves out (it checks minimums only): the model's maximums
    (AlarmName 255, AlarmDescription 1024, DeleteAlarms' 100 names, 5 actions, 30 dimensions ...)."""
    top = shape.metadata.get("max")
    if top is not None and shape.type_name in ("string", "list") and len(value) > top:
        raise ApiError(400, "ValidationError", "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                       "Member must have length less than or equal to %d" % (where, top))
    if top is not None and shape.type_name in ("integer", "long") and value > top:
        raise ApiError(400, "ValidationError", "Value at '%s' must be less than or equal to %d" % (where, top))
    if shape.type_name == "structure":
        for n, m in shape.members.items():
            if n in value:
                check_max(m, value[n], (where + "." if where else "") + n)
    elif shape.type_name == "list":
        for i, v in enumerate(value):
            check_max(shape.member, v, "%s.member.%d" % (where, i + 1))


def read_params(op, flat):
    used = {"Action", "Version"}
    params = unflatten(op.input_shape, "", flat, used) if op.input_shape else {}
    unknown = sorted(set(flat) - used)
    if unknown:
        raise ApiError(400, "InvalidParameterCombination", "Unknown parameter(s): " + ", ".join(unknown))
    report = botocore.validate.ParamValidator().validate(params, op.input_shape) if op.input_shape else None
    if report and report.has_errors():
        raise ApiError(400, "ValidationError", report.generate_report())
    if op.input_shape:
        check_max(op.input_shape, params, "")
    return params


# --- XML answers in the output shape -----------------------------------------------------

def to_xml(shape, value, name):
    if value is None:
        return ""
    if shape.type_name == "structure":
        inner = "".join(to_xml(m, value[n], n) for n, m in shape.members.items() if n in value)
    elif shape.type_name == "list":
        inner = "".join(to_xml(shape.member, v, "member") for v in value)
    elif shape.type_name == "boolean":
        inner = "true" if value else "false"
    elif shape.type_name == "timestamp":
        inner = value
    else:
        inner = escape(str(value))
    return "<%s>%s</%s>" % (name, inner, name)


def answer(action, op, result):
    body = '<%sResponse xmlns="%s">' % (action, NS)
    if op.output_shape is not None:
        body += to_xml(op.output_shape, result or {}, action + "Result")
    body += "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>" % (uuid.uuid4(), action)
    return body


def error_xml(code, message, extra=""):
    return ('<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>%s</Error>'
            '<RequestId>%s</RequestId></ErrorResponse>' % (NS, escape(code), escape(message), extra, uuid.uuid4()))


# --- the signature -----------------------------------------------------------------------

def verify_signature(handler, body, creds):
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        raise ApiError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(",") if "=" in p)
    try:
        akid, day, region, service, term = parts["Credential"].split("/")
        signed = parts["SignedHeaders"].split(";")
        signature = parts["Signature"]
    except (KeyError, ValueError):
        raise ApiError(400, "IncompleteSignature", "Authorization header requires Credential, SignedHeaders and Signature")
    if akid != creds["key"]:
        raise ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    if service != "monitoring" or term != "aws4_request":
        raise ApiError(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'monitoring'.")
    amz_date = handler.headers.get("X-Amz-Date", "")
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise ApiError(400, "IncompleteSignature", "X-Amz-Date is missing or malformed")
    if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900:
        raise ApiError(400, "RequestExpired", "Request has expired.")
    if day != amz_date[:8]:
        raise ApiError(403, "SignatureDoesNotMatch", "Credential date does not match X-Amz-Date")
    for must in ("host", "x-amz-date") + (("x-amz-security-token",) if creds.get("token") else ()):
        if must not in signed:
            raise ApiError(403, "SignatureDoesNotMatch", "Header %s is not signed" % must)
    if creds.get("token") and handler.headers.get("X-Amz-Security-Token") != creds["token"]:
        raise ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    # The request as received, with only the headers the client says it signed.
    headers = {h: handler.headers.get(h, "") for h in signed if h != "host"}
    request = AWSRequest(method=handler.command, url="http://%s%s" % (handler.headers.get("Host", ""), handler.path),
                         data=body, headers=headers)
    request.context["timestamp"] = amz_date
    signer = botocore.auth.SigV4Auth(botocore.credentials.Credentials(creds["key"], creds["secret"], creds.get("token")),
                                     "monitoring", region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if expected != signature or signer.signed_headers(signer.headers_to_sign(request)) != ";".join(signed):
        raise ApiError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. "
                       "Check your AWS Secret Access Key and signing method.")
    return region


# --- the operations ----------------------------------------------------------------------

def period_ok(p):
    return p in (10, 30) or (p > 0 and p % 60 == 0)


def check_alarm(p):
    single, math = "MetricName" in p, "Metrics" in p
    if single == math:
        raise ApiError(400, "ValidationError", "Exactly one of MetricName and Metrics must be specified.")
    n = p["EvaluationPeriods"]
    if p.get("DatapointsToAlarm", n) > n:
        raise ApiError(400, "ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods.")
    if single:
        if ("Statistic" in p) == ("ExtendedStatistic" in p):
            raise ApiError(400, "InvalidParameterCombination", "Exactly one of Statistic and ExtendedStatistic must be specified.")
        if "Namespace" not in p or "Period" not in p or not period_ok(p["Period"]):
            raise ApiError(400, "ValidationError", "Namespace and a Period of 10, 30 or a multiple of 60 are required.")
        period = p["Period"]
    else:
        for k in ("Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit"):
            if k in p:
                raise ApiError(400, "InvalidParameterCombination", "%s must not be specified with Metrics." % k)
        ids, returned, period = set(), 0, 0
        for q in p["Metrics"]:
            if q["Id"] in ids or not q["Id"][0].islower():
                raise ApiError(400, "ValidationError", "Invalid metrics list: Id '%s'." % q["Id"])
            ids.add(q["Id"])
            if ("Expression" in q) == ("MetricStat" in q):
                raise ApiError(400, "ValidationError", "Exactly one of Expression and MetricStat must be set in '%s'." % q["Id"])
            if q.get("ReturnData", True):
                returned += 1
                period = q.get("Period") or q.get("MetricStat", {}).get("Period", 0)
        if returned != 1:
            raise ApiError(400, "ValidationError", "Exactly one element of the metrics list should return data.")
        if not period_ok(period):
            raise ApiError(400, "ValidationError", "Period must be 10, 30 or a multiple of 60.")
    if period >= 60 and period * n > 7 * 86400:
        raise ApiError(400, "ValidationError", "Metrics cannot be checked across more than 7 days.")
    if p.get("TreatMissingData", "missing") not in ("breaching", "notBreaching", "ignore", "missing"):
        raise ApiError(400, "ValidationError", "Invalid TreatMissingData.")


def alarm_arn(region, name):
    return "arn:aws:cloudwatch:%s:%s:alarm:%s" % (region, ACCOUNT, name)


def store_alarm(region, p, tags_on_create=True):
    name = p["AlarmName"]
    arn = alarm_arn(region, name)
    stored = {k: v for k, v in p.items() if k != "Tags"}
    stored.update(AlarmArn=arn, StateValue="INSUFFICIENT_DATA", StateReason="Unchecked: Initial alarm creation",
                  AlarmConfigurationUpdatedTimestamp=datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    stored.setdefault("ActionsEnabled", True)
    for k in ("OKActions", "AlarmActions", "InsufficientDataActions"):
        stored.setdefault(k, [])
    stored.setdefault("Dimensions", []) if "MetricName" in stored else None
    if "AlarmRule" in stored:
        stored["StateReason"] = "Unchecked: Initial alarm creation"
    new = name not in STATE.alarms
    STATE.alarms[name] = stored
    if new:
        # Tags are taken when the alarm is made and ignored on an update (as AWS documents).
        STATE.tags[arn] = {t["Key"]: t["Value"] for t in p.get("Tags", [])} if tags_on_create else {}


def arn_alarm(arn):
    for name, a in STATE.alarms.items():
        if a["AlarmArn"] == arn:
            return name
    raise ApiError(404, "ResourceNotFoundException", "The resource %s does not exist." % arn)


def op_put_metric_alarm(region, p):
    check_alarm(p)
    store_alarm(region, p)


def op_describe_alarms(region, p):
    names = p.get("AlarmNames")
    prefix = p.get("AlarmNamePrefix")
    types = p.get("AlarmTypes", ["MetricAlarm"])
    found = sorted(n for n in STATE.alarms if (names is None or n in names) and (prefix is None or n.startswith(prefix))
                   and ("CompositeAlarm" if "AlarmRule" in STATE.alarms[n] else "MetricAlarm") in types)
    start = int(p.get("NextToken", "0") or 0)
    size = p.get("MaxRecords", 50)
    page = found[start:start + size]
    out = {"MetricAlarms": [STATE.alarms[n] for n in page if "AlarmRule" not in STATE.alarms[n]],
           "CompositeAlarms": [STATE.alarms[n] for n in page if "AlarmRule" in STATE.alarms[n]]}
    if start + size < len(found):
        out["NextToken"] = str(start + size)
    return out


def op_delete_alarms(region, p):
    missing = [n for n in p["AlarmNames"] if n not in STATE.alarms]
    if missing:
        raise ApiError(404, "ResourceNotFound", "%s alarm(s) not found: %s" % (len(missing), ", ".join(missing)))
    used = referenced_by(set(p["AlarmNames"]))
    if used:
        raise ApiError(400, "ValidationError", "Alarm %s is referenced by the composite alarm %s." % (used[1], used[0]))
    for n in p["AlarmNames"]:
        a = STATE.alarms.pop(n)
        STATE.tags.pop(a["AlarmArn"], None)


def op_list_tags(region, p):
    arn_alarm(p["ResourceARN"])
    return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(STATE.tags[p["ResourceARN"]].items())]}


def op_tag(region, p):
    arn_alarm(p["ResourceARN"])
    tags = STATE.tags[p["ResourceARN"]]
    for t in p["Tags"]:
        tags[t["Key"]] = t["Value"]
    if len(tags) > 50:
        raise ApiError(400, "LimitExceededException", "An alarm takes at most 50 tags.")


def op_untag(region, p):
    arn_alarm(p["ResourceARN"])
    for k in p["TagKeys"]:
        STATE.tags[p["ResourceARN"]].pop(k, None)


# --- composite alarms -------------------------------------------------------------------

RULE_TOKEN = re.compile(r'\s*(?:(ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*("(?:[^"\\]|\\.)*"|[^()"\s][^()"]*?)\s*\)|(AND|OR|NOT|TRUE|FALSE)\b|(\()|(\)))')


def rule_alarms(rule):
    """The alarm names an AlarmRule reads; ValidationError when it is not one (the grammar of
    PutCompositeAlarm's AlarmRule: state functions, AND, OR, NOT, TRUE, FALSE, parentheses)."""
    names, pos, depth, want_operand = [], 0, 0, True
    bad = ApiError(400, "ValidationError", "Error in alarm rule: %s" % rule)
    while pos < len(rule):
        if rule[pos:].strip() == "":
            break
        m = RULE_TOKEN.match(rule, pos)
        if not m:
            raise bad
        func, arg, word, open_, close = m.groups()
        if func or word in ("TRUE", "FALSE"):
            if not want_operand:
                raise bad
            if func:
                names.append(json.loads(arg) if arg.startswith('"') else arg.strip())
            want_operand = False
        elif word == "NOT" or open_:
            if not want_operand:
                raise bad
            depth += 1 if open_ else 0
        elif word in ("AND", "OR"):
            if want_operand:
                raise bad
            want_operand = True
        elif close:
            depth -= 1
            if depth < 0 or want_operand:
                raise bad
        pos = m.end()
    if depth != 0 or want_operand:
        raise bad
    return [n.rsplit(":alarm:", 1)[-1] for n in names]


def op_put_composite_alarm(region, p):
    rule_alarms(p["AlarmRule"])
    given = [k for k in ("ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod") if k in p]
    if ("ActionsSuppressor" in p) != (len(given) == 2) or (given and "ActionsSuppressor" not in p):
        raise ApiError(400, "ValidationError", "ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod are required "
                       "with ActionsSuppressor, and only with it.")
    if p["AlarmName"] in STATE.alarms and "AlarmRule" not in STATE.alarms[p["AlarmName"]]:
        raise ApiError(400, "ValidationError", "The alarm %s is a metric alarm." % p["AlarmName"])
    store_alarm(region, p)


def referenced_by(names):
    for n, a in STATE.alarms.items():
        if "AlarmRule" in a and n not in names:
            for used in rule_alarms(a["AlarmRule"]):
                if used in names:
                    return n, used
    return None


# --- dashboards ---------------------------------------------------------------------------

DASHBOARD_BODY_MAX = 1024 * 1024  # the fake's bound on DashboardBody: the published docs give none in bytes
WIDGET_TYPES = ("metric", "text", "alarm", "log", "explorer", "custom")


def dashboard_arn(name):
    return "arn:aws:cloudwatch::%s:dashboard/%s" % (ACCOUNT, name)


def dashboard_errors(text):
    """The body's published rules, as [(dataPath, message)]."""
    try:
        body = json.loads(text)
    except ValueError:
        return [("", "Should be a valid JSON object")]
    if not isinstance(body, dict):
        return [("", "Should be object")]
    errors = [("", "Should NOT have additional properties: '%s'" % k)
              for k in body if k not in ("widgets", "start", "end", "periodOverride", "variables")]
    widgets = body.get("widgets")
    if not isinstance(widgets, list):
        return errors + [("", "Should have required property 'widgets'")]
    if len(widgets) > 500:
        errors.append(("/widgets", "Should NOT have more than 500 items"))
    total = 0
    for i, w in enumerate(widgets):
        at = "/widgets/%d" % i
        if not isinstance(w, dict):
            errors.append((at, "Should be object"))
            continue
        if w.get("type") not in WIDGET_TYPES:
            errors.append((at + "/type", "Should be equal to one of the allowed values: " + ", ".join(WIDGET_TYPES)))
        for k, lo, hi in (("x", 0, 23), ("y", 0, None), ("width", 1, 24), ("height", 1, 1000)):
            if k in w and (not isinstance(w[k], int) or isinstance(w[k], bool) or w[k] < lo or (hi is not None and w[k] > hi)):
                errors.append((at + "/" + k, "Should be integer between %d and %s" % (lo, hi if hi is not None else "infinity")))
        props = w.get("properties")
        if not isinstance(props, dict):
            errors.append((at, "Should have required property 'properties'"))
            continue
        if w.get("type") == "text" and not isinstance(props.get("markdown"), str):
            errors.append((at + "/properties", "Should have required property 'markdown'"))
        if w.get("type") == "metric":
            metrics = props.get("metrics")
            if not isinstance(metrics, list):
                errors.append((at + "/properties", "Should have required property 'metrics'"))
                metrics = []
            if not isinstance(props.get("region"), str):
                errors.append((at + "/properties", "Should have required property 'region'"))
            if len(metrics) > 500:
                errors.append((at + "/properties/metrics", "Should NOT have more than 500 items"))
            total += len(metrics)
            for j, m in enumerate(metrics):
                if not isinstance(m, list) or not m:
                    errors.append((at + "/properties/metrics/%d" % j, "Should be array"))
                elif isinstance(m[0], dict) and not isinstance(m[0].get("expression"), str):
                    errors.append((at + "/properties/metrics/%d/0" % j, "Should have required property 'expression'"))
            if props.get("view", "timeSeries") not in ("timeSeries", "singleValue", "gauge", "bar", "pie", "table"):
                errors.append((at + "/properties/view", "Should be equal to one of the allowed values"))
    if total > 2500:
        errors.append(("/widgets", "A dashboard shows at most 2500 metrics"))
    return errors


def op_put_dashboard(region, p):
    name, text = p["DashboardName"], p["DashboardBody"]
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,255}", name):
        raise ApiError(400, "InvalidParameterInput", "The value for field DashboardName contains invalid characters. "
                       "It can only contain alphanumerics, dash (-) and underscore (_).")
    if len(text.encode()) > DASHBOARD_BODY_MAX:
        raise ApiError(400, "InvalidParameterInput", "The field DashboardBody is too large.")
    errors = dashboard_errors(text)
    if errors:
        listed = ", ".join('{ "dataPath": %s, "message": %s }' % (json.dumps(d), json.dumps(m)) for d, m in errors)
        extra = "<dashboardValidationMessages>%s</dashboardValidationMessages>" % "".join(
            "<member><DataPath>%s</DataPath><Message>%s</Message></member>" % (escape(d), escape(m)) for d, m in errors)
        raise ApiError(400, "InvalidParameterInput", "The dashboard body is invalid, there are %d validation errors: [ %s ]"
                       % (len(errors), listed), extra)
    store_dashboard(name, text)
    return {"DashboardValidationMessages": []}


def store_dashboard(name, text):
    STATE.dashboards[name] = {"DashboardName": name, "DashboardArn": dashboard_arn(name), "DashboardBody": text,
                              "LastModified": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                              "Size": len(text.encode())}


def op_get_dashboard(region, p):
    d = STATE.dashboards.get(p.get("DashboardName", ""))
    if d is None:
        raise ApiError(404, "ResourceNotFound", "Dashboard %s does not exist" % p.get("DashboardName", ""))
    return {k: d[k] for k in ("DashboardArn", "DashboardBody", "DashboardName")}


def op_list_dashboards(region, p):
    prefix = p.get("DashboardNamePrefix", "")
    found = sorted(n for n in STATE.dashboards if n.startswith(prefix))
    start = int(p.get("NextToken", "0") or 0)
    size = STATE.dashboard_page
    out = {"DashboardEntries": [{k: STATE.dashboards[n][k] for k in ("DashboardName", "DashboardArn", "LastModified", "Size")}
                                for n in found[start:start + size]]}
    if start + size < len(found):
        out["NextToken"] = str(start + size)
    return out


def op_delete_dashboards(region, p):
    missing = [n for n in p["DashboardNames"] if n not in STATE.dashboards]
    for n in p["DashboardNames"]:
        STATE.dashboards.pop(n, None)
    if missing:
        raise ApiError(404, "ResourceNotFound", "Dashboard %s does not exist" % ", ".join(missing))


OPS = {"PutMetricAlarm": op_put_metric_alarm, "DescribeAlarms": op_describe_alarms, "DeleteAlarms": op_delete_alarms,
       "ListTagsForResource": op_list_tags, "TagResource": op_tag, "UntagResource": op_untag,
       "PutCompositeAlarm": op_put_composite_alarm, "PutDashboard": op_put_dashboard, "GetDashboard": op_get_dashboard,
       "ListDashboards": op_list_dashboards, "DeleteDashboards": op_delete_dashboards}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    creds = {}

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="text/xml"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client is gone (a test killed it)

    def do_GET(self):
        with STATE.lock:
            if self.path == "/_state":
                return self.send(200, json.dumps({"alarms": STATE.alarms, "tags": STATE.tags, "dashboards": STATE.dashboards}),
                                 "application/json")
            if self.path == "/_log":
                return self.send(200, json.dumps(STATE.log), "application/json")
        self.send(404, error_xml("NotFound", "GET is not used by the query protocol here"))

    def hook(self, body):
        arg = json.loads(body or b"null")
        with STATE.lock:
            if self.path == "/_reset":
                STATE.reset()
            elif self.path == "/_faults":
                STATE.faults = [dict(f, seen=0) for f in arg]
            elif self.path == "/_delay":
                STATE.delay = arg
            elif self.path == "/_seed":
                store_alarm(arg.pop("Region", "us-east-1"), arg)
            elif self.path == "/_seed_dashboard":
                store_dashboard(arg["name"], arg["body"] if isinstance(arg["body"], str) else json.dumps(arg["body"]))
            elif self.path == "/_dashboard_page":
                STATE.dashboard_page = int(arg)
            else:
                return self.send(404, "{}", "application/json")
        self.send(200, "{}", "application/json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        if self.path.startswith("/_"):
            return self.hook(body)
        action = "?"
        try:
            region = verify_signature(self, body, self.creds)
            if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                raise ApiError(400, "InvalidParameterValue", "Content-Type must be application/x-www-form-urlencoded")
            flat = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
            action = flat.get("Action", "")
            if flat.get("Version") != "2010-08-01":
                raise ApiError(400, "InvalidParameterValue", "Version must be 2010-08-01")
            if action not in OPS:
                raise ApiError(400, "InvalidAction", "Could not find operation %s for version 2010-08-01" % action)
            op = MODEL.operation_model(action)
            params = read_params(op, flat)
            with STATE.lock:
                n = STATE.calls.get(action, 0) + 1
                STATE.calls[action] = n
                fault = next((f for f in STATE.faults if f["action"] == action and n > f.get("after", 0)
                              and f["seen"] < f.get("times", 1)), None)
                if fault:
                    fault["seen"] += 1
                delay = STATE.delay.get(action, 0)
            if fault and fault["kind"] == "throttle":
                raise ApiError(400, "Throttling", "Rate exceeded")
            if fault and fault["kind"] == "500":
                raise ApiError(500, "InternalFailure", "The request processing has failed because of an unknown error.")
            if delay:
                time.sleep(delay)
            with STATE.lock:
                result = OPS[action](region, params)
                STATE.log.append({"action": action, "status": 200})
            if fault and fault["kind"] == "drop":  # done, but the answer is lost
                self.close_connection = True
                return
            self.send(200, answer(action, op, result))
        except ApiError as e:
            with STATE.lock:
                STATE.log.append({"action": action, "status": e.status, "code": e.code})
            self.send(e.status, error_xml(e.code, e.message, e.extra))


def main():
    port_file, key, secret = sys.argv[1:4]
    Handler.creds = {"key": key, "secret": secret, "token": sys.argv[4] if len(sys.argv) > 4 else None}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
