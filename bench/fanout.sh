#!/usr/bin/env bash
# Issue 12's fan-out case against chatd: 1,000 clients in 10 rooms, 100 of them sending 64-byte
# messages as fast as they can, chatd pinned to CPU 0 and the load generator to CPU 1; prints
# the load generator's JSON for each run. chatd runs without flood control (this is a load test).
#
#   bench/fanout.sh [RUNS (3)] [LOADGEN FLAGS...]     e.g. bench/fanout.sh 3 --irc
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CHAT_BUILD_DIR:-build}
runs=${1:-3}
shift || true
for ((run = 1; run <= runs; run++)); do
  log=$(mktemp)
  taskset -c 0 "$build/chatd/chatd" --bind 127.0.0.1 --port 0 --irc-port 0 --no-store \
    --no-flood-control --max-connections 100000 >"$log" 2>&1 &
  chatd=$!
  until grep -q "listening on" "$log"; do sleep 0.05; done
  port=$(sed -n 's/^chatd listening on [^:]*:\([0-9]*\)$/\1/p' "$log")
  irc_port=$(sed -n 's/^chatd IRC on [^:]*:\([0-9]*\)$/\1/p' "$log")
  args=(--port "$port")
  [[ " $* " == *" --irc "* ]] && args=(--port "$irc_port")
  ${LOADGEN_PREFIX:-} taskset -c 1 "$build/bench/loadgen" "${args[@]}" --clients 1000 --rooms 10 --senders 100 \
    --size 64 --seconds 10 --server-pid "$chatd" "$@"
  kill "$chatd"
  wait "$chatd" || true
  rm -f "$log"
done
