#!/usr/bin/env bash
# Zabbix target benchmark against a real Zabbix 6.0 (tests/zabbix/zabbix.sh):
#   * plan against N owned triggers (N monitors, one trapper item and one trigger each): the wall
#     time of `monitorc plan` beside the time the API itself takes for the three calls plan
#     makes (template.get, item.get, trigger.get, timed with curl), and the difference;
#   * apply N changes (every threshold moved) one at a time, batched with --parallel 1 and
#     batched with --parallel P, alternated, REPEATS times each: medians and their ratios.
#   bench/zabbix/run.sh MONITORC [N=1000] [REPEATS=3] [P=8]
# Starts (or reuses) the instance in build/zabbix-bench; stop it with
# tests/zabbix/zabbix.sh stop build/zabbix-bench.
set -eu
mon=$(realpath "$1"); n=${2:-1000}; reps=${3:-3}; par=${4:-8}
here=$(cd "$(dirname "$0")" && pwd)
zdir=${ZABBIX_DIR:-$here/../../build/zabbix-bench}
bash "$here/../../tests/zabbix/zabbix.sh" start "$zdir"
set -a; . "$zdir/env"; set +a
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tpl="monitorc bench $n"

gen() {  # gen THRESHOLD: N query monitors on trapper items
  python3 - "$n" "$1" "$ZABBIX_URL" "$tpl" >"$tmp/main.mon" <<'PY'
import sys
n, th, url, tpl = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
print('target zabbix "bench" {\n  url = "%s"\n  template_name = "%s"\n}' % (url, tpl))
for i in range(n):
    print('monitor query "bench %05d" {\n  query = "last(//bench.k%d)"\n  operator = ">"\n  critical = %s\n}' % (i, i, th))
PY
}
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >"$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

cd "$tmp"
gen 100
secs "$mon" apply --auto-approve --parallel "$par" --target bench main.mon >/dev/null   # the starting state
grep -Eq "No changes|, 0 failed" out || { cat out; exit 1; }

rpc() { curl -s --noproxy '*' -o /dev/null -H 'Content-Type: application/json-rpc' -d "$1" "$ZABBIX_URL/api_jsonrpc.php"; }
api_time() {
  local tid
  tid=$(curl -s --noproxy '*' -H 'Content-Type: application/json-rpc' \
    -d "{\"jsonrpc\":\"2.0\",\"method\":\"template.get\",\"params\":{\"output\":[\"templateid\"],\"filter\":{\"host\":[\"$tpl\"]}},\"auth\":\"$ZABBIX_TOKEN\",\"id\":1}" \
    "$ZABBIX_URL/api_jsonrpc.php" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"][0]["templateid"])')
  local t0 t1; t0=$(date +%s.%N)
  rpc "{\"jsonrpc\":\"2.0\",\"method\":\"template.get\",\"params\":{\"output\":[\"templateid\",\"host\"],\"filter\":{\"host\":[\"$tpl\"]},\"selectTags\":[\"tag\",\"value\"]},\"auth\":\"$ZABBIX_TOKEN\",\"id\":1}"
  rpc "{\"jsonrpc\":\"2.0\",\"method\":\"item.get\",\"params\":{\"output\":[\"itemid\",\"key_\",\"name\",\"type\",\"value_type\",\"units\",\"delay\"],\"templateids\":[\"$tid\"],\"inherited\":false,\"selectTags\":[\"tag\",\"value\"]},\"auth\":\"$ZABBIX_TOKEN\",\"id\":1}"
  rpc "{\"jsonrpc\":\"2.0\",\"method\":\"trigger.get\",\"params\":{\"output\":[\"triggerid\",\"description\",\"expression\",\"priority\",\"comments\",\"url\",\"manual_close\",\"recovery_mode\",\"recovery_expression\",\"opdata\",\"event_name\",\"status\",\"type\",\"correlation_mode\",\"correlation_tag\"],\"templateids\":[\"$tid\"],\"inherited\":false,\"expandExpression\":true,\"selectTags\":[\"tag\",\"value\"],\"selectDependencies\":[\"triggerid\"]},\"auth\":\"$ZABBIX_TOKEN\",\"id\":1}"
  t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l
}

plans=(); apis=()
for _ in $(seq "$reps"); do
  plans+=("$(secs "$mon" plan --target bench main.mon)")
  grep -q "No changes" out || { cat out; exit 1; }
  apis+=("$(api_time)")
done
p=$(median "${plans[@]}"); a=$(median "${apis[@]}")
printf 'plan against %d owned triggers: %.2f s (median of %d); the API alone: %.2f s; monitorc: %.2f s\n' \
  "$n" "$p" "$reps" "$a" "$(echo "$p - $a" | bc -l)"

# Three ways to write the same N changes, alternated: one change per request, one request at a
# time (--parallel 1 --batch 1, as apply wrote before batching); batches, one request at a time
# (--parallel 1); batches, P requests at a time (--parallel P).
one_t=(); ser_t=(); par_t=(); th=100
for _ in $(seq "$reps"); do
  for mode in par ser one; do
    th=$((th + 1)); gen "$th"
    case $mode in
      par) flags=(--parallel "$par") ;;
      ser) flags=(--parallel 1) ;;
      one) flags=(--parallel 1 --batch 1) ;;
    esac
    t=$(secs "$mon" apply --auto-approve "${flags[@]}" --target bench main.mon)
    grep -q "Apply complete: $n succeeded, 0 failed" out || { tail -5 out; exit 1; }
    case $mode in par) par_t+=("$t") ;; ser) ser_t+=("$t") ;; one) one_t+=("$t") ;; esac
  done
done
o=$(median "${one_t[@]}"); s=$(median "${ser_t[@]}"); q=$(median "${par_t[@]}")
printf 'apply %d changes (medians of %d alternated runs): one at a time (--parallel 1 --batch 1) %.1f s; batched, --parallel 1 %.1f s; batched, --parallel %d %.1f s\n' \
  "$n" "$reps" "$o" "$s" "$par" "$q"
printf '  --parallel %d vs one at a time: %.1fx; vs batched --parallel 1: %.1fx\n' "$par" "$(echo "$o / $q" | bc -l)" "$(echo "$s / $q" | bc -l)"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; PHP's built-in server with $(grep -o 'PHP_CLI_SERVER_WORKERS=[0-9]*' "$here/../../tests/zabbix/zabbix.sh" | cut -d= -f2) workers)"
