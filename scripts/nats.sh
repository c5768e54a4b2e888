#!/usr/bin/env bash
# NATS for the distributed runtime (frontend + workers).
#   scripts/nats.sh install          install Debian's nats-server where it is missing
#   scripts/nats.sh start [PORT]     start it on 127.0.0.1 (default 4222) with JetStream, in the background
#   scripts/nats.sh stop [PORT]      stop the one started here on PORT
set -euo pipefail
state="${TMPDIR:-/tmp}/dynamo-nats"

find_server() {
  command -v nats-server 2>/dev/null || { [ -x /usr/sbin/nats-server ] && echo /usr/sbin/nats-server; } || true
}

case "${1:-}" in
  install)
    if [ -n "$(find_server)" ]; then
      echo "nats-server is installed: $("$(find_server)" --version)"
      exit 0
    fi
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -q nats-server >/dev/null 2>&1 || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q nats-server >/dev/null; }
    # Debian enables a system service on install; the runtime starts its own servers.
    $sudo systemctl disable --now nats-server >/dev/null 2>&1 || true
    echo "installed: $("$(find_server)" --version)"
    ;;
  start)
    port="${2:-4222}"
    server="$(find_server)"
    [ -n "$server" ] || { echo "nats-server is missing: run scripts/nats.sh install" >&2; exit 1; }
    mkdir -p "$state/$port"
    "$server" -a 127.0.0.1 -p "$port" -js -sd "$state/$port" -P "$state/$port.pid" >"$state/$port.log" 2>&1 &
    for _ in $(seq 50); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "nats-server with JetStream on nats://127.0.0.1:$port (log: $state/$port.log)"
        exit 0
      fi
      sleep 0.1
    done
    echo "nats-server did not start; see $state/$port.log" >&2
    exit 1
    ;;
  stop)
    port="${2:-4222}"
    [ -f "$state/$port.pid" ] && kill "$(cat "$state/$port.pid")" && rm -f "$state/$port.pid" && echo "stopped nats-server on port $port"
    ;;
  *)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
