#!/usr/bin/env bash
# Load benchmark of the storefront (issue 2). Builds the release binary, seeds
# the 20,000-product catalog on SQLite and on PostgreSQL, and measures with oha:
#   1. maximum throughput per page (closed loop, 64 connections, 15 s),
#   2. latency at an offered 1,000 requests/s over 1,000 connections (30 s,
#      open loop with latency correction, so queueing delay is counted),
# plus the throughput of a bare axum handler (server/examples/ceiling.rs) on the
# same machine as the ceiling. Results go to bench/results/<date>/ and are
# summarised by hand in docs/PERFORMANCE.md.
#
# The load generator runs on the same 2-core machine as the server: both
# compete for the CPUs, so numbers are a floor of what a separate client sees.
#
# usage: bench/run.sh [sqlite|postgres|all]   (default all)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/bazaar-target}"
WHICH=${1:-all}
OUT="bench/results/$(date -u +%Y%m%d-%H%M)"
mkdir -p "$OUT"
DURATION=${BENCH_DURATION:-30s}
MAX_DURATION=${BENCH_MAX_DURATION:-15s}
PORT=3080
BASE="http://127.0.0.1:$PORT"

command -v oha >/dev/null || cargo install oha --locked
cargo leptos build --release
cargo build --release -p server --example ceiling

wait_ready() {
  for _ in $(seq 600); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "server did not become ready" >&2; return 1
}

pages() {
  # A category page deep in the listing, a product, and a search with facets.
  local product
  product=$(curl -fsS "$BASE/c/clothing" | grep -o 'href="/p/[^"]*"' | head -1 | sed 's/href="//;s/"//')
  echo "home /"
  echo "category /c/clothing?page=3"
  echo "product $product"
  echo "search /search?q=wool+sweater"
}

measure() {
  local label=$1
  while read -r name path; do
    echo "== $label $name $path" | tee -a "$OUT/summary.txt"
    oha --no-tui -z "$MAX_DURATION" -c 64 --output-format json "$BASE$path" > "$OUT/$label-$name-max.json"
    python3 bench/summarise.py max "$OUT/$label-$name-max.json" | tee -a "$OUT/summary.txt"
    oha --no-tui -z "$DURATION" -c 1000 -q 1000 --latency-correction --output-format json "$BASE$path" > "$OUT/$label-$name-1000rps.json"
    python3 bench/summarise.py rate "$OUT/$label-$name-1000rps.json" | tee -a "$OUT/summary.txt"
  done < <(pages)
  ps -o rss= -p "$SERVER_PID" | awk '{printf "resident memory after the run: %.0f MB\n", $1/1024}' | tee -a "$OUT/summary.txt"
}

run_store() {
  local label=$1 data
  data=$(mktemp -d)
  export BAZAAR__DATA_DIR="$data" BAZAAR__SERVER__PORT=$PORT BAZAAR__LOG__FILTER=warn BAZAAR__DATABASE__MAX_CONNECTIONS=32
  # serve seeds only an empty SQLite database by itself; seed explicitly (and
  # time it: the issue asks for under 60 s on SQLite).
  /usr/bin/time -f "seed + index: %e s, max RSS %M KB" "$CARGO_TARGET_DIR/release/bazaar" seed 2>&1 | grep -v "^seeding:\|^indexing:" | tee -a "$OUT/summary.txt"
  "$CARGO_TARGET_DIR/release/bazaar" serve > "$OUT/$label-server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready
  measure "$label"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$data"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GB; load generator on the same machine" | tee "$OUT/summary.txt"

"$CARGO_TARGET_DIR/release/examples/ceiling" $PORT &
CEILING=$!
sleep 1
echo "== ceiling: bare axum handler" | tee -a "$OUT/summary.txt"
oha --no-tui -z "$MAX_DURATION" -c 64 --output-format json "$BASE/" > "$OUT/ceiling-max.json"
python3 bench/summarise.py max "$OUT/ceiling-max.json" | tee -a "$OUT/summary.txt"
kill $CEILING; wait $CEILING 2>/dev/null || true

if [ "$WHICH" = all ] || [ "$WHICH" = sqlite ]; then
  DATABASE_URL= run_store sqlite
fi
if [ "$WHICH" = all ] || [ "$WHICH" = postgres ]; then
  db="bazaar_bench_$(date +%s)"
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "CREATE DATABASE $db"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" run_store postgres
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE $db WITH (FORCE)"
fi
echo "results in $OUT"
