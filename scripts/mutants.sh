#!/usr/bin/env bash
# A mutation check: applies one behaviour-breaking edit at a time (tests/mutants.txt), rebuilds,
# runs the unit and integration tests, and reports each edit the suite did not catch. Uses its own
# build directory (build-mutants/) and restores the file it changed after each, even when
# interrupted. Exits 1 if any mutant survived.
#
#   scripts/mutants.sh            every mutant
#   scripts/mutants.sh 3 7        only those numbers
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-mutants
[ -d "$build" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

# mutant.py count | mutant.py apply N BACKUP_DIR (prints "file<TAB>title")
mutant() {
  python3 - "$@" <<'PY'
import os, shutil, sys
blocks = []
for block in open('tests/mutants.txt').read().split('\n\n'):
    lines = [l for l in block.split('\n') if l and not l.startswith('#')]
    if not lines:
        continue
    title, path = lines[0], lines[1]
    old = '\n'.join(l[2:] for l in lines[2:] if l.startswith('- '))
    new = '\n'.join(l[2:] for l in lines[2:] if l.startswith('+ '))
    blocks.append((title, path, old, new))
if sys.argv[1] == 'count':
    print(len(blocks))
    sys.exit(0)
title, path, old, new = blocks[int(sys.argv[2]) - 1]
text = open(path).read()
if old not in text:
    sys.exit(f'mutant {sys.argv[2]}: its text is no longer in {path}; update tests/mutants.txt')
shutil.copy(path, os.path.join(sys.argv[3], 'original'))
open(path, 'w').write(text.replace(old, new, 1))
print(f'{path}\t{title}')
PY
}

backup=$(mktemp -d)
current=""
restore() {
  if [ -n "$current" ]; then cp "$backup/original" "$current"; current=""; fi
}
trap 'restore; rm -rf "$backup"' EXIT

count=$(mutant count)
numbers=("$@")
((${#numbers[@]})) || numbers=($(seq 1 "$count"))
caught=0
survived=()
for number in "${numbers[@]}"; do
  applied=$(mutant apply "$number" "$backup") || exit 2
  IFS=$'\t' read -r current title <<<"$applied"
  if ! cmake --build "$build" -j "$(nproc)" >/dev/null 2>&1; then
    echo "mutant $number ($title): does not build"
    restore
    exit 2
  fi
  if ctest --test-dir "$build" -L 'unit|integration' --stop-on-failure >/dev/null 2>&1; then
    echo "mutant $number ($title): SURVIVED"
    survived+=("$number")
  else
    echo "mutant $number ($title): caught"
    caught=$((caught + 1))
  fi
  restore
done
cmake --build "$build" -j "$(nproc)" >/dev/null 2>&1
echo "mutants: ${caught} caught, ${#survived[@]} survived ${survived[*]:-}"
((${#survived[@]} == 0))
