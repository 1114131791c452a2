#!/usr/bin/env bash
# A default build runs the backends the source targets: a Grafana-only source gets no Mackerel
# files (and no Mackerel checks), a source without targets gets Mackerel's, a source with
# both gets both; a Mackerel file of an earlier build is removed once the source stops
# targeting Mackerel; a file a build would write again unchanged is left as it is (same inode
# and time), a changed one is replaced.   build_backends.sh MONITORC
set -u
mon=$1; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
no() { echo "FAIL: $*"; fail=1; }
dash='dashboard "Web" {
  url_path = "web"
  graph "Rate" { query = "sum(rate(http_requests_total[5m]))" reference_lines = [{ label = "a", value = 1 }, { label = "b", value = 2 }] }
}
'
# Two reference lines: an error for Mackerel (one at most), fine for Grafana.
printf 'target grafana "graf" { datasource = "prom" }\n%s' "$dash" > grafana_only.mon
out=$("$mon" build -o out grafana_only.mon 2>&1) || no "grafana-only build failed: $out"
[ -f out/grafana/graf/dashboards/web.json ] || no "grafana-only build wrote no Grafana dashboard"
[ -e out/mackerel ] && no "grafana-only build wrote Mackerel files: $(ls -R out/mackerel)"
out=$("$mon" check grafana_only.mon 2>&1) || no "grafana-only check reports Mackerel's limit: $out"

printf 'target grafana "graf" { datasource = "prom" }\ntarget mackerel "mkr" {}\n%s' "$dash" > both.mon
out=$("$mon" build -o both both.mon 2>&1) && no "a dashboard for Mackerel with two reference lines built: $out"
grep -q "Mackerel shows one reference line" <<<"$out" || no "no Mackerel limit reported for both.mon: $out"

printf 'monitor connectivity "up" { scopes = ["svc"] }\n' > no_target.mon
"$mon" build -o plain no_target.mon 2>/dev/null || no "target-less build failed"
[ -f plain/mackerel/monitors.json ] || no "a source without targets wrote no mackerel/monitors.json"
# monitors.json is streamed to the disk as it is made (StreamedFile): built again unchanged it
# is left as it is too, and no temporary file stays beside it.
mj=plain/mackerel/monitors.json
before=$(stat -c '%i %Y.%y' "$mj")
sleep 0.05
"$mon" build -o plain no_target.mon 2>/dev/null || no "second target-less build failed"
[ "$(stat -c '%i %Y.%y' "$mj")" = "$before" ] || no "an unchanged monitors.json was written again"
grep -q '"name": "up"' "$mj" || no "monitors.json lacks the monitor: $(cat "$mj")"
[ "$(ls -A plain/mackerel)" = "monitors.json" ] || no "something beside monitors.json: $(ls -A plain/mackerel)"

# A backend after Mackerel's fails (Kibana cannot express a host monitor): nothing is written,
# not the monitors.json Mackerel streamed as it went, nor a directory for it; an output
# directory that was there keeps what it held.
printf 'target mackerel "mkr" {}
target kibana "logs" {
  url = "https://kibana.example"
  index = ["logs-*"]
}
monitor host "CPU" {
  metric = "cpu%%"
  operator = ">"
  critical = 90
  duration = 5m
}
' > late.mon
out=$("$mon" build -o late late.mon 2>&1) && no "a build with a Kibana error succeeded: $out"
grep -q "cannot be expressed on kibana target 'logs'" <<<"$out" || no "no Kibana error: $out"
[ -e late ] && no "a failed build left files: $(ls -aR late)"
cp -r plain late
out=$("$mon" build -o late late.mon 2>&1) && no "a build with a Kibana error succeeded: $out"
diff -r plain late >/dev/null || no "a failed build changed an earlier build's output: $(diff -r plain late)"

# The same output directory, first with a Mackerel target, then without: the file goes.
printf 'target mackerel "mkr" {}\nmonitor connectivity "up" { scopes = ["svc"] }\n' > switch.mon
"$mon" build -o sw switch.mon 2>/dev/null || no "build with a Mackerel target failed"
[ -f sw/mackerel/monitors.json ] || no "a Mackerel target wrote no mackerel/monitors.json"
printf 'target grafana "graf" { datasource = "prom" }\n%s' "$dash" > switch.mon
"$mon" build -o sw switch.mon >/dev/null 2>&1
[ -e sw/mackerel/monitors.json ] && no "mackerel/monitors.json of the earlier build stayed after Mackerel left the source"

# Built again from the same source: the dashboard file is not rewritten; after an edit of the
# source, and after an edit of the file itself, it is.
web=sw/grafana/graf/dashboards/web.json
before=$(stat -c '%i %Y.%y' "$web")
sleep 0.05
"$mon" build -o sw switch.mon >/dev/null 2>&1 || no "second build of switch.mon failed"
[ "$(stat -c '%i %Y.%y' "$web")" = "$before" ] || no "an unchanged dashboard file was written again"
sed -i 's/"Rate"/"Rates"/' switch.mon
"$mon" build -o sw switch.mon >/dev/null 2>&1 || no "build after an edit failed"
grep -q '"Rates"' "$web" || no "the edited panel title did not reach the dashboard file"
good=$(cat "$web")
printf 'edited by hand' > "$web"
"$mon" build -o sw switch.mon >/dev/null 2>&1 || no "build over a hand-edited output failed"
[ "$(cat "$web")" = "$good" ] || no "a hand-edited output file was not put back"
ls -a sw/grafana/graf/dashboards | grep -q tmp && no "a temporary file was left: $(ls -a sw/grafana/graf/dashboards)"

# A file an earlier build wrote that the source no longer produces goes only while it holds
# what that build wrote: edited by hand since, it stays, with a warning.
printf 'target mackerel "mkr" {}\nmonitor connectivity "up" { scopes = ["svc"] }\n' > keep.mon
"$mon" build -o keep keep.mon 2>/dev/null || no "build of keep.mon failed"
grep -q '"h2:' keep/.monitorc-build.json || no "the manifest records no hash: $(cat keep/.monitorc-build.json)"
printf ' ' >> keep/mackerel/monitors.json
printf 'target grafana "graf" { datasource = "prom" }\n%s' "$dash" > keep.mon
out=$("$mon" build -o keep keep.mon 2>&1) || no "build after leaving Mackerel failed: $out"
[ -f keep/mackerel/monitors.json ] || no "a hand-edited file the source no longer produces was removed"
grep -q "changed since build wrote it; left in place" <<<"$out" || no "no warning for the kept file: $out"

# A manifest an earlier build wrote holds FNV-1a hashes (16 hex digits): still honoured, the
# unchanged file goes and the edited one stays.
mkdir -p old/mackerel/dashboards
printf '{"a": 1}\n' > old/mackerel/monitors.json
printf '{"b": 2}\n' > old/mackerel/dashboards/x.json
python3 - old <<'PY'
import json, sys
def fnv(b):
    h = 1469598103934665603
    for c in b: h = ((h ^ c) * 1099511628211) % (1 << 64)
    return "%016x" % h
files = {}
for rel in ("mackerel/monitors.json", "mackerel/dashboards/x.json"):
    files[rel] = {"backend": "mackerel", "hash": fnv(open(sys.argv[1] + "/" + rel, "rb").read())}
json.dump({"files": files}, open(sys.argv[1] + "/.monitorc-build.json", "w"))
PY
printf '{"b": 3}\n' > old/mackerel/dashboards/x.json
out=$("$mon" build -o old keep.mon 2>&1) || no "build over an earlier manifest failed: $out"
[ -e old/mackerel/monitors.json ] && no "an unchanged file recorded by an earlier build's manifest stayed"
[ -f old/mackerel/dashboards/x.json ] || no "an edited file recorded by an earlier build's manifest was removed"

# A large source's monitors go to monitors.json as they are lowered (MonitorStreaming). What a
# later file declares can change where the earlier monitors go: then the source is compiled
# again with every monitor kept, and the files are what a build of the whole program writes.
mkdir -p big
python3 - big <<'PY'
import sys
with open(sys.argv[1] + "/a.mon", "w") as f:
    for i in range(400):
        extra = '  targets = ["mk"]\n' if i == 399 else ""
        f.write(f'monitor host "cpu {i}" {{\n  metric = "cpu%"\n  operator = ">"\n  critical = 90\n  duration = 5m\n{extra}}}\n')
PY
# The last monitor names a target nobody declares: Prometheus' check reports it, streamed or not.
out=$("$mon" build -o bigout big 2>&1) && no "a monitor naming an undeclared target built: $out"
grep -q "a.mon:2400:14: error: no target named 'mk'" <<<"$out" || no "the undeclared target was not reported: $out"
"$mon" build --emit mackerel -o bigout big 2>/dev/null || no "build --emit mackerel of 400 monitors failed"
n=$(grep -c '"name": "cpu ' bigout/mackerel/monitors.json)
[ "$n" = 399 ] || no "400 monitors, one naming an undeclared target: $n in monitors.json, not 399"
printf 'target mackerel "mk" {}\n' > big/z.mon
"$mon" build -o bigout big 2>/dev/null || no "build with the Mackerel target declared last failed"
grep -q '"name": "cpu 399"' bigout/mackerel/monitors.json || no "the monitor naming a target declared after it is missing"
[ "$(grep -c '"name": "cpu ' bigout/mackerel/monitors.json)" = 400 ] || no "not 400 monitors in monitors.json"
printf 'target prometheus "mk" {\n  group = "g"\n  rules_dir = "/etc/prometheus/rules"\n}\n' > big/z.mon
python3 - big <<'PY'
import sys
with open(sys.argv[1] + "/a.mon", "w") as f:
    for i in range(400):
        f.write(f'monitor query "up {i}" {{\n  query = "up{{job=\\"j{i}\\"}}"\n  operator = "<"\n  critical = 1\n  for_duration = 5m\n}}\n')
PY
out=$("$mon" build -o bigout big 2>&1) || no "build of 400 query monitors for Prometheus declared last failed: $out"
[ -e bigout/mackerel/monitors.json ] && no "a Prometheus-only source kept Mackerel's monitors.json"
[ "$(find bigout/prometheus -type f -exec cat {} + | grep -c 'alert: ')" = 400 ] || no "not 400 Prometheus alerts: $(ls -R bigout)"
ls -aR bigout | grep -q '\.tmp\.' && no "a temporary file was left: $(ls -aR bigout)"

# Mackerel and Prometheus both stream (Prometheus keeps each target's rule text until the end):
# their files are those of a build that keeps every monitor, here one that cannot stream
# because a Grafana target (which does not stream) is declared first.
mkdir -p mixed
python3 - mixed <<'PY'
import sys
with open(sys.argv[1] + "/a.mon", "w") as f:
    f.write('target mackerel "mk" {}\ntarget prometheus "prom" { group = "g" }\n')
    for i in range(400):
        only = ['', '  targets = ["prom"]\n', '  targets = ["mk"]\n'][i % 3]
        f.write(f'monitor query "q {i}" {{\n  query = "up{{job=\\"j{i}\\"}}"\n  operator = "<"\n  critical = 1\n{only}}}\n')
    f.write('record "job:up:sum" { expr = "sum by (job) (up)" }\n')
PY
"$mon" build -o mixedout mixed 2>/dev/null || no "build of 400 monitors for Mackerel and Prometheus failed"
printf 'target grafana "graf" { datasource = "prom" }\n' > mixed/0.mon
"$mon" build -o keptout mixed 2>/dev/null || no "the same build with a Grafana target failed"
for f in mackerel/monitors.json prometheus/prom/g.yml; do
  cmp -s "mixedout/$f" "keptout/$f" || no "$f differs between a streamed build and one that keeps the monitors"
done
[ "$(grep -c 'alert: ' mixedout/prometheus/prom/g.yml)" = 267 ] || no "not 267 Prometheus alerts (400 less those for mk only)"
[ "$(grep -c '"name": "q ' mixedout/mackerel/monitors.json)" = 267 ] || no "not 267 Mackerel monitors"
grep -q 'record: "job:up:sum"' mixedout/prometheus/prom/g.yml || no "the record declared after the monitors is missing"

[ $fail -eq 0 ] && echo "build_backends: ok"
exit $fail
