#!/usr/bin/env bash
# Line and branch coverage of protocol/, chatd/ and wsproxy/ by the unit and integration tests:
# an instrumented Debug build in build-coverage/, the tests, then gcovr's summary per directory
# (and an HTML report in build-coverage/coverage/index.html).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
command -v gcovr >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"; $sudo apt-get install -y -qq gcovr >/dev/null; }

BUILD_DIR=build-coverage ./scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DCHAT_COVERAGE=ON
find build-coverage -name '*.gcda' -delete
ctest --test-dir build-coverage --output-on-failure -L 'unit|integration'
mkdir -p build-coverage/coverage
for part in protocol chatd wsproxy; do
  echo "== $part/"
  gcovr --root . --object-directory build-coverage --filter "$part/" --exclude-unreachable-branches \
        --exclude-throw-branches --print-summary --txt build-coverage/coverage/summary.txt |
    grep -E '^(lines|branches):'
done
gcovr --root . --object-directory build-coverage --filter 'protocol/' --filter 'chatd/' \
      --filter 'wsproxy/' --exclude-unreachable-branches --exclude-throw-branches \
      --html-details build-coverage/coverage/index.html --print-summary
