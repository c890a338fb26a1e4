#!/usr/bin/env bash
# Sets up, builds and runs every test: doctest unit tests, integration tests against the real
# chatd/wsproxy/chat binaries, and browser end-to-end tests (all through ctest). Then the unit
# and integration tests again on a Debug build with AddressSanitizer and UBSan, and a short
# libFuzzer run of every protocol parser (FUZZ_SECONDS each, default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

echo "== build (warnings are errors)"
BUILD_DIR=build ./scripts/build.sh -DCHAT_WERROR=ON
echo "== all tests"
ctest --test-dir build --output-on-failure

echo "== build with AddressSanitizer + UBSan"
BUILD_DIR=build-asan ./scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DCHAT_SANITIZE=ON -DCHAT_WERROR=ON
echo "== unit and integration tests under the sanitizers"
ctest --test-dir build-asan --output-on-failure -L 'unit|integration'
echo "== fuzz the protocol parsers"
./scripts/fuzz.sh
