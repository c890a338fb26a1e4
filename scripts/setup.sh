#!/usr/bin/env bash
# Installs everything the project needs on Debian 12 (idempotent): build tools and libraries,
# the test tools (chromium, tmux, nc, docker-compose for validating the compose file, clang and
# libFuzzer for fuzzing) and the npm packages of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make pkg-config
  libasio-dev libwebsocketpp-dev libfmt-dev doctest-dev nlohmann-json3-dev libedit-dev
  libsqlite3-dev libsodium-dev libssl-dev libcurl4-openssl-dev libpq-dev libhiredis-dev sqlite3 openssl
  postgresql-15 redis-server
  chromium tmux netcat-openbsd docker-compose irssi
)
# Not for the build (the Docker image leaves them out): scripts/fuzz.sh's compiler and runtime.
fuzzing_packages=(clang-14 libfuzzer-14-dev)
packages+=("${fuzzing_packages[@]}")
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
