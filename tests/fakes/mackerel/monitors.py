"""Monitor validation and normalisation (design/mackerel-api.md §1, §2).

normalise(body, existing) turns a POST/PUT body into the object the fake
stores and echoes: unknown keys dropped, server defaults filled in, scopes
rewritten to "Service: role". `existing` is the stored monitor on PUT; it is
needed for the two fields that PUT leaves unchanged when omitted.
"""
import re
import time
from urllib.parse import urlsplit

import checks
from checks import ValidationError

# List order. The docs say "monitor type -> name (same as the list on
# mackerel.io)", and their list example runs host, connectivity, service,
# external, expression: the UI order, not alphabetical. anomalyDetection and
# query are not in that example; putting them last (in the order they were
# added to the product) is an inference.
TYPE_ORDER = ("host", "connectivity", "service", "external", "expression",
              "anomalyDetection", "query")

# Key order of responses = client-go struct order (§1.9), so the JSON the fake
# sends reads like what mkr prints. JSON consumers must not depend on it.
KEY_ORDER = {
    "connectivity": ["name", "memo", "alertStatusOnGone", "type", "isMute",
                     "notificationInterval", "scopes", "excludeScopes"],
    "host": ["name", "memo", "type", "isMute", "notificationInterval", "metric",
             "operator", "warning", "critical", "duration", "maxCheckAttempts",
             "scopes", "excludeScopes"],
    "service": ["name", "memo", "type", "isMute", "notificationInterval",
                "service", "metric", "operator", "warning", "critical",
                "duration", "maxCheckAttempts", "missingDurationWarning",
                "missingDurationCritical"],
    "external": ["name", "memo", "type", "isMute", "notificationInterval",
                 "method", "url", "maxCheckAttempts", "service",
                 "responseTimeCritical", "responseTimeWarning",
                 "responseTimeDuration", "requestBody", "containsString",
                 "certificationExpirationCritical",
                 "certificationExpirationWarning", "skipCertificateVerification",
                 "followRedirect", "expectedStatusCode", "headers", "dualstack"],
    "expression": ["name", "memo", "type", "isMute", "notificationInterval",
                   "expression", "operator", "warning", "critical",
                   "evaluateBackwardMinutes"],
    "anomalyDetection": ["name", "memo", "type", "isMute", "notificationInterval",
                         "warningSensitivity", "criticalSensitivity",
                         "trainingPeriodFrom", "maxCheckAttempts", "scopes"],
    "query": ["name", "memo", "type", "isMute", "notificationInterval", "query",
              "operator", "warning", "critical", "legend",
              "evaluateBackwardMinutes"],
}

COMPARATIVE_METRICS = {"cpu%", "memory%", "disk%", "swap%",
                       "container-cpu%", "container-memory%"}
OPERATORS = (">", "<")
SENSITIVITIES = ("insensitive", "normal", "sensitive")
METHODS = ("GET", "POST", "PUT", "DELETE")
# Documented charset for service and role names. The real API also rejects
# names that are not registered; the fake has no service registry, so it
# checks only the format.
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]+$")


def sort_key(monitor):
    """Type (UI order), then name; seeded unknown types sort last."""
    mtype = monitor.get("type")
    rank = TYPE_ORDER.index(mtype) if mtype in TYPE_ORDER else len(TYPE_ORDER)
    return (rank, str(monitor.get("name", "")), str(monitor.get("id", "")))


def normalise_scope(scope, where):
    """'Svc:role', 'Svc : role' -> 'Svc: role' (the API's stored form)."""
    parts = [p.strip() for p in scope.split(":")]
    if len(parts) > 2:
        raise ValidationError(f"{where} must be 'Service' or 'Service: role'")
    for part in parts:
        if not NAME_RE.match(part):
            raise ValidationError(f"{where} has an invalid service or role name: {part!r}")
    return ": ".join(parts)


def _scopes(body, key):
    values = checks.array(body, key)
    if values is None:
        return []  # PUT: an omitted scopes list is deleted, not kept
    result = []
    for i, scope in enumerate(values):
        if not isinstance(scope, str):
            raise ValidationError(f"{key}[{i}] must be a string")
        result.append(normalise_scope(scope, f"{key}[{i}]"))
    return result


def _service_name(body, key, required):
    name = checks.string(body, key, required=required, nonempty=required)
    if name is not None and not NAME_RE.match(name):
        raise ValidationError(f"{key} is not a valid service name: {name!r}")
    return name


def _thresholds(body, out, lo=None, hi=None):
    # Either may be absent or null (client-go sends null for "unset"); both
    # are echoed exactly as sent so 0 and null stay distinct.
    for key in ("warning", "critical"):
        if key in body:
            out[key] = checks.number(body, key, lo=lo, hi=hi)


def _max_check_attempts(body, out, default):
    value = checks.integer(body, "maxCheckAttempts", lo=1, hi=10)
    out["maxCheckAttempts"] = default if value is None else value


def _put(out, key, value):
    if value is not None:
        out[key] = value


def _host(body, out, existing):
    out["metric"] = checks.string(body, "metric", required=True, nonempty=True)
    out["operator"] = checks.enum(body, "operator", OPERATORS, required=True)
    if out["metric"] in COMPARATIVE_METRICS:
        _thresholds(body, out, lo=0, hi=100)
    else:
        _thresholds(body, out)
    out["duration"] = checks.integer(body, "duration", lo=1, hi=10, required=True)
    _max_check_attempts(body, out, 1)
    out["scopes"] = _scopes(body, "scopes")
    out["excludeScopes"] = _scopes(body, "excludeScopes")


def _connectivity(body, out, existing):
    status = checks.enum(body, "alertStatusOnGone", ("CRITICAL", "WARNING"))
    if status is None:
        # Documented exception to "PUT replaces everything": omitted keeps it.
        status = existing.get("alertStatusOnGone", "CRITICAL") if existing else "CRITICAL"
    out["alertStatusOnGone"] = status
    out["scopes"] = _scopes(body, "scopes")
    out["excludeScopes"] = _scopes(body, "excludeScopes")


def _missing_duration(body, key):
    value = checks.integer(body, key)
    # Docs: a multiple of 10 and at most a week. The lower bound 10 comes
    # from Terraform's validator (tf PR #122), which matched the live API.
    if value is not None and (value % 10 or not 10 <= value <= 10080):
        raise ValidationError(f"{key} must be a multiple of 10 between 10 and 10080")
    return value


def _service(body, out, existing):
    out["service"] = _service_name(body, "service", required=True)
    out["metric"] = checks.string(body, "metric", required=True, nonempty=True)
    out["operator"] = checks.enum(body, "operator", OPERATORS, required=True)
    _thresholds(body, out)
    out["duration"] = checks.integer(body, "duration", lo=1, hi=10, required=True)
    _max_check_attempts(body, out, 1)
    _put(out, "missingDurationWarning", _missing_duration(body, "missingDurationWarning"))
    _put(out, "missingDurationCritical", _missing_duration(body, "missingDurationCritical"))


def _headers(body, existing):
    if body.get("headers") is None:
        # Documented: an omitted headers field keeps the stored value on PUT.
        # null is treated like omitted (client-go always sends null) [infer].
        # On create the real API applies default headers; the fake echoes [].
        return list(existing.get("headers", [])) if existing else []
    values = checks.array(body, "headers")
    result = []
    for i, header in enumerate(values):
        where = f"headers[{i}]."
        if not isinstance(header, dict):
            raise ValidationError(f"headers[{i}] must be an object")
        name = checks.string(header, "name", required=True, nonempty=True, where=where)
        value = checks.string(header, "value", required=True, where=where)
        result.append({"name": name, "value": value})
    return result


def _external(body, out, existing):
    url = checks.string(body, "url", required=True, nonempty=True)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("url must be an http or https URL")
    out["url"] = url
    out["method"] = checks.enum(body, "method", METHODS) or "GET"
    service = _service_name(body, "service", required=False)
    _put(out, "service", service)
    rt_warning = checks.number(body, "responseTimeWarning", lo=0)
    rt_critical = checks.number(body, "responseTimeCritical", lo=0)
    rt_duration = checks.integer(body, "responseTimeDuration", lo=1, hi=10)
    if service is None and (rt_warning, rt_critical, rt_duration) != (None, None, None):
        raise ValidationError("service is required when responseTime* is set")
    if rt_duration is None and (rt_warning is not None or rt_critical is not None):
        raise ValidationError("responseTimeDuration is required when "
                              "responseTimeWarning or responseTimeCritical is set")
    _put(out, "responseTimeWarning", rt_warning)
    _put(out, "responseTimeCritical", rt_critical)
    _put(out, "responseTimeDuration", rt_duration)
    _put(out, "containsString", checks.string(body, "containsString"))
    _put(out, "requestBody", checks.string(body, "requestBody"))
    _max_check_attempts(body, out, 1)
    for key in ("certificationExpirationWarning", "certificationExpirationCritical"):
        _put(out, key, checks.integer(body, key, lo=0))
    for key in ("skipCertificateVerification", "followRedirect"):
        _put(out, key, checks.boolean(body, key))
    _put(out, "expectedStatusCode", checks.integer(body, "expectedStatusCode", lo=100, hi=599))
    out["headers"] = _headers(body, existing)
    # dualstack is a real field (docs 2026-08); its default "ipv4" is not
    # echoed because no source shows whether the API echoes it [infer].
    _put(out, "dualstack", checks.enum(body, "dualstack", ("ipv4", "ipv6", "auto")))


# evaluateBackwardMinutes defaults (2 for expression, 0 for query) are NOT
# echoed when omitted. None of our sources shows a response containing the
# field when it was not sent (the docs' examples omit it, client-go treats it
# as optional). Not inventing it also makes the fake stricter: a client that
# "normalises" by assuming the server echoes it will see a diff in tests.
def _expression(body, out, existing):
    out["expression"] = checks.string(body, "expression", required=True, nonempty=True)
    out["operator"] = checks.enum(body, "operator", OPERATORS, required=True)
    _thresholds(body, out)
    _put(out, "evaluateBackwardMinutes",
         checks.integer(body, "evaluateBackwardMinutes", lo=2, hi=10))


def _query(body, out, existing):
    out["query"] = checks.string(body, "query", required=True, nonempty=True)
    _put(out, "legend", checks.string(body, "legend"))
    out["operator"] = checks.enum(body, "operator", OPERATORS, required=True)
    _thresholds(body, out)
    _put(out, "evaluateBackwardMinutes",
         checks.integer(body, "evaluateBackwardMinutes", lo=0, hi=10))


def _anomaly(body, out, existing):
    scopes = _scopes(body, "scopes")
    if not scopes:
        # English docs say optional; Japanese docs, mkr and Terraform require it.
        raise ValidationError("scopes must not be empty for anomalyDetection")
    out["scopes"] = scopes
    warning = checks.enum(body, "warningSensitivity", SENSITIVITIES)
    critical = checks.enum(body, "criticalSensitivity", SENSITIVITIES)
    if warning is None and critical is None:
        raise ValidationError("warningSensitivity or criticalSensitivity is required")
    _put(out, "warningSensitivity", warning)
    _put(out, "criticalSensitivity", critical)
    _max_check_attempts(body, out, 3)
    since = checks.integer(body, "trainingPeriodFrom", lo=0)
    if since is not None and since > time.time():
        raise ValidationError("trainingPeriodFrom must not be in the future")
    _put(out, "trainingPeriodFrom", since)


PER_TYPE = {"host": _host, "connectivity": _connectivity, "service": _service,
            "external": _external, "expression": _expression,
            "anomalyDetection": _anomaly, "query": _query}


def normalise(body, existing=None):
    """Validate a POST/PUT body; return the monitor to store (without id)."""
    if not isinstance(body, dict):
        raise ValidationError("request body must be a JSON object")
    mtype = checks.enum(body, "type", TYPE_ORDER, required=True)
    if existing is not None and existing.get("type") != mtype:
        raise ValidationError(f"type cannot be changed (from {existing.get('type')!r} to {mtype!r})")

    out = {"type": mtype}
    name = checks.string(body, "name", required=mtype != "connectivity",
                         nonempty=mtype != "connectivity")
    out["name"] = name if name and name.strip() else "connectivity"
    _put(out, "memo", checks.string(body, "memo", max_len=2048))
    _put(out, "notificationInterval", checks.integer(body, "notificationInterval", lo=10))
    # PUT is a full replace: an omitted isMute unmutes.
    out["isMute"] = bool(checks.boolean(body, "isMute"))

    PER_TYPE[mtype](body, out, existing)
    # Rebuild in response key order; everything not listed (typos, "id",
    # fields of other types) is dropped, as the real API ignores unknown keys.
    return {key: out[key] for key in KEY_ORDER[mtype] if key in out}
