#!/usr/bin/env python3
"""Generate valid `mkr monitors pull` files, byte for byte as mkr writes them.

    gen_pull_files.py OUTDIR [--count N] [--seed S] [--no-dualstack]

Writes OUTDIR/monitors-000.json ... (N files, default 60). The output depends only on
--count, --seed and --no-dualstack: same arguments, same bytes.

Every file is {"monitors": [...]} as `mkr monitors pull` writes it after the Mackerel API
returned the monitors: mackerel-client-go struct key order per type, zero values omitted,
warning/critical null when unset, server defaults echoed (maxCheckAttempts, method,
alertStatusOnGone, headers), ids present, scopes as "Service: role", the list ordered by
type then name, 4-space indent, trailing newline, Go string and number formatting.
See README.md for the rules and the assumptions behind them.

Each file is a valid, importable monitor set: values are inside the API's limits and
names are unique within the file (a .mon file needs unique monitor names).
File 000 is a fixed "kitchen sink" that contains every feature at least once; the others
are random mixes. The script checks its own output (parse back, key order, coverage).
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gojson import Float, mkr_marshal_indent  # noqa: E402

# Order of the monitor list returned by GET /api/v0/monitors: "monitor type -> name (same as
# the list of monitors on mackerel.io)". The type order follows the API docs' list example
# (host, connectivity, service, external, expression), then the later types.
TYPE_ORDER = ["host", "connectivity", "service", "external", "expression",
              "anomalyDetection", "query"]

# Field order and omission rule per type: mackerel-client-go monitors.go struct tags.
#   str/bool/uint : omitempty (absent when "", false, 0)
#   nullable      : *float64 without omitempty: always present, null when unset
#   ptr           : pointer with omitempty: present when set, 0 included
#   list          : []string omitempty: absent when empty
#   list_always   : []string without omitempty (anomaly scopes)
#   headers       : []HeaderField without omitempty: null when nil, [] when empty
COMMON = [("id", "str"), ("name", "str"), ("memo", "str")]
HEAD = [("type", "str"), ("isMute", "bool"), ("notificationInterval", "uint")]
FIELDS = {
    "connectivity": COMMON + [("alertStatusOnGone", "str")] + HEAD + [
        ("scopes", "list"), ("excludeScopes", "list")],
    "host": COMMON + HEAD + [
        ("metric", "str"), ("operator", "str"), ("warning", "nullable"),
        ("critical", "nullable"), ("duration", "uint"), ("maxCheckAttempts", "uint"),
        ("scopes", "list"), ("excludeScopes", "list")],
    "service": COMMON + HEAD + [
        ("service", "str"), ("metric", "str"), ("operator", "str"), ("warning", "nullable"),
        ("critical", "nullable"), ("duration", "uint"), ("maxCheckAttempts", "uint"),
        ("missingDurationWarning", "uint"), ("missingDurationCritical", "uint")],
    "external": COMMON + HEAD + [
        ("method", "str"), ("url", "str"), ("maxCheckAttempts", "uint"), ("service", "str"),
        ("responseTimeCritical", "ptr"), ("responseTimeWarning", "ptr"),
        ("responseTimeDuration", "ptr"), ("requestBody", "str"), ("containsString", "str"),
        ("certificationExpirationCritical", "ptr"), ("certificationExpirationWarning", "ptr"),
        ("skipCertificateVerification", "bool"), ("followRedirect", "bool"),
        ("expectedStatusCode", "ptr"), ("headers", "headers"),
        # Not in mackerel-client-go yet (mkr drops it today). Placed last, where a new
        # struct field would go; --no-dualstack leaves it out entirely.
        ("dualstack", "str")],
    "expression": COMMON + HEAD + [
        ("expression", "str"), ("operator", "str"), ("warning", "nullable"),
        ("critical", "nullable"), ("evaluateBackwardMinutes", "ptr")],
    "anomalyDetection": COMMON + HEAD + [
        ("warningSensitivity", "str"), ("criticalSensitivity", "str"),
        ("trainingPeriodFrom", "uint"), ("maxCheckAttempts", "uint"),
        ("scopes", "list_always")],
    "query": COMMON + HEAD + [
        ("query", "str"), ("operator", "str"), ("warning", "nullable"),
        ("critical", "nullable"), ("legend", "str"), ("evaluateBackwardMinutes", "ptr")],
}

FLOAT_KEYS = {"warning", "critical", "responseTimeCritical", "responseTimeWarning"}

# --------------------------------------------------------------------------------------
# Serialization


def serialize_monitor(m):
    """Monitor dict (API keys, unset = missing or None) -> ordered dict as client-go writes
    it."""
    out = {}
    known = {k for k, _ in FIELDS[m["type"]]}
    extra = set(m) - known
    if extra:
        raise ValueError("unknown keys for %s: %s" % (m["type"], sorted(extra)))
    for key, rule in FIELDS[m["type"]]:
        v = m.get(key)
        if key in FLOAT_KEYS and v is not None:
            v = Float(v)
        if rule in ("str", "bool", "uint"):
            if v:
                out[key] = v
        elif rule == "nullable":
            out[key] = v
        elif rule == "ptr":
            if v is not None:
                out[key] = v
        elif rule == "list":
            if v:
                out[key] = list(v)
        elif rule == "list_always":
            out[key] = None if v is None else list(v)
        elif rule == "headers":
            out[key] = None if v is None else [{"name": n, "value": val} for n, val in v]
        else:
            raise AssertionError(rule)
    return out


def sort_key(m):
    return (TYPE_ORDER.index(m["type"]), m["name"])


def render_file(monitors):
    ms = sorted(monitors, key=sort_key)
    return mkr_marshal_indent({"monitors": [serialize_monitor(m) for m in ms]}) + "\n"


# --------------------------------------------------------------------------------------
# Vocabulary

SERVICES = ["crowdfund", "Blog", "My-Service", "shop_2", "internal-tools"]
ROLES = {
    "crowdfund": ["web", "api", "db", "batch"],
    "Blog": ["app", "proxy", "db-master", "db-backup"],
    "My-Service": ["proxy", "worker"],
    "shop_2": ["front", "cart", "redis"],
    "internal-tools": ["ci", "grafana"],
}
COMPARATIVE = ["cpu%", "memory%", "disk%", "swap%", "container-cpu%", "container-memory%"]
HOST_METRICS = [  # (metric, typical warning, typical critical)
    ("loadavg5", 4, 8), ("loadavg15", 3, 6), ("disk.aa-00.writes.delta", 20000, 400000),
    ("interface.eth0.rxBytes.delta", 125000000, 250000000),
    ("memory.used", 30000000000, 60000000000), ("custom.nginx.requests.requests", 800, 1500),
    ("custom.mysql.connections.Connections", 300, 450),
    ("filesystem.dev_nvme0n1p1.used", 850000000000, 950000000000),
]
SERVICE_METRICS = [
    ("access_num.4xx_count", 50, 100), ("access_num.5xx_count", 5, 20),
    ("queue.mail.backlog", 20000, 100000), ("pledge.created_per_minute", 2, 0.5),
    ("payment.failed_count", 20, 60), ("settlement.hours_since_success", 26, 30),
    ("response.p99", 1.25, 2.5), ("stock.level", 10, 2),
]
QUERIES = [
    ("http.server.request.duration.p99{service.name=\"crowdfund-api\"}", "{{http.route}}"),
    ("container.cpu.utilization", "{{k8s.pod.name}}"),
    ("http.client.duration.p90{service.name=\"web\"}", "{{http.status_code}}"),
    ("avg(system.memory.utilization{host.name=~\"web-.*\"})", ""),
    ("sum by (queue) (messaging.backlog{system=\"sidekiq\"})", "queue {{queue}}"),
]
EXPRESSIONS = [
    "avg(roleSlots(\"crowdfund:web\",\"loadavg5\"))",
    "scale(divide(service(crowdfund, payment.failed_count), service(crowdfund, payment.attempted_count)), 100)",
    "max(role(crowdfund:db, custom.mysql.seconds_behind_master.Seconds_Behind_Master))",
    "sum(group(host(2u4PP3TJqbx, loadavg5), host(2u4PP3TJqby, loadavg5)))",
    "alias(scale(\nsum(\n  group(\n    role(Blog:app, custom.nginx.requests.requests)\n  )\n),\n1\n), 'requests')",
]
NAME_PARTS_EN = ["CPU high", "Memory usage", "Disk almost full", "Load average", "Host down",
                 "Queue backlog", "Top page", "Login & signup", "API <v2> health",
                 "Checkout \"pay now\" button", "Replica lag", "5xx ratio", "p99 latency",
                 "Cache hit % low", "Cert expiry", "Slow search", "Batch late",
                 "Webhook endpoint", "Status page", "Anomaly"]
NAME_PARTS_JA = ["CPU使用率", "メモリ使用率", "ディスク容量", "ロードアベレージ", "死活監視",
                 "キュー滞留", "トップページ", "ログイン＆会員登録", "決済エラー率",
                 "レプリケーション遅延", "証明書の有効期限", "応答時間", "異常検知",
                 "バッチ遅延（夜間）", "外形監視「支援ページ」"]
MEMO_LINES = [
    "Runbook: https://wiki.example.com/runbooks/cpu?team=sre&lang=en",
    "Escalate to \"SRE on-call\" if it lasts > 30 min and < 2 h.",
    "Config lives in C:\\ProgramData\\Mackerel\\mackerel-agent.conf on Windows hosts.",
    "The message template uses ${HOSTNAME}; it is not expanded here.",
    "<b>HTML</b> is not rendered in memos & that is fine.",
    "Costs $5 per extra host; 50% & rising.",
    "ディスク使用率が高い場合は /var/log と /tmp を確認してください。",
    "担当: インフラチーム（平日 10:00〜19:00）。夜間は「オンコール」へ。",
    "🔥 Page the on-call only if the checkout is affected.",
    "Line one\u2028line two after U+2028, then a paragraph\u2029separator.",
    "Regex for the log: ^ERROR\\s+\\[(\\w+)\\]$",
    "JSON sample: {\"status\": \"ok\", \"items\": [1, 2]}",
    "Tab\tseparated\tvalues.",
    "Why: customers notice before we do. What to do: check the last deploy, roll back.",
    "Ask in #crowdfund-oncall; owners: @sre-team & @payments.",
    "Literal dollar-brace at the end: ${",
    "naïve café — em dash, “curly quotes”, ½ and ©.",
]

_ID_CHARS = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class Gen:
    def __init__(self, rng, dualstack=True):
        self.r = rng
        self.dualstack = dualstack
        self.ids = set()
        self.names = set()

    # -- small helpers
    def new_id(self):
        while True:
            i = "".join(self.r.choice(_ID_CHARS) for _ in range(11))
            if i not in self.ids:
                self.ids.add(i)
                return i

    def unique(self, name):
        base, n = name, 2
        while name in self.names:
            name = "%s (%d)" % (base, n)
            n += 1
        self.names.add(name)
        return name

    def name(self, what):
        r = self.r
        p = r.random()
        if p < 0.3:
            base = r.choice(NAME_PARTS_JA)
        elif p < 0.4:
            base = r.choice(NAME_PARTS_EN) + " / " + r.choice(NAME_PARTS_JA)
        else:
            base = r.choice(NAME_PARTS_EN)
        return self.unique("%s: %s" % (base, what) if what else base)

    def memo(self):
        r = self.r
        p = r.random()
        if p < 0.15:
            return None
        lines = r.sample(MEMO_LINES, r.randint(1, 4))
        return "\n".join(lines) if r.random() < 0.7 else " ".join(lines)

    def scope(self, role_prob=0.6):
        svc = self.r.choice(SERVICES)
        if self.r.random() < role_prob:
            return "%s: %s" % (svc, self.r.choice(ROLES[svc]))
        return svc

    def scopes(self, lo, hi, role_prob=0.6):
        out = []
        for _ in range(self.r.randint(lo, hi)):
            s = self.scope(role_prob)
            if s not in out:
                out.append(s)
        return out

    def roles(self, lo, hi):
        return self.scopes(lo, hi, role_prob=1.0)

    def interval(self):
        return self.r.choice([None, None, 10, 15, 30, 60, 90, 120, 180, 360, 720, 1440])

    def thresholds(self, warn, crit, fractional=False):
        """Both, only warning or only critical. The caller orders warn/crit to suit the
        operator (">": warn <= crit, "<": warn >= crit)."""
        r = self.r
        if fractional:
            f = r.choice([0.5, 0.25, 0.1, 0.75])
            warn, crit = warn + f, crit + f
        p = r.random()
        if p < 0.15:
            return warn, None
        if p < 0.3:
            return None, crit
        return warn, crit

    def common(self, m):
        memo = self.memo()
        if memo:
            m["memo"] = memo
        if self.r.random() < 0.1:
            m["isMute"] = True
        ni = self.interval()
        if ni:
            m["notificationInterval"] = ni
        return m

    def attempts(self, default):
        return self.r.choice([default] * 4 + [1, 2, 3, 5, 10])

    # -- one generator per monitor type
    def host(self):
        r = self.r
        scopes = self.scopes(0, 3)
        where = scopes[0] if scopes else "all hosts"
        op = r.choice([">", ">", ">", "<"])
        if r.random() < 0.6:
            metric = r.choice(COMPARATIVE)
            if op == ">":
                w, c = r.choice([(70, 90), (80, 95), (85, 99), (60, 80), (0, 5), (90, 100)])
            else:
                w, c = r.choice([(20, 5), (10, 1), (30, 10), (100, 50)])
            warn, crit = self.thresholds(w, c, fractional=r.random() < 0.3 and max(w, c) < 99)
        else:
            metric, w, c = r.choice(HOST_METRICS)
            if op == "<":
                w, c = c // 10, w // 10
            warn, crit = self.thresholds(w, c)
        m = {"type": "host", "name": self.name(where), "metric": metric, "operator": op,
             "warning": warn, "critical": crit, "duration": r.randint(1, 10),
             "maxCheckAttempts": self.attempts(1)}
        if scopes:
            m["scopes"] = scopes
        if scopes and r.random() < 0.3:
            svc = scopes[0].split(":")[0]
            m["excludeScopes"] = ["%s: %s" % (svc, r.choice(ROLES[svc]))]
        return self.common(m)

    def connectivity(self, unnamed=False):
        r = self.r
        m = {"type": "connectivity",
             "alertStatusOnGone": r.choice(["CRITICAL", "CRITICAL", "WARNING"])}
        if unnamed and "connectivity" not in self.names:
            self.names.add("connectivity")
            m["name"] = "connectivity"  # the server's name for an unnamed one
        else:
            m["name"] = self.name("liveness")
        scopes = self.scopes(0, 2)
        if scopes:
            m["scopes"] = scopes
            if r.random() < 0.3:
                svc = scopes[0].split(":")[0]
                m["excludeScopes"] = ["%s: %s" % (svc, r.choice(ROLES[svc]))]
        return self.common(m)

    def service(self):
        r = self.r
        metric, w, c = r.choice(SERVICE_METRICS)
        op = ">" if c >= w else "<"
        warn, crit = self.thresholds(w, c, fractional=r.random() < 0.2)
        svc = r.choice(SERVICES)
        m = {"type": "service", "name": self.name(svc), "service": svc, "metric": metric,
             "operator": op, "warning": warn, "critical": crit, "duration": r.randint(1, 10),
             "maxCheckAttempts": self.attempts(1)}
        if r.random() < 0.5:
            mw = r.choice([10, 20, 60, 360, 720, 1440])
            m["missingDurationWarning"] = mw
            if r.random() < 0.6:
                m["missingDurationCritical"] = r.choice(
                    [x for x in (60, 720, 1440, 4320, 10080) if x >= mw])
        elif r.random() < 0.2:
            m["missingDurationCritical"] = r.choice([10, 30, 10080])
        return self.common(m)

    def external(self):
        r = self.r
        host = r.choice(["www.example.com", "api.example.com", "crowdfund.example",
                         "shop.example.jp", "status.example.org"])
        path = r.choice(["/", "/login", "/health?deep=1&source=mackerel", "/api/v2/ping",
                         "/projects/123", "/search?q=%E6%97%A5%E6%9C%AC&page=2"])
        url = "%s://%s%s" % (r.choice(["https", "https", "http"]), host, path)
        m = {"type": "external", "name": self.name(host), "url": url,
             "method": r.choice(["GET"] * 5 + ["POST", "PUT", "DELETE"]),
             "maxCheckAttempts": self.attempts(1), "headers": []}
        if r.random() < 0.4:
            svc = r.choice(SERVICES)
            m["service"] = svc
            if r.random() < 0.8:
                w = r.choice([500, 800, 1500, 3000])
                c = r.choice([2000, 5000, 10000, 15000])
                p = r.random()
                if p < 0.7:
                    m["responseTimeWarning"], m["responseTimeCritical"] = w, max(w, c)
                elif p < 0.85:
                    m["responseTimeWarning"] = w
                else:
                    m["responseTimeCritical"] = c
                m["responseTimeDuration"] = r.randint(1, 10)
        if m["method"] in ("POST", "PUT") and r.random() < 0.8:
            m["requestBody"] = r.choice(["{\"probe\": \"mackerel\", \"deep\": true}",
                                         "user=monitor&token=<redacted>",
                                         "ping"])
        if r.random() < 0.4:
            m["containsString"] = r.choice(["OK", "\"status\":\"ok\"", "ログイン", "Back & forth",
                                            "<title>Shop</title>"])
        if url.startswith("https") and r.random() < 0.5:
            p = r.random()
            if p < 0.6:
                m["certificationExpirationWarning"] = r.choice([30, 60, 90])
                m["certificationExpirationCritical"] = r.choice([7, 14])
            elif p < 0.8:
                m["certificationExpirationCritical"] = r.choice([0, 14])
            else:
                m["certificationExpirationWarning"] = 30
            if r.random() < 0.2:
                m["skipCertificateVerification"] = True
        if r.random() < 0.3:
            m["followRedirect"] = True
        if r.random() < 0.3:
            m["expectedStatusCode"] = r.choice([200, 204, 301, 401, 404, 405, 503])
        if r.random() < 0.35:
            hs = r.sample([("Cache-Control", "no-cache"), ("User-Agent", "mackerel-check/1.0"),
                           ("Authorization", "Bearer ${TOKEN}"), ("X-Probe", "a&b<c>"),
                           ("Accept-Language", "ja-JP,ja;q=0.9"), ("X-Empty", "")],
                          r.randint(1, 3))
            m["headers"] = hs
        if self.dualstack and r.random() < 0.25:
            m["dualstack"] = r.choice(["ipv4", "ipv6", "auto"])
        return self.common(m)

    def expression(self):
        r = self.r
        op = r.choice([">", ">", "<"])
        w, c = (5, 10) if op == ">" else (10, 5)
        warn, crit = self.thresholds(w, c, fractional=r.random() < 0.3)
        m = {"type": "expression", "name": self.name("expression"),
             "expression": r.choice(EXPRESSIONS), "operator": op,
             "warning": warn, "critical": crit}
        if r.random() < 0.5:
            m["evaluateBackwardMinutes"] = r.randint(2, 10)
        return self.common(m)

    def anomaly(self):
        r = self.r
        sens = ["insensitive", "normal", "sensitive"]
        m = {"type": "anomalyDetection", "name": self.name("anomaly"),
             "scopes": self.roles(1, 3), "maxCheckAttempts": self.attempts(3)}
        p = r.random()
        if p < 0.5:
            m["warningSensitivity"] = r.choice(sens)
            m["criticalSensitivity"] = r.choice(sens)
        elif p < 0.75:
            m["warningSensitivity"] = r.choice(sens)
        else:
            m["criticalSensitivity"] = r.choice(sens)
        if r.random() < 0.4:
            m["trainingPeriodFrom"] = r.choice([1561429260, 1704067200, 1767225600])
        return self.common(m)

    def query(self):
        r = self.r
        q, legend = r.choice(QUERIES)
        op = r.choice([">", ">", "<"])
        w, c = (70, 90) if op == ">" else (30, 10)
        warn, crit = self.thresholds(w, c, fractional=r.random() < 0.3)
        label = legend if legend and r.random() < 0.5 else "query"
        m = {"type": "query", "name": self.name(label), "query": q, "operator": op,
             "warning": warn, "critical": crit}
        if legend:
            m["legend"] = legend
        if r.random() < 0.5:
            m["evaluateBackwardMinutes"] = r.randint(0, 10)
        return self.common(m)

    def random_monitor(self):
        kind = self.r.choices(
            ["host", "connectivity", "service", "external", "expression", "anomaly", "query"],
            weights=[30, 8, 15, 20, 8, 5, 8])[0]
        if kind == "connectivity":
            return self.connectivity(unnamed=self.r.random() < 0.3)
        return getattr(self, kind)()


def kitchen_sink(g):
    """File 000: every feature the brief asks for, at fixed values."""
    ms = []
    ms.append({"type": "connectivity", "name": "connectivity", "alertStatusOnGone": "CRITICAL"})
    g.names.add("connectivity")
    ms.append({"type": "connectivity", "name": "死活監視: crowdfund batch",
               "alertStatusOnGone": "WARNING", "scopes": ["crowdfund"],
               "excludeScopes": ["crowdfund: batch"], "notificationInterval": 30,
               "memo": "Batch hosts are spot instances.\nThey go away; WARNING only."})
    ms.append({"type": "host", "name": "disk writes", "memo": "db hosts & \"friends\"",
               "metric": "disk.aa-00.writes.delta", "operator": ">", "warning": 20000,
               "critical": 400000, "duration": 3, "maxCheckAttempts": 3,
               "notificationInterval": 60, "scopes": ["Blog"],
               "excludeScopes": ["Blog: db-backup"]})
    ms.append({"type": "host", "name": "Filesystem %", "metric": "disk%", "operator": ">",
               "warning": 95, "critical": 99, "duration": 3, "maxCheckAttempts": 1})
    ms.append({"type": "host", "name": "CPU only warning", "metric": "cpu%", "operator": ">",
               "warning": 85.5, "critical": None, "duration": 5, "maxCheckAttempts": 1,
               "isMute": True, "scopes": ["crowdfund: web", "crowdfund: api"],
               "memo": "Muted during the migration.\\nNot a newline: backslash-n."})
    ms.append({"type": "host", "name": "メモリ使用率（DB）", "metric": "memory%",
               "operator": ">", "warning": None, "critical": 97.25, "duration": 10,
               "maxCheckAttempts": 10, "scopes": ["crowdfund: db"],
               "memo": "InnoDB のバッファプールが 75% を使います。\n「97%」を超えたら OOM の危険。"})
    ms.append({"type": "host", "name": "free memory low", "metric": "memory.free",
               "operator": "<", "warning": 2000000000, "critical": 500000000, "duration": 1,
               "maxCheckAttempts": 2})
    ms.append({"type": "host", "name": "tiny and huge numbers", "metric": "custom.x.ratio",
               "operator": ">", "warning": 0.000001, "critical": 1e21, "duration": 2,
               "maxCheckAttempts": 1, "memo": "0.000001 and 1e+21 as Go prints them."})
    ms.append({"type": "host", "name": "very small threshold", "metric": "custom.x.error_rate",
               "operator": ">", "warning": 1.5e-7, "critical": 0.5, "duration": 1,
               "maxCheckAttempts": 1})
    ms.append({"type": "host", "name": "negative threshold", "metric": "custom.temp.celsius",
               "operator": "<", "warning": -5, "critical": -20.5, "duration": 4,
               "maxCheckAttempts": 1})
    ms.append({"type": "host", "name": "zero warning", "metric": "loadavg5", "operator": ">",
               "warning": 0, "critical": 12, "duration": 5, "maxCheckAttempts": 1})
    ms.append({"type": "service", "name": "Blog 4xx", "service": "Blog",
               "metric": "access_num.4xx_count", "operator": ">", "warning": 50,
               "critical": 100, "duration": 1, "maxCheckAttempts": 3,
               "missingDurationWarning": 360, "missingDurationCritical": 720,
               "notificationInterval": 60})
    ms.append({"type": "service", "name": "settlement late", "service": "crowdfund",
               "metric": "settlement.hours_since_success", "operator": ">", "warning": None,
               "critical": 30, "duration": 1, "maxCheckAttempts": 1,
               "missingDurationCritical": 10080, "notificationInterval": 1440})
    ms.append({"type": "service", "name": "pledges dropped", "service": "crowdfund",
               "metric": "pledge.created_per_minute", "operator": "<", "warning": 2,
               "critical": 0.5, "duration": 10, "maxCheckAttempts": 1,
               "missingDurationWarning": 10})
    ms.append({"type": "external", "name": "Example", "memo": "Full external monitor",
               "method": "POST", "url": "https://example.com/api?a=1&b=2", "service": "Blog",
               "responseTimeWarning": 5000, "responseTimeCritical": 10000,
               "responseTimeDuration": 3, "containsString": "ok", "maxCheckAttempts": 3,
               "certificationExpirationWarning": 90, "certificationExpirationCritical": 30,
               "expectedStatusCode": 200, "followRedirect": True, "requestBody": "{}",
               "headers": [("Cache-Control", "no-cache"), ("X-Token", "a&b")],
               "notificationInterval": 60})
    ms.append({"type": "external", "name": "top", "url": "https://example.com", "method": "GET",
               "maxCheckAttempts": 1, "headers": []})
    ms.append({"type": "external", "name": "ipv6 only", "url": "https://v6.example.com/",
               "method": "GET", "maxCheckAttempts": 1, "headers": [],
               "skipCertificateVerification": True, "certificationExpirationCritical": 0,
               "dualstack": "ipv6"})
    ms.append({"type": "external", "name": "外形監視: トップページ", "method": "DELETE",
               "url": "http://shop.example.jp/cart", "maxCheckAttempts": 2,
               "expectedStatusCode": 404, "headers": [("Accept-Language", "ja")],
               "dualstack": "auto", "containsString": "<h1>カート</h1>",
               "memo": "Quotes \"x\", backslash \\, template ${not_a_var}, amp &, U+2028\u2028."})
    ms.append({"type": "expression", "name": "role average", "memo": "avg of loadavg5",
               "expression": "avg(roleSlots(\"server:role\",\"loadavg5\"))", "operator": ">",
               "warning": 5, "critical": 10, "notificationInterval": 60})
    ms.append({"type": "expression", "name": "expression only critical",
               "expression": EXPRESSIONS[4], "operator": "<", "warning": None, "critical": 0.75,
               "evaluateBackwardMinutes": 10})
    ms.append({"type": "anomalyDetection", "name": "ad", "scopes": ["Svc: web"],
               "warningSensitivity": "normal", "maxCheckAttempts": 3})
    ms.append({"type": "anomalyDetection", "name": "ad full", "scopes": ["Svc: web", "Svc: db"],
               "warningSensitivity": "sensitive", "criticalSensitivity": "insensitive",
               "trainingPeriodFrom": 1561429260, "maxCheckAttempts": 5, "isMute": True,
               "notificationInterval": 10})
    ms.append({"type": "query", "name": "cpu {{k8s.node.name}}",
               "query": "container.cpu.utilization", "operator": ">", "warning": None,
               "critical": 90})
    ms.append({"type": "query", "name": "p90 latency",
               "query": "http.client.duration.p90{service.name=\"web\"}", "operator": ">",
               "warning": 1, "critical": None, "legend": "{{http.status_code}}",
               "evaluateBackwardMinutes": 0})
    ms.append({"type": "query", "name": "query with backward 2",
               "query": "avg(system.memory.utilization{host.name=~\"web-.*\"})",
               "operator": "<", "warning": 20, "critical": 10, "evaluateBackwardMinutes": 2,
               "memo": "Multi-line\nmemo with a tab\tand an escape \x1b[31mred\x1b[0m."})
    for m in ms:
        g.names.add(m["name"])
        m["id"] = g.new_id()
        if not g.dualstack:
            m.pop("dualstack", None)
    return ms


def random_file(g, n):
    ms = []
    for _ in range(n):
        m = g.random_monitor()
        m["id"] = g.new_id()
        ms.append(m)
    return ms


# --------------------------------------------------------------------------------------
# Self-checks


def check_file(text, monitors, dualstack):
    assert text.endswith("}\n") and not text.endswith("\n\n"), "trailing newline"
    assert "\\u003c" not in text and "\\u003e" not in text
    parsed = json.loads(text)
    assert list(parsed) == ["monitors"]
    got = parsed["monitors"]
    assert len(got) == len(monitors)
    names = [m["name"] for m in got]
    assert len(set(names)) == len(names), "names must be unique in a file"
    for m in got:
        order = [k for k, _ in FIELDS[m["type"]]]
        idx = [order.index(k) for k in m]
        assert idx == sorted(idx), "key order of %s" % m["name"]
        assert m["id"] and m["name"]
        if m["type"] in ("host", "service", "expression", "query"):
            assert "warning" in m and "critical" in m
            assert m["warning"] is not None or m["critical"] is not None
        if m["type"] in ("host", "service", "external", "anomalyDetection"):
            assert 1 <= m["maxCheckAttempts"] <= 10
        if m["type"] == "external":
            assert "headers" in m and m["method"]
            if not dualstack:
                assert "dualstack" not in m
        if m["type"] == "connectivity":
            assert m["alertStatusOnGone"] in ("CRITICAL", "WARNING")
        if m["type"] == "host" and m["metric"] in COMPARATIVE:
            for k in ("warning", "critical"):
                assert m[k] is None or 0 <= m[k] <= 100, (m["name"], k, m[k])
        if m["type"] in ("host",):
            assert 1 <= m["duration"] <= 10
        if m["type"] == "service":
            assert 1 <= m["duration"] <= 10
            for k in ("missingDurationWarning", "missingDurationCritical"):
                assert k not in m or (m[k] % 10 == 0 and 10 <= m[k] <= 10080)
        if "notificationInterval" in m:
            assert m["notificationInterval"] >= 10
        if "memo" in m:
            assert len(m["memo"]) <= 2048
    srt = [sort_key(m) for m in got]
    assert srt == sorted(srt), "list order"
    return got


FEATURES = {
    "host": lambda m: m["type"] == "host",
    "connectivity": lambda m: m["type"] == "connectivity",
    "service": lambda m: m["type"] == "service",
    "external": lambda m: m["type"] == "external",
    "expression": lambda m: m["type"] == "expression",
    "anomalyDetection": lambda m: m["type"] == "anomalyDetection",
    "query": lambda m: m["type"] == "query",
    "unnamed connectivity": lambda m: m["name"] == "connectivity",
    "only warning": lambda m: "warning" in m and m["critical"] is None,
    "only critical": lambda m: "critical" in m and m["warning"] is None,
    "japanese name": lambda m: any("\u3040" <= ch <= "\u9fff" for ch in m["name"]),
    "multi-line memo": lambda m: "\n" in m.get("memo", ""),
    "memo with quote": lambda m: '"' in m.get("memo", ""),
    "memo with backslash": lambda m: "\\" in m.get("memo", ""),
    "memo with ${": lambda m: "${" in m.get("memo", ""),
    "memo with &": lambda m: "&" in m.get("memo", ""),
    "memo with U+2028": lambda m: "\u2028" in m.get("memo", ""),
    "headers set": lambda m: bool(m.get("headers")),
    "headers []": lambda m: m.get("headers") == [],
    "fractional threshold": lambda m: any(isinstance(m.get(k), float) and m[k] % 1
                                          for k in ("warning", "critical")),
    "large number (>= 1e6)": lambda m: any(isinstance(m.get(k), (int, float)) and
                                           abs(m[k]) >= 1e6 for k in ("warning", "critical")),
    "notificationInterval": lambda m: "notificationInterval" in m,
    "isMute": lambda m: m.get("isMute") is True,
    "excludeScopes": lambda m: "excludeScopes" in m,
    "dualstack": lambda m: "dualstack" in m,
    "missingDuration*": lambda m: any(k.startswith("missingDuration") for k in m),
    "responseTime*": lambda m: "responseTimeDuration" in m,
    "certificationExpiration*": lambda m: any(k.startswith("certification") for k in m),
    "evaluateBackwardMinutes": lambda m: "evaluateBackwardMinutes" in m,
    "trainingPeriodFrom": lambda m: "trainingPeriodFrom" in m,
    "method not GET": lambda m: m.get("method") not in (None, "GET"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--count", type=int, default=60, help="number of files (default 60)")
    ap.add_argument("--seed", type=int, default=20260825, help="random seed")
    ap.add_argument("--no-dualstack", action="store_true",
                    help="never write external 'dualstack' (what today's mkr writes)")
    args = ap.parse_args()
    dualstack = not args.no_dualstack
    os.makedirs(args.outdir, exist_ok=True)
    seen = {k: 0 for k in FEATURES}
    total = 0
    for i in range(args.count):
        rng = random.Random("%d/%d" % (args.seed, i))
        g = Gen(rng, dualstack)
        if i == 0:
            ms = kitchen_sink(g)
        else:
            n = rng.choice([1, 2, 3, 5, 8, 13, 21, 34, 55, rng.randint(4, 40)])
            ms = random_file(g, n)
        text = render_file(ms)
        got = check_file(text, ms, dualstack)
        for m in got:
            for k, f in FEATURES.items():
                if f(m):
                    seen[k] += 1
        total += len(got)
        path = os.path.join(args.outdir, "monitors-%03d.json" % i)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    missing = [k for k, v in seen.items() if v == 0 and not (k == "dualstack" and not dualstack)]
    print("wrote %d files, %d monitors to %s" % (args.count, total, args.outdir))
    for k, v in seen.items():
        print("  %-26s %d" % (k, v))
    if missing:
        print("error: features never generated: %s" % ", ".join(missing), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
