#!/usr/bin/env bash
# Backend benchmark. Workloads: 10,000 alert rules -> one Prometheus rule file, written as
# (a) 10,000 literal monitor blocks (3.4 MB of source: parse-bound) and (b) one template used
# from nested for loops; and 100 dashboards x 10 panels -> Grafana JSON. Prints wall time, CPU
# time (user+sys) and peak RSS of `monitorc build` (the run with the best wall time of
# REPEATS), and `promtool check rules` on the same emitted rules, with the ratios. CPU time is
# the fairer figure on a shared machine (wall time there includes waiting for a core).
#   bench/backends/run.sh MONITORC [REPEATS=3]
set -eu
mon=$(realpath "$1"); reps=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen.py" rules 10000 "$tmp/flat.mon"
python3 "$here/gen.py" templated "$tmp/templated.mon"
python3 "$here/gen.py" dashboards 100 10 "$tmp/dash.mon"

# "wall cpu rssKiB" of the best-wall run of "$@"
measure() {
  local best="" cpu="" rss=""
  for _ in $(seq "$reps"); do
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
    read -r s u y k <"$tmp/t"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; cpu=$(echo "$u+$y" | bc -l); rss=$k; fi
  done
  echo "$best $cpu $rss"
}
line() { printf '%-58s %6.2f s wall  %6.2f s CPU  peak RSS %6.1f MiB\n' "$1" "$2" "$3" "$(echo "$4/1024" | bc -l)"; }
ratio() { printf '%-58s %6.1fx wall  %6.1fx CPU\n' "$1" "$(echo "$2/$4" | bc -l)" "$(echo "$3/$5" | bc -l)"; }

read -r fw fc fk < <(measure "$mon" build --emit prometheus -o "$tmp/flat" "$tmp/flat.mon")
read -r tw tc tk < <(measure "$mon" build --emit prometheus -o "$tmp/tpl" "$tmp/templated.mon")
flat=$(find "$tmp/flat/prometheus" -name '*.yml'); tpl=$(find "$tmp/tpl/prometheus" -name '*.yml')
nflat=$(grep -c '^      - alert:' "$flat"); ntpl=$(grep -c '^      - alert:' "$tpl")
read -r pw pc pk < <(measure promtool check rules "$flat")
read -r qw qc qk < <(measure promtool check rules "$tpl")
read -r dw dc dk < <(measure "$mon" build --emit grafana -o "$tmp/dash" "$tmp/dash.mon")
ndash=$(find "$tmp/dash/grafana" -path '*/dashboards/*.json' | wc -l)
npanel=$(cat "$tmp/dash"/grafana/bench/dashboards/*.json | grep -c '"gridPos"')

line "monitorc build: $nflat rules, literal source -> Prometheus" "$fw" "$fc" "$fk"
line "promtool check rules, same file" "$pw" "$pc" "$pk"
ratio "  promtool / monitorc" "$pw" "$pc" "$fw" "$fc"
line "monitorc build: $ntpl rules, templated source -> Prometheus" "$tw" "$tc" "$tk"
line "promtool check rules, same file" "$qw" "$qc" "$qk"
ratio "  promtool / monitorc" "$qw" "$qc" "$tw" "$tc"
line "monitorc build: $ndash dashboards x $((npanel / ndash)) panels -> Grafana" "$dw" "$dc" "$dk"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
