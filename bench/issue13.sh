#!/usr/bin/env bash
# Issue 13's whole bench set for one commit, in one command (about 6 min, 8 with --profile):
#   bench/issue13.sh [--app-ref REF] [--out DIR] [--profile]
# votes and ideas × closed loop (concurrency 50, with the same-card ceiling) and open loop
# (300 persons × 3 clicks at once over 1 s), votes closed loop with --auth, votes open loop
# with 4 dots each (every 4th refused); --profile adds a py-spy'd votes closed-loop run.
# Each run writes DIR/<name>.json and DIR/<name>.txt; then DIR/summary.json and summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ref=HEAD out="" profile=0
while [ $# -gt 0 ]; do
  case "$1" in
    --app-ref) ref="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --profile) profile=1; shift ;;
    *) echo "usage: bench/issue13.sh [--app-ref REF] [--out DIR] [--profile]" >&2; exit 2 ;;
  esac
done
commit=$(git rev-parse --short "$ref")  # one commit for every run, even if REF moves
out=${out:-/tmp/issue13-$commit-$(date -u +%Y%m%dT%H%M)}
mkdir -p "$out"
py=.venv/bin/python
run() {  # name, then run.py's options; each run bounded to 6 minutes
  local name=$1; shift
  echo "== $name ($(date -u +%H:%M:%S))" >&2
  if ! timeout -s TERM 360 "$py" bench/run.py --app-ref "$commit" --ceiling-rounds 3 \
      --json "$out/$name.json" "$@" >"$out/$name.txt" 2>&1; then
    echo "   $name failed: see $out/$name.txt" >&2
  fi
}
run votes-closed --burst votes
run votes-closed-auth --burst votes --auth
run ideas-closed --burst ideas
run votes-open --burst votes --open-loop
run ideas-open --burst ideas --open-loop
run votes-open-4 --burst votes --open-loop --per-person 4
if [ "$profile" = 1 ]; then
  run votes-closed-pyspy --burst votes --py-spy "$out/votes-closed.pyspy.raw"
fi
"$py" bench/issue13.py "$out"
echo "figures in $out" >&2
