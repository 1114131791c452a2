"""Byte-exact imitation of the JSON that mkr writes (Go encoding/json + mkr's tweaks).

Used by gen_pull_files.py and gen_dashboards.py. Python 3 standard library only.

Rules implemented (see README.md in this directory for the reasoning):
  * json.MarshalIndent(v, prefix, indent): one member/element per line, "key": value,
    empty arrays and objects as [] and {}.
  * strings: Go's encoder with HTML escaping on, then mkr's replacer turns \\u003c and \\u003e
    back into < and >, so only & stays escaped (\\u0026). U+2028/U+2029 are escaped, control
    characters use \\b \\f \\n \\r \\t or \\u00XX (lowercase hex), everything else (non-ASCII
    included) is written as raw UTF-8.
  * float64 numbers: strconv 'f' format with the shortest precision that round-trips, or 'e'
    format below 1e-6 and from 1e21 up, with a one-digit negative exponent ("1e-7").
  * integers (Go uint64/int fields) are written as plain integers.
"""

import decimal
import math


class Float(float):
    """A value that Go holds as float64 (thresholds, response times, format rule
    thresholds). Plain Python ints are written as integers, plain floats as Float."""


_SHORT = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def go_string(s):
    """The string as Go's encoding/json writes it with HTML escaping on (before mkr's
    angle-bracket replacement)."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif c < 0x20:
            out.append(_SHORT.get(ch) or "\\u%04x" % c)
        elif ch in "<>&":
            out.append("\\u%04x" % c)
        elif c in (0x2028, 0x2029):
            out.append("\\u%04x" % c)
        elif 0xD800 <= c <= 0xDFFF:
            out.append("\\ufffd")  # Go replaces invalid UTF-8 (lone surrogates) with U+FFFD
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_float(x):
    """A float64 as Go's encoding/json writes it."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("json: unsupported value: %r" % x)
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    d = decimal.Decimal(repr(x))  # repr gives the shortest round-tripping digits
    a = abs(x)
    if a < 1e-6 or a >= 1e21:
        sign, digits, exp = d.as_tuple()
        ds = "".join(map(str, digits)).rstrip("0") or "0"
        e10 = exp + len(digits) - 1
        mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        s = ("-" if sign else "") + mant + "e" + "%+03d" % e10
        if s[-4] == "e" and s[-3] == "-" and s[-2] == "0":  # e-07 -> e-7
            s = s[:-2] + s[-1]
        return s
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def _encode(v, prefix, indent, depth, out):
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, float):  # Float and plain float
        out.append(go_float(v))
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, str):
        out.append(go_string(v))
    elif isinstance(v, (list, tuple)):
        if not v:
            out.append("[]")
            return
        out.append("[")
        for i, e in enumerate(v):
            out.append("\n" + prefix + indent * (depth + 1))
            _encode(e, prefix, indent, depth + 1, out)
            if i + 1 < len(v):
                out.append(",")
        out.append("\n" + prefix + indent * depth + "]")
    elif isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        out.append("{")
        items = list(v.items())
        for i, (k, e) in enumerate(items):
            out.append("\n" + prefix + indent * (depth + 1) + go_string(k) + ": ")
            _encode(e, prefix, indent, depth + 1, out)
            if i + 1 < len(items):
                out.append(",")
        out.append("\n" + prefix + indent * depth + "}")
    else:
        raise TypeError("cannot encode %r" % (v,))


def marshal_indent(v, prefix="", indent="    "):
    """json.MarshalIndent. Dict key order is kept as given (Go struct field order)."""
    out = []
    _encode(v, prefix, indent, 0, out)
    return "".join(out)


def mkr_marshal_indent(v, prefix="", indent="    "):
    """mkr's format.JSONMarshalIndent: MarshalIndent, then \\u003c -> < and \\u003e -> >
    (a plain textual replacement over the whole output, exactly as strings.NewReplacer)."""
    s = marshal_indent(v, prefix, indent)
    return s.replace("\\u003c", "<").replace("\\u003e", ">")
