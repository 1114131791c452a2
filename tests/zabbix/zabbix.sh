#!/usr/bin/env bash
# zabbix.sh start|wait|stop DIR
#
# A throw-away real Zabbix 6.0 for tests, from Debian's packages (zabbix-server-pgsql,
# zabbix-frontend-php, postgresql, php-cli, php-pgsql; zabbix_sender from zabbix-agent):
#   * its own PostgreSQL cluster in DIR/pg, reachable only through a Unix socket in DIR
#     (no TCP port, trust for local connections: nothing else on the machine is used);
#   * zabbix_server (as user zabbix) with its trapper on 127.0.0.1:<free port>;
#   * the API through PHP's built-in server on 127.0.0.1:<free port>. Debian's frontend reads
#     its settings from the fixed path /etc/zabbix/zabbix.conf.php; instead of writing there,
#     PHP prepends DIR/prepend.php, which defines the frontend's config class with DIR's file,
#     so nothing outside DIR is written and several instances can run side by side.
# start brings everything up (idempotent; a second start waits for the first through a lock),
# then writes DIR/env (ZABBIX_URL, ZABBIX_TRAPPER_PORT, ZABBIX_TOKEN for user Admin) and
# DIR/ready. wait waits for DIR/ready (a start running in the background, e.g. from
# scripts/test.sh while the build runs), failing as soon as that start fails (DIR/failed).
# stop ends the processes recorded in DIR (never by name) and leaves the files.
# Must run as root (the server and the database run as their own users); DIR must be reachable
# by users postgres and zabbix. Logs: DIR/*.log.
set -euo pipefail

usage() { echo "usage: $0 start|wait|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
timeout_s=${ZABBIX_START_TIMEOUT:-120}
die() { echo "zabbix.sh: $*" >&2; [ "$cmd" = start ] && echo "$*" > "$dir/failed"; exit 1; }
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
# A free loopback port; zabbix_server takes ListenPort 1024-32767 only.
free_port() {
  python3 -c '
import random, socket
for _ in range(200):
    p = random.randint(20000, 32767)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()'
}
alive() { [ -s "$1" ] && kill -0 "$(head -n1 "$1")" 2>/dev/null; }

start() {
  # The daemons started below must not inherit fd 9, or they would hold the lock forever.
  exec 9>"$dir/lock"
  flock 9
  [ -f "$dir/ready" ] && alive "$dir/php.pid" && alive "$dir/run/zabbix_server.pid" && return 0
  rm -f "$dir/ready" "$dir/failed"
  [ "$(id -u)" = 0 ] || die "must run as root"
  local missing=()
  [ -x /usr/sbin/zabbix_server ] || missing+=(zabbix-server-pgsql)
  [ -f /usr/share/zabbix/api_jsonrpc.php ] || missing+=(zabbix-frontend-php)
  [ -n "$(pgbin)" ] || missing+=(postgresql)
  php -r 'exit(extension_loaded("pgsql") ? 0 : 1);' 2>/dev/null || missing+=(php-cli php-pgsql)
  command -v zabbix_sender >/dev/null || missing+=(zabbix-agent)
  [ ${#missing[@]} -eq 0 ] || die "missing Debian packages: ${missing[*]} (bash scripts/install-deps.sh)"
  chmod 755 "$dir"
  for u in postgres zabbix; do runuser -u $u -- test -x "$dir" || die "user $u cannot reach $dir"; done
  local bin pg=$dir/pg sock=$dir/sock t0=$SECONDS
  bin=$(pgbin)
  install -d -o postgres -g postgres -m 755 "$sock"  # zabbix_server connects as user zabbix
  # 1. PostgreSQL: a private cluster; durability off (a test database).
  if [ ! -s "$pg/PG_VERSION" ]; then
    rm -rf "$pg" "$dir/imported"
    install -d -o postgres -g postgres -m 700 "$pg"
    runuser -u postgres -- "$bin/initdb" -D "$pg" -U postgres -E UTF8 --locale=C.UTF-8 --no-sync --auth-local=trust \
      >"$dir/initdb.log" 2>&1 || die "initdb failed (see $dir/initdb.log)"
    cat >>"$pg/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$pg" status >/dev/null 2>&1; then
    touch "$dir/postgres.log"; chown postgres "$dir/postgres.log"
    runuser -u postgres -- "$bin/pg_ctl" -D "$pg" -l "$dir/postgres.log" -w -t "$timeout_s" start >/dev/null 9>&- ||
      die "PostgreSQL did not start (see $dir/postgres.log)"
  fi
  # 2. The schema and Zabbix's initial data, once.
  local psql=("$bin/psql" -X -q -h "$sock" -v ON_ERROR_STOP=1)
  if [ ! -f "$dir/imported" ]; then
    PGOPTIONS='-c client_min_messages=warning' "${psql[@]}" -U postgres -d postgres -c "DROP DATABASE IF EXISTS zabbix" -c "DROP ROLE IF EXISTS zabbix" \
      -c "CREATE ROLE zabbix LOGIN" -c "CREATE DATABASE zabbix OWNER zabbix ENCODING 'UTF8' TEMPLATE template0" >/dev/null
    local sql=/usr/share/zabbix-server-pgsql
    zcat "$sql/schema.sql.gz" "$sql/images.sql.gz" | "${psql[@]}" -U zabbix -d zabbix >"$dir/import.log" 2>&1 ||
      die "schema import failed (see $dir/import.log)"
    # data.sql is ~170k one-row INSERTs: one round trip each through psql. PHP's pg_query sends
    # many statements in one query, so they go in batches of about a megabyte.
    zcat "$sql/data.sql.gz" | php -r '
      $c = pg_connect($argv[1]) or exit(2);
      $batch = "";
      while (($line = fgets(STDIN)) !== false) {
        $batch .= $line;
        if (strlen($batch) > 1000000 && substr($line, -2) === ";\n" && !pg_query($c, $batch)) exit(1);
        if (strlen($batch) > 1000000 && substr($line, -2) === ";\n") $batch = "";
      }
      if ($batch !== "" && !pg_query($c, $batch)) exit(1);' "host=$sock user=zabbix dbname=zabbix" >>"$dir/import.log" 2>&1 ||
      die "data import failed (see $dir/import.log)"
    touch "$dir/imported"
  fi
  # 3. zabbix_server, as user zabbix.
  local trapper api
  trapper=$(free_port)
  install -d -o zabbix -g zabbix -m 755 "$dir/run"
  cat >"$dir/zabbix_server.conf" <<CONF
LogFile=$dir/zabbix_server.log
LogFileSize=0
PidFile=$dir/run/zabbix_server.pid
SocketDir=$dir/run
DBHost=$sock
DBName=zabbix
DBUser=zabbix
ListenIP=127.0.0.1
ListenPort=$trapper
StartPollers=1
StartPollersUnreachable=1
StartPingers=1
StartDiscoverers=1
StartHTTPPollers=1
StartTrappers=2
StartPreprocessors=2
StartAlerters=1
StartLLDProcessors=1
StartHistoryPollers=1
CacheUpdateFrequency=10
Timeout=4
CONF
  touch "$dir/zabbix_server.log"; chown zabbix "$dir/zabbix_server.log"
  /usr/sbin/zabbix_server -c "$dir/zabbix_server.conf" 9>&- || die "zabbix_server did not start (see $dir/zabbix_server.log)"
  # 4. The frontend's API through php -S, with the config class pointed at DIR.
  cat >"$dir/zabbix.conf.php" <<CONF
<?php
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '$sock';
\$DB['PORT'] = '0';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER'] = 'zabbix';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER = '127.0.0.1';
\$ZBX_SERVER_PORT = '$trapper';
\$ZBX_SERVER_NAME = 'monitorc-test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
CONF
  cat >"$dir/prepend.php" <<CONF
<?php
// The frontend's config class, with its fixed path replaced by this instance's file.
eval('?>' . str_replace("'/etc/zabbix/zabbix.conf.php'", var_export('$dir/zabbix.conf.php', true),
                        file_get_contents('/usr/share/zabbix/include/classes/core/CConfigFile.php')));
CONF
  api=$(free_port)
  # OPcache (set up before the workers fork, so they share it) spares each call compiling the
  # frontend again.
  PHP_CLI_SERVER_WORKERS=4 setsid php -d auto_prepend_file="$dir/prepend.php" -d memory_limit=512M \
    -d opcache.enable_cli=1 -d opcache.memory_consumption=128 \
    -d post_max_size=32M -d max_execution_time=300 -d date.timezone=UTC -d display_errors=0 \
    -S "127.0.0.1:$api" -t /usr/share/zabbix </dev/null >>"$dir/php.log" 2>&1 9>&- &
  echo $! >"$dir/php.pid"
  local url=http://127.0.0.1:$api body
  rpc() { curl -s --noproxy '*' -m 10 -H 'Content-Type: application/json-rpc' -d "$1" "$url/api_jsonrpc.php"; }
  for ((i = 0; i < timeout_s * 5; i++)); do
    body=$(rpc '{"jsonrpc":"2.0","method":"apiinfo.version","params":{},"id":1}' 2>/dev/null || true)
    [[ $body == *'"result"'* ]] && break
    alive "$dir/php.pid" || die "php -S exited (see $dir/php.log)"
    sleep 0.2
  done
  [[ $body == *'"result"'* ]] || die "the API did not answer at $url (see $dir/php.log)"
  # 5. An API token for Admin (the tests use tokens; the login path is tested with Admin's password).
  local session token
  session=$(rpc '{"jsonrpc":"2.0","method":"user.login","params":{"username":"Admin","password":"zabbix"},"id":1}' |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])') || die "login as Admin failed"
  token=$(python3 - "$url" "$session" <<'PY'
import json, sys, urllib.request, time
url, auth = sys.argv[1] + "/api_jsonrpc.php", sys.argv[2]
def rpc(method, params):
    req = urllib.request.Request(url, json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "auth": auth, "id": 1}).encode(),
                                 {"Content-Type": "application/json-rpc"})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req) as r:
        return json.load(r)["result"]
ids = rpc("token.create", {"name": "monitorc-tests-%d" % time.time_ns(), "userid": "1"})["tokenids"]
print(rpc("token.generate", ids)[0]["token"])
PY
) || die "token.create failed"
  for ((i = 0; i < timeout_s * 5; i++)); do
    grep -q 'server #0 started' "$dir/zabbix_server.log" && break
    alive "$dir/run/zabbix_server.pid" || die "zabbix_server exited (see $dir/zabbix_server.log)"
    sleep 0.2
  done
  grep -q 'server #0 started' "$dir/zabbix_server.log" || die "zabbix_server did not start (see $dir/zabbix_server.log)"
  umask 077
  printf 'ZABBIX_URL=%s\nZABBIX_TRAPPER_PORT=%s\nZABBIX_TOKEN=%s\n' "$url" "$trapper" "$token" >"$dir/env"
  touch "$dir/ready"
  echo "zabbix.sh: up in $((SECONDS - t0)) s: $url (trapper 127.0.0.1:$trapper)" >&2
}

wait_ready() {
  for ((i = 0; i < timeout_s * 5; i++)); do
    [ -f "$dir/ready" ] && return 0
    [ -f "$dir/failed" ] && { echo "zabbix.sh: start failed: $(cat "$dir/failed")" >&2; return 1; }
    sleep 0.2
  done
  echo "zabbix.sh: not ready after ${timeout_s}s" >&2; return 1
}

stop() {
  rm -f "$dir/ready"
  # php -S with workers: its children leave with their process group (setsid made it one).
  if alive "$dir/php.pid"; then kill -TERM -- "-$(cat "$dir/php.pid")" 2>/dev/null || true; fi
  if alive "$dir/run/zabbix_server.pid"; then
    local pid; pid=$(cat "$dir/run/zabbix_server.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  local bin; bin=$(pgbin)
  if [ -s "$dir/pg/postmaster.pid" ] && [ -n "$bin" ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -f "$dir/php.pid"
}

case $cmd in
  start) start ;;
  wait) wait_ready ;;
  stop) stop ;;
  *) usage ;;
esac
