#!/usr/bin/env python3
"""Generate Mackerel dashboard JSON files as GET /api/v0/dashboards/<id> returns them.

    gen_dashboards.py OUTDIR [--seed S] [--mkr]

Writes OUTDIR/dashboard-<id>.json, one file per dashboard (8 of them; the first five are
hand-written, the others random). Same arguments, same bytes.

Every dashboard has widgets of all four kinds (graph, value, markdown, alertStatus) and,
across the set, every option: graph sources host/role(+isStacked)/service/expression/query
(+legend); value sources host/service/expression/query; relative ranges (with and without an
offset) and absolute ranges; valueRange with min, max or both; referenceLines; legendList;
fractionSize (0 included); suffix; formatRules; markdown with and without a title.
Layouts stay on the 24-column grid, respect the per-widget minimum and maximum sizes and
never overlap (checked before writing). Some layouts are not plain rows (a tall markdown
beside stacked rows, a gap) so an importer has to keep x/y.

Default output is the API shape: key order id, title, urlPath, createdAt, updatedAt, memo,
widgets; in a widget type, title, layout, then the kind's keys in mackerel-client-go order
with valueRange after range; graph widgets always carry referenceLines ([] when none) and
value widgets formatRules ([] when none), as the API returns them; no `null` placeholders.

--mkr writes what `mkr dashboards pull` saves instead: "metric"/"graph"/"range": null for
the parts a widget does not use, valueRange dropped (not in mackerel-client-go),
empty referenceLines/formatRules omitted, and no trailing newline.
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gojson import Float, mkr_marshal_indent  # noqa: E402

LIMITS = {  # kind: (min w, min h, max w, max h)
    "graph": (6, 6, 24, 32),
    "value": (4, 4, 24, 32),
    "markdown": (4, 2, 24, 80),
    "alertStatus": (4, 3, 24, 32),
}

# ---------------------------------------------------------------------------------------
# Widget builders (API field names). Layout is filled in by the layout helpers.


def graph(title, source, rng=None, value_range=None, reference=None, legend_list=None):
    w = {"type": "graph", "title": title, "graph": source}
    if rng is not None:
        w["range"] = rng
    if value_range is not None:
        w["valueRange"] = value_range
    w["referenceLines"] = [] if reference is None else [reference]
    if legend_list:
        w["legendList"] = legend_list
    return w


def value(title, metric, fraction=None, suffix=None, rule=None):
    w = {"type": "value", "title": title, "metric": metric}
    if fraction is not None:
        w["fractionSize"] = fraction
    if suffix:
        w["suffix"] = suffix
    w["formatRules"] = [] if rule is None else [rule]
    return w


def markdown(title, text):
    return {"type": "markdown", "title": title, "markdown": text}


def alert(title, role):
    return {"type": "alertStatus", "title": title, "roleFullname": role}


def g_host(host_id, name):
    return {"type": "host", "name": name, "hostId": host_id}


def g_role(role, name, stacked=False):
    g = {"type": "role", "name": name, "roleFullname": role}
    if stacked:
        g["isStacked"] = True
    return g


def g_service(svc, name):
    return {"type": "service", "name": name, "serviceName": svc}


def g_expr(expr):
    return {"type": "expression", "expression": expr}


def g_query(query, legend=""):
    return {"type": "query", "query": query, "legend": legend}


def m_host(host_id, name):
    return {"type": "host", "name": name, "hostId": host_id}


def m_service(svc, name):
    return {"type": "service", "name": name, "serviceName": svc}


m_expr = g_expr
m_query = g_query


def relative(period, offset=0):
    return {"type": "relative", "period": period, "offset": offset}


def absolute(start, end):
    return {"type": "absolute", "start": start, "end": end}


def ref(label, v):
    return {"label": label, "value": Float(v)}


def rule(name, threshold, op):
    return {"name": name, "threshold": Float(threshold), "operator": op}


def vrange(lo=None, hi=None):
    out = {}
    if lo is not None:
        out["min"] = Float(lo)
    if hi is not None:
        out["max"] = Float(hi)
    return out


class Layout:
    """Places widgets on the grid: rows by default, absolute boxes when asked."""

    def __init__(self):
        self.widgets = []
        self.y = 0

    def row(self, height, *items):
        """items: widget or (widget, width). Widgets without a width share the rest."""
        fixed = sum(it[1] for it in items if isinstance(it, tuple))
        free = [it for it in items if not isinstance(it, tuple)]
        share = (24 - fixed) // len(free) if free else 0
        x, y = 0, self.y
        for it in items:
            w, width = it if isinstance(it, tuple) else (it, share)
            self.place(w, x, y, width, height)
            x += width
        self.y = y + height

    def place(self, w, x, y, width, height):
        w["layout"] = {"x": x, "y": y, "width": width, "height": height}
        self.widgets.append(w)
        self.y = max(self.y, y + height)


def check_layout(widgets, title):
    cells = {}
    for w in widgets:
        lay = w["layout"]
        lo_w, lo_h, hi_w, hi_h = LIMITS[w["type"]]
        assert lo_w <= lay["width"] <= hi_w and lo_h <= lay["height"] <= hi_h, (title, w)
        assert lay["x"] >= 0 and lay["y"] >= 0 and lay["x"] + lay["width"] <= 24, (title, w)
        for cx in range(lay["x"], lay["x"] + lay["width"]):
            for cy in range(lay["y"], lay["y"] + lay["height"]):
                assert (cx, cy) not in cells, "%s: %r overlaps %r" % (
                    title, w["title"], cells[(cx, cy)])
                cells[(cx, cy)] = w["title"]


# ---------------------------------------------------------------------------------------
# The dashboards

DAY = 86400
HOSTS = ["3yQmZr8kTnW", "4HCsPAbCdEf", "2u4PP3TJqbw", "5Rt7uVwXyZa"]
PAYFAIL = ("scale(divide(service(crowdfund, payment.failed_count), "
           "service(crowdfund, payment.attempted_count)), 100)")
LAG = "max(role(crowdfund:db, custom.mysql.seconds_behind_master.Seconds_Behind_Master))"
P99 = "http.server.request.duration.p99{service.name=\"crowdfund-api\"}"


def d_overview():
    L = Layout()
    L.row(3, markdown("How to read this dashboard",
                      "**Top row**: business numbers. **Middle**: trends.\n"
                      "On call? Start with the red tile & open the alert's memo.\n"
                      "Runbooks: [wiki](https://wiki.crowdfund.example/runbooks?x=1&y=2)"))
    L.row(4,
          value("Pledges / min", m_service("crowdfund", "pledge.created_per_minute"), 1, "/min",
                rule("checkout broken?", 2, "<")),
          value("Payment failures", m_expr(PAYFAIL), 2, "%", rule("above 3% SLO", 3, ">")),
          value("API p99", m_query("max(" + P99 + ")", "p99"), 2, "s", rule("slow", 1.5, ">")),
          value("Mail backlog", m_service("crowdfund", "queue.mail.backlog"), 0, "jobs"),
          value("Since settlement", m_service("crowdfund", "settlement.hours_since_success"),
                0, "h", rule("late", 26, ">")),
          value("Live projects", m_service("crowdfund", "project.live_count"), 0))
    L.row(8,
          graph("Pledges per minute (today)", g_service("crowdfund", "pledge"), relative(DAY),
                reference=ref("alert below 2/min", 2),
                legend_list=["pledge.created_per_minute", "pledge.cancelled_per_minute"]),
          graph("Pledges, same hours yesterday", g_service("crowdfund", "pledge"),
                relative(6 * 3600, -DAY), legend_list=["pledge.created_per_minute"]),
          graph("Payment failure ratio (%)", g_expr(PAYFAIL), relative(6 * 3600),
                vrange(0, 20), ref("SLO 3%", 3)))
    roles = ["web", "api", "db", "batch"]
    L.row(7, *[graph("CPU: " + r, g_role("crowdfund:" + r, "cpu", True), relative(3 * 3600),
                     vrange(0, 100)) for r in roles])
    L.row(4, *[alert("Alerts: " + r, "crowdfund:" + r) for r in roles])
    L.row(8, (graph("Launch day 2026-03-10: API p99 by route", g_query(P99, "{{http.route}}"),
                    absolute(1773068400, 1773154800)), 16),
          markdown("What we learned on launch day",
                   "## Launch day 2026-03-10\n- Peak: 1,800 pledges/min at 12:00\n"
                   "- /projects/:id/pledge p99 hit 6 s (N+1 on rewards)"))
    return ("crowdfund: service overview", "crowdfund/overview",
            "Managed by monitorc. Edits in the web UI are overwritten on the next apply.",
            L.widgets)


def d_database():
    L = Layout()
    L.row(8, (markdown("Read me first",
                       "### crowdfund db\n- primary: db-01 (writes)\n- replica: db-02\n\n"
                       "Never restart the primary in business hours."), 6),
          graph("Replica lag (s)", g_expr(LAG), relative(6 * 3600), vrange(0),
                ref("warning 30 s", 30)),
          graph("Primary disk I/O", g_host(HOSTS[0], "disk"), relative(DAY),
                legend_list=["disk.nvme1n1.reads.delta", "disk.nvme1n1.writes.delta"]))
    L.row(4, value("Replica lag", m_expr(LAG), 0, "s", rule("lagging", 30, ">")),
          value("Primary load (5 min)", m_host(HOSTS[0], "loadavg5"), 2, None,
                rule("I/O bound?", 8, ">")),
          (alert("DB alerts", "crowdfund:db"), 8))
    L.row(8, graph("DB CPU", g_role("crowdfund:db", "cpu", True), None, vrange(0, 100),
                   ref("warning 70%", 70)),
          graph("DB memory", g_role("crowdfund:db", "memory", True)),
          graph("Primary connections", g_host(HOSTS[0], "custom.mysql.connections"),
                relative(12 * 3600), reference=ref("max_connections", 500)))
    return ("crowdfund: database", "crowdfund/database",
            "MySQL primary + replica of crowdfund.", L.widgets)


def d_irregular():
    """Not a row layout: a tall markdown on the left, two stacked rows on the right,
    a gap, and widgets at their maximum/minimum sizes."""
    L = Layout()
    L.place(markdown("", "# 運用メモ\n\n夜間は **バッチ** が重い & 遅延しがち。\n"
                         "<details>literal HTML</details>\n${not_a_variable}\n"
                         "バックスラッシュ: C:\\logs\\app"), 0, 0, 6, 14)
    L.place(graph("ロードアベレージ (web)", g_role("Blog:app", "loadavg5")), 6, 0, 12, 7)
    L.place(value("エラー数", m_service("Blog", "access_num.5xx_count"), 16, "件"), 18, 0, 6, 7)
    L.place(alert("アラート: app", "Blog:app"), 6, 7, 9, 7)
    L.place(graph("Min graph", g_host(HOSTS[1], "cpu"), relative(3600, -1800)), 15, 7, 6, 6)
    # x 21..23, y 7..13 stays empty on purpose
    L.place(markdown("min markdown", "2 rows"), 0, 14, 4, 2)
    L.place(value("min value", m_host(HOSTS[1], "memory.used"), 0, "B"), 4, 14, 4, 4)
    L.place(alert("min alert", "Blog:proxy"), 8, 14, 4, 3)
    L.place(graph("Max graph (24 x 32)", g_query("container.cpu.utilization",
                                                  "{{k8s.pod.name}}"),
                  relative(7 * DAY), vrange(None, 400), ref("4 cores", 400)), 0, 18, 24, 32)
    L.place(markdown("Tall markdown (80 rows)", "\n".join("line %d" % i for i in range(80))),
            0, 50, 24, 80)
    return ("Blog & friends \"irregular\" <layout>", "blog/irregular_layout-1",
            "Hand-placed widgets; memo with \"quotes\", & and <angle brackets>.", L.widgets)


def d_sources():
    """Every graph and value source with and without options, in plain rows."""
    L = Layout()
    L.row(2, markdown("Sources", "one of each source"))
    L.row(6, graph("host", g_host(HOSTS[2], "loadavg")),
          graph("role", g_role("My-Service:proxy", "loadavg5")),
          graph("role stacked", g_role("My-Service:proxy", "cpu", True), relative(3600)),
          graph("service", g_service("My-Service", "access_num"),
                legend_list=["access_num.2xx_count"]))
    L.row(6, graph("expression", g_expr("avg(roleSlots(\"My-Service:proxy\",\"loadavg5\"))"),
                   absolute(1767225600, 1767225600 + 7 * DAY)),
          graph("query no legend", g_query("avg(system.memory.utilization)")),
          graph("query legend", g_query("sum by (queue) (messaging.backlog)", "queue {{queue}}"),
                relative(30 * DAY, -7 * DAY), vrange(-10.5, 1e6), ref("x", 0.25)))
    L.row(4, value("host", m_host(HOSTS[2], "loadavg5")),
          value("service", m_service("My-Service", "access_num.2xx_count"), 3),
          value("expression", m_expr("sum(role(My-Service:proxy, loadavg5))"), 16, "load",
                rule("", 12.75, "<")),
          value("query", m_query("avg(container.cpu.utilization)", "{{k8s.node.name}}"), 0,
                "%", rule("hot", 90, ">")))
    L.row(3, alert("proxy", "My-Service:proxy"), alert("worker", "My-Service:worker"),
          alert("", "My-Service:proxy"))
    return ("Sources (one of each)", "sources", "", L.widgets)


def d_minimal():
    L = Layout()
    L.row(6, graph("CPU", g_role("shop_2:front", "cpu")),
          value("Cart size", m_service("shop_2", "cart.size")),
          markdown("notes", ""), alert("front", "shop_2:front"))
    return ("minimal", "m", "", L.widgets)


def d_random(r, i):
    """A random but valid row dashboard."""
    L = Layout()
    roles = ["crowdfund:web", "crowdfund:api", "Blog:app", "shop_2:cart", "My-Service:worker"]
    kinds_needed = ["graph", "value", "markdown", "alertStatus"]
    r.shuffle(kinds_needed)
    for row_no in range(r.randint(3, 7)):
        n = r.choice([1, 2, 3, 4, 6])
        if row_no == 0 and n == 6:
            n = 4  # the first row takes the kinds every dashboard must have
        width = 24 // n
        pool, kinds_needed = kinds_needed[:n], kinds_needed[n:]
        kinds = pool + [r.choice(["graph", "value", "markdown", "alertStatus"])
                        for _ in range(n - len(pool))]
        if width < LIMITS["graph"][0]:
            kinds = ["value" if k == "graph" else k for k in kinds]
        height = max(LIMITS[k][1] for k in kinds) + r.randint(0, 4)
        ws = []
        for j, k in enumerate(kinds):
            t = "%s %d.%d" % (k, row_no, j)
            if k == "graph":
                src = r.choice([g_role(r.choice(roles), "loadavg5", r.random() < 0.5),
                                g_host(r.choice(HOSTS), "cpu"),
                                g_service("crowdfund", "pledge"),
                                g_expr(LAG), g_query(P99, r.choice(["", "{{http.route}}"]))])
                rg = r.choice([None, relative(3600), relative(DAY, -3600),
                               absolute(1767225600, 1767225600 + DAY)])
                vr = r.choice([None, vrange(0), vrange(None, 100), vrange(0, 100)])
                rf = r.choice([None, ref("limit", r.choice([1, 4, 99.5, 20000]))])
                ll = (["loadavg5"] if src["type"] in ("host", "service") and r.random() < 0.3
                      else None)
                ws.append(graph(t, src, rg, vr, rf, ll))
            elif k == "value":
                src = r.choice([m_host(r.choice(HOSTS), "loadavg5"),
                                m_service("crowdfund", "queue.mail.backlog"),
                                m_expr(PAYFAIL), m_query("max(" + P99 + ")", "p99")])
                ws.append(value(t, src, r.choice([None, 0, 1, 2, 16]),
                                r.choice([None, "%", "ms", "件"]),
                                r.choice([None, rule("bad", 10, ">"), rule("low", 0.5, "<")])))
            elif k == "markdown":
                ws.append(markdown(r.choice([t, ""]), "row %d & widget %d\n* item" % (row_no, j)))
            else:
                ws.append(alert(t, r.choice(roles)))
        L.row(height, *ws)
    title = "Random dashboard %d" % i
    return (title, "random/dashboard-%d" % i, r.choice(["", "generated"]), L.widgets)


# ---------------------------------------------------------------------------------------
# Output

WIDGET_ORDER = ["type", "title", "layout", "metric", "graph", "range", "valueRange",
                "markdown", "referenceLines", "legendList", "fractionSize", "suffix",
                "formatRules", "roleFullname"]
GRAPH_ORDER = ["type", "name", "hostId", "roleFullname", "isStacked", "serviceName",
               "expression", "query", "legend"]
METRIC_ORDER = ["type", "name", "hostId", "serviceName", "expression", "query", "legend"]


def ordered(d, order):
    return {k: d[k] for k in order if k in d}


def api_widget(w):
    out = ordered(w, WIDGET_ORDER)
    if "graph" in out:
        out["graph"] = ordered(out["graph"], GRAPH_ORDER)
    if "metric" in out:
        out["metric"] = ordered(out["metric"], METRIC_ORDER)
    return out


def mkr_widget(w):
    out = {"type": w["type"], "title": w["title"], "layout": w["layout"],
           "metric": ordered(w["metric"], METRIC_ORDER) if "metric" in w else None,
           "graph": ordered(w["graph"], GRAPH_ORDER) if "graph" in w else None,
           "range": w.get("range")}
    for k in ["markdown", "referenceLines", "legendList"]:
        if w.get(k):
            out[k] = w[k]
    if w.get("fractionSize") is not None:
        out["fractionSize"] = w["fractionSize"]
    for k in ["suffix", "formatRules", "roleFullname"]:
        if w.get(k):
            out[k] = w[k]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20260825)
    ap.add_argument("--mkr", action="store_true", help="write mkr dashboards pull files")
    args = ap.parse_args()
    r = random.Random(args.seed)
    builders = [d_overview, d_database, d_irregular, d_sources, d_minimal]
    boards = [b() for b in builders] + [d_random(r, i) for i in range(3)]
    os.makedirs(args.outdir, exist_ok=True)
    ids = set()
    paths = set()
    for title, url_path, memo, widgets in boards:
        check_layout(widgets, title)
        assert {w["type"] for w in widgets} == set(LIMITS), title
        assert url_path not in paths
        paths.add(url_path)
        did = "".join(r.choice("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
                      for _ in range(11))
        assert did not in ids
        ids.add(did)
        created = 1700000000 + r.randint(0, 50000000)
        board = {"id": did, "title": title, "urlPath": url_path, "createdAt": created,
                 "updatedAt": created + r.randint(0, 9000000), "memo": memo}
        conv = mkr_widget if args.mkr else api_widget
        board["widgets"] = [conv(w) for w in widgets]
        text = mkr_marshal_indent(board)
        if not args.mkr:
            text += "\n"
        back = json.loads(text)
        assert back["title"] == title and len(back["widgets"]) == len(widgets)
        path = os.path.join(args.outdir, "dashboard-%s.json" % did)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        print("%s  %-45s %2d widgets" % (path, title, len(widgets)))


if __name__ == "__main__":
    main()
