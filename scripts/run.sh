#!/usr/bin/env bash
# Sets up, builds and runs the whole system: chatd on port 8080 (raw TCP: nc, the console
# client) and 6667 (IRC clients) and wsproxy on port 8000 (the web app and its WebSocket). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh

CHAT_PORT=${CHAT_PORT:-8080}
IRC_PORT=${IRC_PORT:-6667}
WEB_PORT=${WEB_PORT:-8000}
build/chatd/chatd --port "$CHAT_PORT" --irc-port "$IRC_PORT" &
chatd_pid=$!
build/wsproxy/wsproxy --port "$WEB_PORT" --upstream "127.0.0.1:$CHAT_PORT" --webroot webapp &
wsproxy_pid=$!
trap 'kill $chatd_pid $wsproxy_pid 2>/dev/null; wait' INT TERM EXIT

sleep 0.5
cat <<MSG

  Chat is running.
    Web app:         http://localhost:$WEB_PORT/
    netcat:          nc localhost $CHAT_PORT      (then: USERNAME yourname, SEND hello)
    console client:  build/cli/chat --port $CHAT_PORT --nick yourname
    IRC client:      irssi -c localhost -p $IRC_PORT -n yourname   (any IRC client)
  Press Ctrl-C to stop.

MSG
wait -n $chatd_pid $wsproxy_pid
