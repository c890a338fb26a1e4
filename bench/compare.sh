#!/usr/bin/env bash
# chatd against InspIRCd (Debian's inspircd package) on the same machine and in the same run:
# the fan-out case of issue 12 over IRC, runs interleaved, each server pinned to CPU 0 and the
# load generator to CPU 1. Prints one JSON line per run, with the server's name added.
#
#   bench/compare.sh [RUNS (3)] [LOADGEN FLAGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CHAT_BUILD_DIR:-build}
runs=${1:-3}
shift || true
command -v inspircd >/dev/null || { echo "compare.sh: apt-get install -y inspircd" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)"  # InspIRCd keeps the limit it is given

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_chatd() {
  local log=$work/chatd.log
  taskset -c 0 "$build/chatd/chatd" --bind 127.0.0.1 --port 0 --irc-port 0 --no-store \
    --no-flood-control --max-connections 100000 >"$log" 2>&1 &
  local pid=$!
  until grep -q "listening on" "$log"; do sleep 0.05; done
  local port
  port=$(sed -n 's/^chatd IRC on [^:]*:\([0-9]*\)$/\1/p' "$log")
  # A run that fails (clients not all in within loadgen's deadline) says so and is left out.
  taskset -c 1 "$build/bench/loadgen" --irc --port "$port" --server-pid "$pid" "$@" |
    sed 's/^{/{"server":"chatd",/' || true
  kill "$pid"
  wait "$pid" || true
}

run_inspircd() {
  local port
  port=$(free_port)
  sed "s|@PORT@|$port|; s|@DIR@|$work|" bench/inspircd.conf.in >"$work/inspircd.conf"
  taskset -c 0 inspircd --nofork --runasroot --config "$work/inspircd.conf" >"$work/insp.out" 2>&1 &
  local pid=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
  taskset -c 1 "$build/bench/loadgen" --irc --port "$port" --server-pid "$pid" "$@" |
    sed 's/^{/{"server":"inspircd",/' || true
  kill "$pid"
  wait "$pid" || true
}

defaults=(--clients 1000 --rooms 10 --senders 100 --size 64 --seconds 10)
for ((run = 1; run <= runs; run++)); do
  run_chatd "${defaults[@]}" "$@"
  run_inspircd "${defaults[@]}" "$@"
done
