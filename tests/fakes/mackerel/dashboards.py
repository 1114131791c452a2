"""Dashboard validation and normalisation (design/mackerel-api.md §3)."""
import re

import checks
from checks import ValidationError

URL_PATH_RE = re.compile(r"^([A-Za-z0-9_][-A-Za-z0-9_]*)(/[A-Za-z0-9_][-A-Za-z0-9_]*)*$")

# Standard-plan limit (docs/howto/dashboard); the API answers 403 beyond it.
DASHBOARD_LIMIT = 100

WIDGET_TYPES = ("graph", "value", "markdown", "alertStatus")

# Widget key order follows client-go (§3.7); valueRange is not in client-go,
# so it is placed next to range.
WIDGET_KEY_ORDER = ("type", "title", "layout", "metric", "graph", "range",
                    "valueRange", "markdown", "referenceLines", "legendList",
                    "fractionSize", "suffix", "formatRules", "roleFullname")

# Required string keys per graph / metric type. "unknown" appears only in GET
# output (deleted role or service), so it is rejected on input.
GRAPH_KINDS = {"host": ("hostId", "name"), "role": ("roleFullname", "name"),
               "service": ("serviceName", "name"), "expression": ("expression",),
               "query": ("query",)}
METRIC_KINDS = {"host": ("hostId", "name"), "service": ("serviceName", "name"),
                "expression": ("expression",), "query": ("query",)}


def _layout(widget, where):
    layout = checks.obj_field(widget, "layout", required=True, where=where)
    inner = where + "layout."
    # Only "integers >= 0" is enforced. The docs say grid overflow, overlaps
    # and size limits make a widget "not display in the position expected";
    # they do not say the API rejects them, so the fake accepts them too.
    return {key: checks.integer(layout, key, lo=0, required=True, where=inner)
            for key in ("x", "y", "width", "height")}


def _source(widget, key, kinds, where):
    """The graph of a graph widget or the metric of a value widget."""
    src = checks.obj_field(widget, key, required=True, where=where)
    inner = f"{where}{key}."
    kind = checks.enum(src, "type", tuple(kinds), required=True, where=inner)
    out = {"type": kind}
    for field in kinds[kind]:
        out[field] = checks.string(src, field, required=True, nonempty=True, where=inner)
    if kind == "role" and src.get("isStacked") is not None:
        out["isStacked"] = checks.boolean(src, "isStacked", where=inner)
    if kind == "query" and src.get("legend") is not None:
        out["legend"] = checks.string(src, "legend", where=inner)  # optional (tf PR #332)
    return out


def _range(widget, where):
    rng = checks.obj_field(widget, "range", where=where)
    if rng is None:
        return None  # no range = user-changeable range
    inner = where + "range."
    kind = checks.enum(rng, "type", ("relative", "absolute"), required=True, where=inner)
    keys = ("period", "offset") if kind == "relative" else ("start", "end")
    out = {"type": kind}
    for key in keys:
        out[key] = checks.integer(rng, key, required=True, where=inner)
    return out


def _value_range(widget, where):
    vr = checks.obj_field(widget, "valueRange", where=where)
    if vr is None:
        return None
    inner = where + "valueRange."
    return {key: checks.number(vr, key, where=inner) for key in ("min", "max")
            if vr.get(key) is not None}


def _reference_lines(widget, where):
    lines = checks.array(widget, "referenceLines", max_items=1, where=where)
    result = []
    for i, line in enumerate(lines or []):
        inner = f"{where}referenceLines[{i}]."
        if not isinstance(line, dict):
            raise ValidationError(f"{where}referenceLines[{i}] must be an object")
        # Docs: 1 character minimum not counting spaces, 32 maximum.
        label = checks.string(line, "label", required=True, nonempty=True,
                              max_len=32, where=inner)
        value = checks.number(line, "value", lo=0, required=True, where=inner)
        result.append({"label": label, "value": value})
    return result  # GET returns [] when unset


def _format_rules(widget, where):
    rules = checks.array(widget, "formatRules", max_items=1, where=where)
    result = []
    for i, rule in enumerate(rules or []):
        inner = f"{where}formatRules[{i}]."
        if not isinstance(rule, dict):
            raise ValidationError(f"{where}formatRules[{i}] must be an object")
        out = {}
        name = checks.string(rule, "name", max_len=32, where=inner)
        if name is not None:
            out["name"] = name
        out["threshold"] = checks.number(rule, "threshold", required=True, where=inner)
        out["operator"] = checks.enum(rule, "operator", (">", "<"), required=True, where=inner)
        result.append(out)
    return result  # GET returns [] when unset


def _string_list(widget, key, where):
    values = checks.array(widget, key, where=where)
    if values is None:
        return None
    if not all(isinstance(v, str) for v in values):
        raise ValidationError(f"{where}{key} must be an array of strings")
    return list(values)


def _widget(widget, where):
    if not isinstance(widget, dict):
        raise ValidationError(f"{where[:-1]} must be an object")
    wtype = checks.enum(widget, "type", WIDGET_TYPES, required=True, where=where)
    # title is listed without "[optional]" for every widget type; "" is fine.
    out = {"type": wtype,
           "title": checks.string(widget, "title", required=True, where=where),
           "layout": _layout(widget, where)}
    if wtype == "graph":
        out["graph"] = _source(widget, "graph", GRAPH_KINDS, where)
        for key, value in (("range", _range(widget, where)),
                           ("valueRange", _value_range(widget, where)),
                           ("legendList", _string_list(widget, "legendList", where))):
            if value is not None:
                out[key] = value
        out["referenceLines"] = _reference_lines(widget, where)
    elif wtype == "value":
        out["metric"] = _source(widget, "metric", METRIC_KINDS, where)
        fraction = checks.integer(widget, "fractionSize", lo=0, hi=16, where=where)
        if fraction is not None:
            out["fractionSize"] = fraction
        suffix = checks.string(widget, "suffix", where=where)
        if suffix is not None:
            out["suffix"] = suffix
        out["formatRules"] = _format_rules(widget, where)
    elif wtype == "markdown":
        out["markdown"] = checks.string(widget, "markdown", required=True, where=where)
    else:  # alertStatus
        out["roleFullname"] = checks.string(widget, "roleFullname", required=True,
                                            nonempty=True, where=where)
    return {key: out[key] for key in WIDGET_KEY_ORDER if key in out}


def normalise(body):
    """Validate a POST/PUT body; return {title, urlPath, memo, widgets}.

    id, createdAt and updatedAt in the body are ignored (mkr push sends the
    whole pulled file back), as are unknown keys.
    """
    if not isinstance(body, dict):
        raise ValidationError("request body must be a JSON object")
    title = checks.string(body, "title", required=True, nonempty=True)
    url_path = checks.string(body, "urlPath", required=True, nonempty=True)
    if not URL_PATH_RE.match(url_path):
        raise ValidationError(f"urlPath must match {URL_PATH_RE.pattern}")
    memo = checks.string(body, "memo") or ""
    # Omitted or null widgets are stored as [] [infer]: what the live API does
    # with "widgets": null (which mkr >= 0.63 can send after a list pull) is
    # unknown; storing [] makes such a push visibly wipe the widgets.
    widgets = checks.array(body, "widgets") or []
    return {"title": title, "urlPath": url_path, "memo": memo,
            "widgets": [_widget(w, f"widgets[{i}].") for i, w in enumerate(widgets)]}


def as_response(dashboard):
    """Key order of §3.7: id, title, urlPath, createdAt, updatedAt, memo, widgets."""
    keys = ("id", "title", "urlPath", "createdAt", "updatedAt", "memo", "widgets")
    return {key: dashboard.get(key) for key in keys}


def as_list_item(dashboard):
    # The list endpoint is modelled WITHOUT widget details: "widgets": null.
    # The 2023 API doc says list items match the create format, but the CLI
    # doc, mkr PR #353 and client-go's fixture all say the list lacks widgets
    # (§3.1). Modelling the stricter case forces clients to GET each id.
    item = as_response(dashboard)
    item["widgets"] = None
    return item
