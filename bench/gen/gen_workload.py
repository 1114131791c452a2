#!/usr/bin/env python3
"""Write the monitorc benchmark workload.

    gen_workload.py OUTDIR

  OUTDIR/flat/       10,000 monitors of all seven kinds written out literally, one block per
                     monitor, over 20 files (hosts-NN.mon, services-NN.mon), plus 100
                     dashboards x 10 widgets (dashboards-NN.mon), all imported by main.mon.
  OUTDIR/templated/  the same 10,000 monitors and 100 dashboards produced by templates with
                     default arguments, `let` maps and lists, nested `for` loops (lists and
                     maps), `if`/`else`, map member access and indexing, and interpolation.

Both trees compile to the same objects in the same order: every value in flat/ is what the
templates in templated/ evaluate to. Maps are written with their keys in sorted order, so
the result does not depend on whether a `for` over a map walks insertion or key order.
The output depends on nothing but this script (no randomness, no clock). It prints the size
of every file it wrote and the totals.

Counts (50 services x 8 roles):
  host              4000  (10 metrics per role)
  connectivity       450  (one per role + one per service for hosts without a role)
  anomaly_detection  400  (one per role)
  expression         800  (two per role)
  service           1500  (30 metrics per service)
  external          1500  (30 URLs per service)
  query             1350  (27 queries per service)
  dashboards         100  (two per service, 10 widgets each)
"""

import os
import sys

# ---------------------------------------------------------------------------------------
# The model. Everything below is data; both writers read it.


class Dur(str):
    """A duration literal, written as is (5m, 1h, 1500ms)."""


def mon_str(s):
    """A .mon string literal whose value is s (no interpolation)."""
    out = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "$" and s[i + 1:i + 2] == "{":
            out.append("\\$")
        else:
            out.append(ch)
        i += 1
    return '"' + "".join(out) + '"'


def lit(v):
    """A .mon literal for a model value."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, Dur):
        return str(v)
    if isinstance(v, str):
        return mon_str(v)
    if isinstance(v, float):
        r = repr(v)
        return r[:-2] if r.endswith(".0") else r
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(lit(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join("%s = %s" % (key(k), lit(e)) for k, e in v.items()) + " }"
    raise TypeError(v)


def key(k):
    ok = k[:1].isalpha() or k[:1] == "_"
    ok = ok and all(c.isalnum() or c == "_" for c in k) and k.isascii()
    return k if ok else mon_str(k)


WORDS = ["ads", "auth", "blog", "chat", "game", "mail", "media", "pay", "search", "shop"]
REGIONS = ["eu", "jp", "kr", "tw", "us"]
SERVICES = ["%s-%s" % (w, r) for w in WORDS for r in REGIONS]          # 50, sorted
ROLES = ["api", "batch", "cache", "db", "proxy", "search", "web", "worker"]  # 8, sorted
GROUPS = [SERVICES[i:i + 5] for i in range(0, 50, 5)]                   # 10 files each side

ROLE_ATTEMPTS = {"api": 2, "batch": 3, "cache": 1, "db": 3, "proxy": 1, "search": 2,
                 "web": 1, "worker": 2}
ROLE_INTERVAL = {"api": Dur("30m"), "batch": Dur("3h"), "cache": Dur("1h"), "db": Dur("10m"),
                 "proxy": Dur("30m"), "search": Dur("1h"), "web": Dur("1h"),
                 "worker": Dur("2h")}
ROLE_GONE = {"api": "warning", "batch": "warning", "cache": "critical", "db": "critical",
             "proxy": "critical", "search": "warning", "web": "warning", "worker": "warning"}
ROLE_SENS = {"api": "normal", "batch": "insensitive", "cache": "normal", "db": "sensitive",
             "proxy": "normal", "search": "insensitive", "web": "normal",
             "worker": "insensitive"}

# host metrics: key -> {metric, op, warn, crit, window}
HOST_METRICS = {
    "cpu": {"metric": "cpu%", "op": ">", "warn": 80, "crit": 95, "window": Dur("5m")},
    "cpu_container": {"metric": "container-cpu%", "op": ">", "warn": 80, "crit": 95,
                      "window": Dur("3m")},
    "disk": {"metric": "disk%", "op": ">", "warn": 80, "crit": 90, "window": Dur("10m")},
    "iowait": {"metric": "cpu.iowait.percentage", "op": ">", "warn": 20, "crit": None,
               "window": Dur("5m")},
    "load15": {"metric": "loadavg15", "op": ">", "warn": 6, "crit": 12, "window": Dur("10m")},
    "load5": {"metric": "loadavg5", "op": ">", "warn": 8, "crit": 16, "window": Dur("5m")},
    "mem_available": {"metric": "memory.available", "op": "<", "warn": None,
                      "crit": 536870912, "window": Dur("2m")},
    "memory": {"metric": "memory%", "op": ">", "warn": 85.5, "crit": 95, "window": Dur("5m")},
    "rx": {"metric": "interface.eth0.rxBytes.delta", "op": ">", "warn": 100000000,
           "crit": 200000000, "window": Dur("5m")},
    "swap": {"metric": "swap%", "op": ">", "warn": 10, "crit": 40, "window": Dur("5m")},
}
assert list(HOST_METRICS) == sorted(HOST_METRICS)


def _service_metrics():
    out = {}
    names = ["access.2xx", "access.3xx", "access.4xx", "access.5xx", "cart.abandoned",
             "db.pool.wait", "errors.js", "jobs.failed", "jobs.retry", "latency.p50",
             "latency.p90", "latency.p99", "login.failed", "mail.bounced", "mail.queue",
             "orders.created", "payments.failed", "payments.ok", "queue.default",
             "queue.low", "queue.urgent", "search.empty", "search.slow", "sessions.active",
             "signup.created", "stock.low", "upload.failed", "webhook.failed",
             "webhook.retry", "ws.connections"]
    for i, n in enumerate(names):
        drop = n in ("orders.created", "payments.ok", "sessions.active", "signup.created")
        m = {"metric": n, "op": "<" if drop else ">",
             "warn": (10 if drop else 100 * (i + 1)) if i % 7 != 3 else None,
             "crit": (2 if drop else 500 * (i + 1)) if i % 7 != 5 else None,
             "points": 1 + i % 10, "missing": i % 3 == 0,
             "mw": Dur(["10m", "30m", "1h", "6h", "1d"][i % 5]),
             "mc": Dur(["1h", "2h", "12h", "1d", "7d"][i % 5])}
        if m["warn"] is None and m["crit"] is None:
            m["crit"] = 1000
        out[n.replace(".", "_")] = m
    assert list(out) == sorted(out) and len(out) == 30
    return out


SERVICE_METRICS = _service_metrics()


def _paths():
    out = {}
    pages = ["about", "account", "api_health", "api_v1", "api_v2", "blog", "cart", "checkout",
             "contact", "faq", "feed", "help", "home", "images", "invoice", "login", "logout",
             "news", "orders", "pricing", "privacy", "profile", "search", "settings",
             "signup", "sitemap", "status", "terms", "upload", "webhooks"]
    for i, p in enumerate(pages):
        out[p] = {"path": "/" + p.replace("_", "/") + ("?probe=1&src=mackerel" if i % 4 == 0
                                                       else ""),
                  "contains": ["OK", "<title>", "\"ok\":true", "ログイン"][i % 4],
                  "status": [200, 200, 301, 401][i % 4],
                  "timed": i % 3 == 0,
                  "rt_warn": Dur(["500ms", "800ms", "1500ms"][i % 3]),
                  "rt_crit": Dur(["2s", "3s", "5s"][i % 3]),
                  "method": ["GET", "GET", "POST", "GET", "PUT"][i % 5]}
    assert list(out) == sorted(out) and len(out) == 30
    return out


PATHS = _paths()


def _queries():
    out = {}
    metrics = ["container.cpu.utilization", "container.memory.usage", "db.client.duration",
               "http.client.duration", "http.server.active_requests",
               "http.server.request.duration", "jvm.gc.duration", "jvm.memory.used",
               "kafka.consumer.lag", "messaging.backlog", "process.cpu.time",
               "process.open_fds", "redis.clients", "redis.memory.used", "rpc.server.duration",
               "runtime.goroutines", "system.cpu.utilization", "system.disk.io",
               "system.filesystem.utilization", "system.memory.utilization",
               "system.network.errors", "system.paging.faults", "k8s.pod.restarts",
               "k8s.node.pressure", "nginx.requests", "php.fpm.queue", "ruby.gc.count"]
    for i, name in enumerate(metrics):
        out[name.replace(".", "_")] = {
            "metric": name, "legend": ["{{host.name}}", "{{k8s.pod.name}}", ""][i % 3],
            "op": ">" if i % 5 else "<",
            "warn": 70 if i % 5 else 30, "crit": (90 if i % 5 else 10) if i % 4 else None,
            "back": Dur(["0m", "1m", "2m", "5m"][i % 4])}
    out = dict(sorted(out.items()))
    assert len(out) == 27
    return out


QUERIES = _queries()

HEADERS = {"Cache-Control": "no-cache", "X-Probe": "mackerel&bench"}


# ---------------------------------------------------------------------------------------
# Expansion: what one template call produces (used by the flat writer). Each function
# returns (kind, name, [(field, value)]). The templated writer writes the same fields.


def host_monitor(svc, role, k, m, attempts, interval):
    return ("host", "%s %s: %s" % (svc, role, k), [
        ("metric", m["metric"]), ("operator", m["op"]), ("warning", m["warn"]),
        ("critical", m["crit"]), ("duration", m["window"]), ("max_check_attempts", attempts),
        ("scopes", ["%s:%s" % (svc, role)]), ("notification_interval", interval),
        ("memo", "WHY: %s on %s:%s crossed its threshold (%s %s).\nDO: follow "
                 "https://wiki.example.com/runbooks/%s for role %s; escalate in "
                 "#%s-oncall after 30 min. Template: ${host_metric}."
         % (k, svc, role, m["metric"], m["op"], k, role, svc))])


def role_connectivity(svc, role, gone):
    return ("connectivity", "%s %s: connectivity" % (svc, role), [
        ("scopes", ["%s:%s" % (svc, role)]), ("alert_status_on_gone", gone),
        ("notification_interval", Dur("30m")),
        ("memo", "WHY: a %s host of %s stopped posting metrics.\nDO: ssh in, restart "
                 "mackerel-agent; retire the host if it was removed on purpose." % (role, svc))])


def service_connectivity(svc):
    return ("connectivity", "%s: connectivity (no role)" % svc, [
        ("scopes", [svc]), ("exclude_scopes", ["%s:%s" % (svc, r) for r in ROLES]),
        ("memo", "Hosts of %s without a role stopped posting metrics. Give them a role or "
                 "retire them." % svc)])


def anomaly(svc, role, sens, attempts=3):
    return ("anomaly_detection", "%s %s: anomaly" % (svc, role), [
        ("scopes", ["%s:%s" % (svc, role)]), ("warning_sensitivity", sens),
        ("max_check_attempts", attempts), ("training_period_from", 1767225600),
        ("notification_interval", Dur("2h")),
        ("memo", "WHY: %s:%s behaves unlike its usual weekly pattern.\nDO: compare with its "
                 "siblings on the %s dashboard." % (svc, role, svc))])


def expressions(svc, role):
    return [
        ("expression", "%s %s: average load" % (svc, role), [
            ("expression", 'avg(roleSlots("%s:%s","loadavg5"))' % (svc, role)),
            ("operator", ">"), ("warning", 6), ("critical", 12),
            ("evaluate_backward_minutes", Dur("2m")),
            ("memo", "Average 5-minute load over the %s hosts of %s." % (role, svc))]),
        ("expression", "%s %s: max user cpu" % (svc, role), [
            ("expression", "max(role(%s:%s, cpu.user.percentage))" % (svc, role)),
            ("operator", ">"), ("warning", 90), ("critical", None),
            ("evaluate_backward_minutes", Dur("5m")),
            ("memo", "The busiest %s host of %s, user CPU only." % (role, svc))]),
    ]


def service_monitor(svc, k, m):
    fields = [("service", svc), ("metric", m["metric"]), ("operator", m["op"]),
              ("warning", m["warn"]), ("critical", m["crit"]), ("duration", m["points"])]
    if m["missing"]:
        fields += [("missing_duration_warning", m["mw"]), ("missing_duration_critical", m["mc"])]
    fields += [("notification_interval", Dur("1h")),
               ("memo", "WHY: %s of %s is out of range.\nDO: see the %s dashboard, then "
                        "https://wiki.example.com/metrics/%s." % (m["metric"], svc, svc, k))]
    return ("service", "%s: %s" % (svc, m["metric"]), fields)


def external_monitor(svc, k, p):
    fields = [("url", "https://%s.example.com%s" % (svc, p["path"])),
              ("method", p["method"]), ("contains_string", p["contains"]),
              ("expected_status_code", p["status"]), ("headers", HEADERS)]
    if p["timed"]:
        fields += [("service", svc), ("response_time_warning", p["rt_warn"]),
                   ("response_time_critical", p["rt_crit"]),
                   ("response_time_duration", Dur("5m")),
                   ("certification_expiration_warning", Dur("30d")),
                   ("certification_expiration_critical", Dur("7d"))]
    fields += [("max_check_attempts", 2),
               ("memo", "WHY: %s%s of %s does not answer as expected from outside.\nDO: open "
                        "it in a browser, then check the last deploy." % (svc, p["path"], svc))]
    return ("external", "%s: page %s" % (svc, k), fields)


def query_monitor(svc, k, q):
    return ("query", "%s: %s" % (svc, k), [
        ("query", '%s{service.name="%s"}' % (q["metric"], svc)), ("legend", q["legend"]),
        ("operator", q["op"]), ("warning", q["warn"]), ("critical", q["crit"]),
        ("evaluate_backward_minutes", q["back"]),
        ("memo", "OpenTelemetry metric %s of %s." % (q["metric"], svc))])


def host_side(svc):
    out = []
    for role in ROLES:
        for k, m in HOST_METRICS.items():
            out.append(host_monitor(svc, role, k, m, ROLE_ATTEMPTS[role], ROLE_INTERVAL[role]))
        out.append(role_connectivity(svc, role, ROLE_GONE[role]))
        out.append(anomaly(svc, role, ROLE_SENS[role]))
    out.append(service_connectivity(svc))
    return out


def service_side(svc):
    out = []
    for k, m in SERVICE_METRICS.items():
        out.append(service_monitor(svc, k, m))
    for k, p in PATHS.items():
        out.append(external_monitor(svc, k, p))
    for role in ROLES:
        out.extend(expressions(svc, role))
    for k, q in QUERIES.items():
        out.append(query_monitor(svc, k, q))
    return out


DASH_ROLES = ["api", "db", "web", "worker"]


def dashboards(svc):
    """Two dashboards per service; rows of (height, [(kind, title, fields)])."""
    overview = [
        (3, [("markdown", "About %s" % svc, [
            ("text", "# %s\nOwners: #%s-oncall & friends. Runbooks: "
                     "https://wiki.example.com/%s" % (svc, svc, svc))])]),
        (4, [("value", "2xx / min", [("service", svc), ("metric", "access.2xx"),
                                      ("fraction_size", 0), ("suffix", "req")]),
             ("value", "5xx / min", [("service", svc), ("metric", "access.5xx"),
                                      ("fraction_size", 1),
                                      ("format_rules", [{"name": "bad", "threshold": 10,
                                                         "operator": ">"}])]),
             ("value", "error ratio", [("expression", "scale(divide(service(%s, access.5xx), "
                                                      "service(%s, access.2xx)), 100)"
                                        % (svc, svc)),
                                       ("fraction_size", 2), ("suffix", "%")]),
             ("value", "p99", [("query", 'max(http.server.request.duration{service.name="%s"})'
                                % svc), ("legend", "p99"), ("suffix", "s")])]),
        (6, [("graph", "web CPU", [("role", "%s:web" % svc), ("metric", "cpu"),
                                    ("stacked", True), ("range", {"period": Dur("6h")})]),
             ("graph", "access", [("service", svc), ("metric", "access"),
                                   ("legend_list", ["access.2xx", "access.5xx"])]),
             ("graph", "error ratio", [("expression", "scale(divide(service(%s, access.5xx), "
                                                      "service(%s, access.2xx)), 100)"
                                        % (svc, svc)),
                                       ("value_range", {"min": 0, "max": 10}),
                                       ("reference_lines", [{"label": "SLO", "value": 1}])])]),
        (4, [("alert_status", "web alerts", [("role", "%s:web" % svc)]),
             ("alert_status", "db alerts", [("role", "%s:db" % svc)])]),
    ]
    roles = [
        (7, [("graph", "load: %s" % r, [("role", "%s:%s" % (svc, r)), ("metric", "loadavg5"),
                                        ("range", {"period": Dur("1d"), "offset": Dur("-1h")})])
             for r in DASH_ROLES]),
        (4, [("alert_status", "alerts: %s" % r, [("role", "%s:%s" % (svc, r))])
             for r in DASH_ROLES]),
        (8, [("graph", "request duration by route", [
                ("query", 'http.server.request.duration{service.name="%s"}' % svc),
                ("legend", "{{http.route}}"),
                ("range", {"start": 1767225600, "end": 1767312000})]),
             ("markdown", "notes", [("text", "Roles of %s: api, db, web, worker." % svc)])]),
    ]
    return [("%s: overview" % svc, "bench/%s/overview" % svc, overview),
            ("%s: roles" % svc, "bench/%s/roles" % svc, roles)]


# ---------------------------------------------------------------------------------------
# flat/


def write_monitor(out, kind, name, fields):
    out.append('monitor %s %s {\n' % (kind, mon_str(name)))
    for f, v in fields:
        out.append("  %s = %s\n" % (f, lit(v)))
    out.append("}\n")


def write_dashboard(out, title, path, rows):
    out.append("dashboard %s {\n  url_path = %s\n" % (mon_str(title), mon_str(path)))
    for height, widgets in rows:
        out.append("  row {\n    height = %d\n" % height)
        for kind, wtitle, fields in widgets:
            out.append("    %s %s {\n" % (kind, mon_str(wtitle)))
            for f, v in fields:
                out.append("      %s = %s\n" % (f, lit(v)))
            out.append("    }\n")
        out.append("  }\n")
    out.append("}\n")


HEADER = "# Generated by bench/gen/gen_workload.py. Do not edit.\n"
TARGET = 'target local "bench" { dir = ".monitorc/bench" }\n'


def flat_files():
    files = {}
    for gi, group in enumerate(GROUPS, 1):
        out = [HEADER]
        for svc in group:
            out.append("\n# ---- %s: hosts\n" % svc)
            for mon in host_side(svc):
                write_monitor(out, *mon)
        files["hosts-%02d.mon" % gi] = "".join(out)
    for gi, group in enumerate(GROUPS, 1):
        out = [HEADER]
        for svc in group:
            out.append("\n# ---- %s: service\n" % svc)
            for mon in service_side(svc):
                write_monitor(out, *mon)
        files["services-%02d.mon" % gi] = "".join(out)
    for gi in range(5):
        out = [HEADER]
        for svc in SERVICES[gi * 10:(gi + 1) * 10]:
            for d in dashboards(svc):
                write_dashboard(out, *d)
        files["dashboards-%02d.mon" % (gi + 1)] = "".join(out)
    main = [HEADER, TARGET, "\n"]
    main += ['import "%s"\n' % n for n in files]
    files["main.mon"] = "".join(main)
    return files


# ---------------------------------------------------------------------------------------
# templated/


def let(name, v):
    if isinstance(v, dict) and v and all(isinstance(e, dict) for e in v.values()):
        body = "".join("  %s = %s\n" % (key(k), lit(e)) for k, e in v.items())
        return "let %s = {\n%s}\n" % (name, body)
    if isinstance(v, list) and len(v) > 8:
        rows = [", ".join(lit(e) for e in v[i:i + 8]) for i in range(0, len(v), 8)]
        return "let %s = [\n  %s,\n]\n" % (name, ",\n  ".join(rows))
    return "let %s = %s\n" % (name, lit(v))


T_HOSTS = HEADER + """
# Host side: 50 services x 8 roles x (10 host metrics + connectivity + anomaly detection),
# plus one connectivity monitor per service for hosts without a role.

%(lets)s
template host_metric(svc, role, key, m, attempts = 1, interval = 1h) {
  monitor host "${svc} ${role}: ${key}" {
    metric   = m.metric
    operator = m.op
    warning  = m.warn
    critical = m.crit
    duration = m.window
    max_check_attempts = attempts
    scopes   = ["${svc}:${role}"]
    notification_interval = interval
    memo = "WHY: ${key} on ${svc}:${role} crossed its threshold (${m.metric} ${m.op}).\\nDO: follow https://wiki.example.com/runbooks/${key} for role ${role}; escalate in #${svc}-oncall after 30 min. Template: \\${host_metric}."
  }
}

template role_connectivity(svc, role, gone = "critical") {
  monitor connectivity "${svc} ${role}: connectivity" {
    scopes = ["${svc}:${role}"]
    alert_status_on_gone = gone
    notification_interval = 30m
    memo = "WHY: a ${role} host of ${svc} stopped posting metrics.\\nDO: ssh in, restart mackerel-agent; retire the host if it was removed on purpose."
  }
}

template anomaly(svc, role, sens = "normal", attempts = 3) {
  monitor anomaly_detection "${svc} ${role}: anomaly" {
    scopes = ["${svc}:${role}"]
    warning_sensitivity = sens
    max_check_attempts = attempts
    training_period_from = 1767225600
    notification_interval = 2h
    memo = "WHY: ${svc}:${role} behaves unlike its usual weekly pattern.\\nDO: compare with its siblings on the ${svc} dashboard."
  }
}

for svc in host_services {
  for role in host_roles {
    for key, m in host_metrics {
      use host_metric(svc, role, key, m, attempts = role_attempts[role], interval = role_interval[role])
    }
    use role_connectivity(svc, role, role_gone[role])
    use anomaly(svc, role, sens = role_sens[role])
  }
  monitor connectivity "${svc}: connectivity (no role)" {
    scopes = [svc]
    exclude_scopes = [%(excl)s]
    memo = "Hosts of ${svc} without a role stopped posting metrics. Give them a role or retire them."
  }
}
"""

T_SERVICES = HEADER + """
# Service side: per service 30 service metrics, 30 external checks, 2 expressions per role
# and 27 query monitors.

%(lets)s
template service_metric(svc, key, m, interval = 1h) {
  monitor service "${svc}: ${m.metric}" {
    service  = svc
    metric   = m.metric
    operator = m.op
    warning  = m.warn
    critical = m.crit
    duration = m.points
    if m.missing {
      missing_duration_warning  = m.mw
      missing_duration_critical = m.mc
    }
    notification_interval = interval
    memo = "WHY: ${m.metric} of ${svc} is out of range.\\nDO: see the ${svc} dashboard, then https://wiki.example.com/metrics/${key}."
  }
}

template page_check(svc, key, p, attempts = 2) {
  monitor external "${svc}: page ${key}" {
    url    = "https://${svc}.example.com${p.path}"
    method = p.method
    contains_string = p.contains
    expected_status_code = p.status
    headers = check_headers
    if p.timed {
      service = svc
      response_time_warning  = p.rt_warn
      response_time_critical = p.rt_crit
      response_time_duration = 5m
      certification_expiration_warning  = 30d
      certification_expiration_critical = 7d
    }
    max_check_attempts = attempts
    memo = "WHY: ${svc}${p.path} of ${svc} does not answer as expected from outside.\\nDO: open it in a browser, then check the last deploy."
  }
}

template role_expressions(svc, role) {
  monitor expression "${svc} ${role}: average load" {
    expression = "avg(roleSlots(\\"${svc}:${role}\\",\\"loadavg5\\"))"
    operator = ">"
    warning  = 6
    critical = 12
    evaluate_backward_minutes = 2m
    memo = "Average 5-minute load over the ${role} hosts of ${svc}."
  }
  monitor expression "${svc} ${role}: max user cpu" {
    expression = "max(role(${svc}:${role}, cpu.user.percentage))"
    operator = ">"
    warning  = 90
    critical = null
    evaluate_backward_minutes = 5m
    memo = "The busiest ${role} host of ${svc}, user CPU only."
  }
}

template otel_query(svc, key, q) {
  monitor query "${svc}: ${key}" {
    query    = "${q.metric}{service.name=\\"${svc}\\"}"
    legend   = q.legend
    operator = q.op
    warning  = q.warn
    critical = q.crit
    evaluate_backward_minutes = q.back
    memo = "OpenTelemetry metric ${q.metric} of ${svc}."
  }
}

for svc in svc_services {
  for key, m in service_metrics { use service_metric(svc, key, m) }
  for key, p in paths { use page_check(svc, key, p) }
  for role in svc_roles { use role_expressions(svc, role) }
  for key, q in queries { use otel_query(svc, key, q) }
}
"""

T_DASH = HEADER + """
# 100 dashboards: an overview and a roles dashboard per service, 10 widgets each.

%(lets)s
for svc in dash_services {
  dashboard "${svc}: overview" {
    url_path = "bench/${svc}/overview"
    row {
      height = 3
      markdown "About ${svc}" {
        text = "# ${svc}\\nOwners: #${svc}-oncall & friends. Runbooks: https://wiki.example.com/${svc}"
      }
    }
    row {
      height = 4
      value "2xx / min" {
        service = svc
        metric = "access.2xx"
        fraction_size = 0
        suffix = "req"
      }
      value "5xx / min" {
        service = svc
        metric = "access.5xx"
        fraction_size = 1
        format_rules = [{ name = "bad", threshold = 10, operator = ">" }]
      }
      value "error ratio" {
        expression = "scale(divide(service(${svc}, access.5xx), service(${svc}, access.2xx)), 100)"
        fraction_size = 2
        suffix = "%%"
      }
      value "p99" {
        query = "max(http.server.request.duration{service.name=\\"${svc}\\"})"
        legend = "p99"
        suffix = "s"
      }
    }
    row {
      height = 6
      graph "web CPU" {
        role = "${svc}:web"
        metric = "cpu"
        stacked = true
        range = { period = 6h }
      }
      graph "access" {
        service = svc
        metric = "access"
        legend_list = ["access.2xx", "access.5xx"]
      }
      graph "error ratio" {
        expression = "scale(divide(service(${svc}, access.5xx), service(${svc}, access.2xx)), 100)"
        value_range = { min = 0, max = 10 }
        reference_lines = [{ label = "SLO", value = 1 }]
      }
    }
    row {
      height = 4
      alert_status "web alerts" { role = "${svc}:web" }
      alert_status "db alerts" { role = "${svc}:db" }
    }
  }

  dashboard "${svc}: roles" {
    url_path = "bench/${svc}/roles"
    row {
      height = 7
      for role in dash_roles {
        graph "load: ${role}" {
          role = "${svc}:${role}"
          metric = "loadavg5"
          range = { period = 1d, offset = -1h }
        }
      }
    }
    row {
      height = 4
      for role in dash_roles {
        alert_status "alerts: ${role}" { role = "${svc}:${role}" }
      }
    }
    row {
      height = 8
      graph "request duration by route" {
        query = "http.server.request.duration{service.name=\\"${svc}\\"}"
        legend = "{{http.route}}"
        range = { start = 1767225600, end = 1767312000 }
      }
      markdown "notes" { text = "Roles of ${svc}: api, db, web, worker." }
    }
  }
}
"""


def templated_files():
    # Each file declares the lets it uses (a `let` is not assumed to be visible in other
    # files), and no two files use the same let name (nor is one assumed to be invisible).
    host_lets = "".join([
        let("host_services", SERVICES), let("host_roles", ROLES),
        let("role_attempts", ROLE_ATTEMPTS), let("role_interval", ROLE_INTERVAL),
        let("role_gone", ROLE_GONE), let("role_sens", ROLE_SENS),
        let("host_metrics", HOST_METRICS)])
    excl = ", ".join('"${svc}:%s"' % r for r in ROLES)
    svc_lets = "".join([
        let("svc_services", SERVICES), let("svc_roles", ROLES),
        let("service_metrics", SERVICE_METRICS), let("paths", PATHS),
        let("queries", QUERIES), let("check_headers", HEADERS)])
    dash_lets = "".join([let("dash_services", SERVICES), let("dash_roles", DASH_ROLES)])
    files = {
        "hosts.mon": T_HOSTS % {"lets": host_lets, "excl": excl},
        "services.mon": T_SERVICES % {"lets": svc_lets},
        "dashboards.mon": T_DASH % {"lets": dash_lets},
    }
    files["main.mon"] = HEADER + TARGET + "\n" + "".join(
        'import "%s"\n' % n for n in ["hosts.mon", "services.mon", "dashboards.mon"])
    return files


# ---------------------------------------------------------------------------------------


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print("usage: gen_workload.py OUTDIR", file=sys.stderr)
        sys.exit(2)
    outdir = sys.argv[1]
    counts = {}
    for svc in SERVICES:
        for kind, _, _ in host_side(svc) + service_side(svc):
            counts[kind] = counts.get(kind, 0) + 1
    assert sum(counts.values()) == 10000, counts
    total = {}
    for tree, files in (("flat", flat_files()), ("templated", templated_files())):
        d = os.path.join(outdir, tree)
        os.makedirs(d, exist_ok=True)
        nb = nl = 0
        for name, text in files.items():
            data = text.encode("utf-8")
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            lines = text.count("\n")
            nb += len(data)
            nl += lines
            print("%10d bytes %8d lines  %s" % (len(data), lines, os.path.join(tree, name)))
        total[tree] = (len(files), nb, nl)
    print()
    for tree, (n, nb, nl) in total.items():
        print("%-10s %3d files %10d bytes %8d lines" % (tree, n, nb, nl))
    print("monitors per tree: %d (%s); dashboards: %d x 10 widgets" % (
        sum(counts.values()),
        ", ".join("%s %d" % kv for kv in sorted(counts.items())), 2 * len(SERVICES)))


if __name__ == "__main__":
    main()
