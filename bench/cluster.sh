#!/usr/bin/env bash
# Issue 10's figures: the fan-out case of bench/fanout.sh (1,000 clients in 10 rooms, 100 of
# them sending 64-byte messages) with the clients spread over 1, 2 and 3 chatd nodes of one
# cluster on a throwaway redis-server, each room's members on every node. Prints the load
# generator's JSON for each run: deliveries a second, the CPU of the nodes and Redis together
# (server_cpu, in cores), and latency split into
# local (sender and receiver on one node) and remote (across nodes). The rate is fixed (not
# "as fast as it goes") so that latency is not queueing: --rate 2000 by default.
#
#   bench/cluster.sh [NODES (1 2 3)] [-- LOADGEN FLAGS...]    e.g. bench/cluster.sh "1 3" -- --rate 5000
#
# chatd keeps nothing here (--no-store), as bench/fanout.sh: the store's cost is bench/store.mjs's.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CHAT_BUILD_DIR:-build}
node_counts=${1:-1 2 3}
shift || true
[[ "${1:-}" == "--" ]] && shift
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
redis_pid=$!
pids+=($redis_pid)
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.05; done

for nodes in $node_counts; do
  redis-cli -p "$redis_port" flushall >/dev/null
  ports=() node_pids=()
  for ((n = 1; n <= nodes; n++)); do
    log="$work/chatd-$nodes-$n.log"
    "$build/chatd/chatd" --bind 127.0.0.1 --port 0 --no-irc --no-store --no-flood-control \
      --max-connections 100000 --cluster "redis://127.0.0.1:$redis_port" --node-name "node$n" \
      >"$log" 2>&1 &
    node_pids+=($!)
    pids+=($!)
    until grep -q "cluster link up" "$log"; do sleep 0.05; done
    ports+=("$(sed -n 's/^chatd listening on [^:]*:\([0-9]*\)$/\1/p' "$log")")
  done
  "$build/bench/loadgen" --port "$(IFS=,; echo "${ports[*]}")" \
    --server-pid "$(IFS=,; echo "$redis_pid,${node_pids[*]}")" --clients 1000 --rooms 10 --senders 100 \
    --size 64 --seconds 10 --rate 2000 "$@"
  for pid in "${node_pids[@]}"; do kill "$pid"; wait "$pid" || true; done
done
