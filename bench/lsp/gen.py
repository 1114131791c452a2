"""Writes a .mon file of about N lines: host, service and external monitors and dashboards.
With targets=True it also declares a mackerel, a prometheus and a grafana target and restricts
what only Mackerel can express (service monitors, dashboards with Mackerel data sources) to the
mackerel one, so the backends' checks translate the host and external monitors for both others."""
import sys


def generate(lines, targets=False):
    out = ["# Generated for the language server benchmark.", 'let roles = ["web", "api", "db"]', ""]
    only = []
    if targets:
        out += ['target mackerel "mkr" {}', 'target prometheus "prom" {}', 'target grafana "graf" { datasource = "prom" }', ""]
        only = ['  targets = ["mkr"]']
    i = 0
    while len(out) + 10 <= lines:
        k = i % 4
        if k == 0:
            out += ['monitor host "cpu %d" {' % i, '  metric = "cpu%"', '  operator = ">"', "  warning = 70",
                    "  critical = 90", "  duration = 5m", '  scopes = ["svc:web"]', '  memo = "CPU of host %d"' % i, "}", ""]
        elif k == 1:
            out += ['monitor service "queue %d" {' % i, '  service = "svc"', '  metric = "queue.size.%d"' % i,
                    '  operator = ">"', "  warning = 100", "  critical = 500", "  duration = 3", "  notification_interval = 1h"] + only + [
                    "}", ""]
        elif k == 2:
            out += ['monitor external "site %d" {' % i, '  url = "https://example.com/%d"' % i] + ([] if targets else ["  method = GET"]) + [
                    '  service = "svc"', "  response_time_warning = 2000ms", "  response_time_critical = 5s",
                    "  response_time_duration = 3m", "  max_check_attempts = 2", "}", ""]
        else:
            out += ['dashboard "board %d" {' % i, '  url_path = "boards/b%d"' % i, "  row {",
                    '    graph "cpu" { role = "svc:web"  metric = "cpu" }',
                    '    value "5xx" { service = "svc"  metric = "access.5xx"  fraction_size = 0 }', "  }",
                    '  markdown { text = "# board %d" }' % i] + only + ["}", ""]
        i += 1
    while len(out) < lines:
        out.append("# padding")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "--targets" else 10000
    sys.stdout.write(generate(n, targets="--targets" in sys.argv))
