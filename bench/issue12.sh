#!/usr/bin/env bash
# Every case of issue 12, chatd against InspIRCd, RUNS interleaved runs each (servers pinned to
# CPU 0, load generator to CPU 1), medians printed after each case. chatd runs twice a round:
# over IRC beside InspIRCd (bench/compare.sh) and on its native protocol (bench/fanout.sh).
#
#   bench/issue12.sh [RUNS (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
cases=(
  "fan-out: 1,000 clients, 10 rooms, 100 senders at full speed|"
  "big room: 2,000 members, 100 messages/s|--clients 2000 --rooms 1 --senders 10 --rate 100"
  "big room: 10,000 members, 100 messages/s|--clients 10000 --rooms 1 --senders 10 --rate 100"
  "idle and connect storm: 10,000 clients in 100 rooms|--clients 10000 --rooms 100 --senders 0 --seconds 0"
)
for entry in "${cases[@]}"; do
  title=${entry%%|*}
  read -r -a flags <<<"${entry#*|}"
  echo "## $title"
  {
    for ((run = 1; run <= runs; run++)); do
      bench/compare.sh 1 "${flags[@]}"
      bench/fanout.sh 1 "${flags[@]}" || true
    done
  } 2>/dev/null | node bench/medians.mjs
done
