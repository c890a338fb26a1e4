#!/usr/bin/env bash
# Builds a libFuzzer target for each parser in protocol/, for chatd's ID token checks and for the
# cluster's bus entries (clang, with AddressSanitizer and
# UBSan) and runs each for FUZZ_SECONDS (default 60), starting from the seed corpus checked in
# under tests/fuzz/corpus/. A crash or a violated property (tests/fuzz/property.hpp) fails the
# run and leaves the input that did it in build-fuzz/. New inputs found stay in build-fuzz/.
#   FUZZ_SECONDS=600 scripts/fuzz.sh irc_message     # one target, longer
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
compiler=${FUZZ_CXX:-clang++-14}
out=build-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(line_reader command server_line json_mapping irc_message id_token bus_message)
mkdir -p "$out"

# The protocol library's sources, built into each target with the fuzzer's instrumentation.
sources=(protocol/*.cpp)
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I. -DFMT_HEADER_ONLY)

for target in "${targets[@]}"; do
  binary="$out/${target}_fuzz"
  echo "== fuzz $target: build"
  extra=()
  # chatd's ID token decoding and verification: C++20, libsodium (base64) and OpenSSL.
  [ "$target" = id_token ] && extra=(-std=c++20 chatd/oidc/id_token.cpp chatd/oidc/signing_keys.cpp
                                     chatd/oidc/base64url.cpp -lsodium -lcrypto)
  # What one chatd node writes on the cluster's bus for the others (C++20, nlohmann JSON).
  [ "$target" = bus_message ] && extra=(-std=c++20 chatd/cluster/bus_message.cpp)
  "$compiler" "${flags[@]}" "tests/fuzz/${target}_fuzz.cpp" "${sources[@]}" "${extra[@]}" -o "$binary"
  corpus="$out/corpus/$target"
  mkdir -p "$corpus"
  echo "== fuzz $target: ${seconds} s"
  (cd "$out" && "./${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "corpus/$target" "../tests/fuzz/corpus/$target" 2>&1 |
    grep -E '^(#[0-9]+ +DONE|INFO: Running|==[0-9]+==|SUMMARY|property violated|stat::number_of_executed_units)' || true)
  # libFuzzer writes crash-*, leak-*, timeout-* or oom-* files for what failed.
  if compgen -G "$out/crash-*" >/dev/null || compgen -G "$out/leak-*" >/dev/null ||
     compgen -G "$out/timeout-*" >/dev/null || compgen -G "$out/oom-*" >/dev/null; then
    echo "fuzz $target: failed; reproduce with $binary $(ls "$out"/{crash,leak,timeout,oom}-* 2>/dev/null | head -1)"
    exit 1
  fi
done
echo "fuzz: every target ran ${seconds} s without a crash or a violated property"
