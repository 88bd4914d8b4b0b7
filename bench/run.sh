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
# usage: bench/run.sh [sqlite|postgres|all|search|place]   (default all)
#   search: the search API under random queries the read cache cannot answer
#   (500 requests/s offered for 30 s), and `bazaar reindex` timed, on SQLite.
#   place: placing orders (POST /api/v1/orders) at an offered 200 orders/s for
#   30 s on PostgreSQL (server/examples/place_orders.rs; PLACE_RATE and
#   PLACE_SECONDS change them); only the server is built, not the site.
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
# oha is one client address with up to 1,000 connections: the per-address
# connection limit (256 by default) would refuse most of them. Load
# shedding (limits.max_in_flight) stays as configured.
export BAZAAR__LIMITS__MAX_CONNECTIONS_PER_IP=100000

if [ "$WHICH" = place ]; then
  cargo build --release -p server --bin bazaar --example place_orders
else
  command -v oha >/dev/null || cargo install oha --locked
  cargo leptos build --release
fi
if [ "$WHICH" != search ] && [ "$WHICH" != place ]; then
  cargo build --release -p server --example ceiling
fi

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

# Random searches: 16 adjectives × 18 nouns × 5 sorts × 3 pages × 11 vendor
# filters × 6 price filters ≈ 285,000 distinct requests, so nearly every one
# misses the read cache and runs the index (facets recounted per filter).
search_load() {
  local words='(classic|everyday|heritage|modern|essential|premium|lightweight|vintage|nordic|coastal|urban|alpine|studio|signature|compact|deluxe)'
  local things='(sweater|shirt|jacket|boots|sneakers|lamp|mug|kettle|headphones|novel|blanket|scarf|chair|candle|serum|puzzle|planter|backpack)'
  local vendors='(|&vendor=(northwind-outfitters|copper-kettle-home|lumen-electronics|trailhead-sports|petal-and-stone|oakleaf-books|little-sprout-toys|urban-loom|harbor-footwear|greenfield-garden))'
  local prices='(|&price=(under-25|25-50|50-100|100-250|250-plus))'
  # oha parses the URL before the regex is applied: the host stays literal,
  # and a backslash would become a slash, so `?` is written as the class `[?]`.
  local url="http://127.0.0.1:$PORT/api/v1/search[?]q=${words}%20${things}&sort=(relevance|price|-price|newest|rating)&page=[1-3]${vendors}${prices}"
  echo "== search API, random uncached queries, 500 req/s offered over 500 connections" | tee -a "$OUT/summary.txt"
  oha --no-tui -z "$DURATION" -c 500 -q 500 --latency-correction --rand-regex-url --output-format json "$url" > "$OUT/search-random-500rps.json"
  python3 bench/summarise.py rate "$OUT/search-random-500rps.json" 500 | tee -a "$OUT/summary.txt"
}

if [ "$WHICH" = place ]; then
  db="bazaar_bench_$(date +%s)"
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "CREATE DATABASE $db"
  data=$(mktemp -d)
  token="bench-admin-token-0123456789abcdef0123"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL= MEILI_URL= AMQP_URL=
  export BAZAAR__DATA_DIR="$data" BAZAAR__SERVER__PORT=$PORT BAZAAR__LOG__FILTER=warn BAZAAR__DATABASE__MAX_CONNECTIONS=32
  export BAZAAR__API__ADMIN_TOKEN="$token" BAZAAR__PAYMENTS__TEST_PROVIDER=true
  # The load generator is one client address: lift the per-address write
  # and order limits that would otherwise (rightly) stop it.
  export BAZAAR__LIMITS__WRITES_PER_MINUTE=1000000000 BAZAAR__LIMITS__ORDERS_PER_HOUR=1000000000
  "$CARGO_TARGET_DIR/release/bazaar" seed >/dev/null 2>&1
  "$CARGO_TARGET_DIR/release/bazaar" serve > "$OUT/place-server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready
  echo "== place order on PostgreSQL (payment provider local; nothing is paid)" | tee -a "$OUT/summary.txt"
  "$CARGO_TARGET_DIR/release/examples/place_orders" "$BASE" "$token" "${PLACE_RATE:-200}" "${PLACE_SECONDS:-30}" | tee -a "$OUT/summary.txt"
  ps -o rss= -p "$SERVER_PID" | awk '{printf "resident memory after the run: %.0f MB\n", $1/1024}' | tee -a "$OUT/summary.txt"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE $db WITH (FORCE)"
  rm -rf "$data"
  echo "results in $OUT"
  exit 0
fi

if [ "$WHICH" = search ]; then
  data=$(mktemp -d)
  export BAZAAR__DATA_DIR="$data" BAZAAR__SERVER__PORT=$PORT BAZAAR__LOG__FILTER=warn BAZAAR__DATABASE__MAX_CONNECTIONS=32
  DATABASE_URL= "$CARGO_TARGET_DIR/release/bazaar" seed >/dev/null 2>&1
  /usr/bin/time -f "bazaar reindex (20,000 products): %e s, max RSS %M KB" "$CARGO_TARGET_DIR/release/bazaar" reindex 2>&1 | grep -v "^indexing:" | tee -a "$OUT/summary.txt"
  DATABASE_URL= "$CARGO_TARGET_DIR/release/bazaar" serve > "$OUT/search-server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready
  search_load
  ps -o rss= -p "$SERVER_PID" | awk '{printf "resident memory after the run: %.0f MB\n", $1/1024}' | tee -a "$OUT/summary.txt"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$data"
  echo "results in $OUT"
  exit 0
fi


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
