#!/usr/bin/env bash
# Bazaar's two set-up commands (see README):
#   ./dev.sh store   build and start the store on the embedded defaults
#   ./dev.sh test    run every test (needs PostgreSQL, Redis and RabbitMQ; checks them)
# Both install what is missing first: the wasm32 target, cargo-leptos,
# wasm-bindgen-cli and the npm packages (Tailwind, wasm-opt, Playwright).
set -euo pipefail
cd "$(dirname "$0")"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/bazaar-target}"
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.129
PG_URL="${BAZAAR_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
SCALAR_BUNDLE=node_modules/@scalar/api-reference/dist/browser/standalone.js

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed. $2"
}

ensure_tools() {
  need cargo "Install Rust from https://rustup.rs (stable)."
  need npm "Install Node.js 20+ with npm."
  need rustup "Install Rust with rustup (https://rustup.rs): it adds the wasm32 target."
  need curl "Install curl (Debian/Ubuntu: sudo apt-get install curl)."
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -qw "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes, once)"
    # Thin LTO-free build: the tool is not performance-critical and this
    # halves the install time on small machines.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
      CARGO_TARGET_DIR="$HOME/.cache/bazaar-tools-target" \
      cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -qw "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
    CARGO_TARGET_DIR="$HOME/.cache/bazaar-tools-target" \
      cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked
  fi
  if [ ! -x node_modules/.bin/tailwindcss ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] ||
    [ ! -f node_modules/axe-core/axe.min.js ] ||
    [ ! -f "$SCALAR_BUNDLE" ]; then
    say "installing npm packages (Tailwind, wasm-opt, Playwright, the API viewer)"
    # `npm install` rather than `npm ci`: lock files written on one platform
    # lack the optional native packages of others, which `npm ci` refuses.
    npm install --no-audit --no-fund
  fi
  # The /api/docs viewer, served from the site like any static file so the
  # docs work offline (cargo-leptos copies public/ into the site).
  if ! cmp -s "$SCALAR_BUNDLE" public/vendor/scalar-api-reference.js; then
    mkdir -p public/vendor
    cp "$SCALAR_BUNDLE" public/vendor/scalar-api-reference.js
  fi
}

build_site() {
  say "building the server, the WASM bundle and the CSS (cargo leptos build)"
  cargo leptos build
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

ensure_services() {
  if ! port_open 127.0.0.1 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      say "starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      sleep 2
    fi
    port_open 127.0.0.1 5432 || die "PostgreSQL is not running on 127.0.0.1:5432.
  The tests need it with trust auth for user 'postgres' (or set BAZAAR_TEST_POSTGRES=postgres://user:pass@host:port).
  Debian/Ubuntu: sudo apt-get install postgresql && sudo service postgresql start
  Docker:        docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16"
  fi
  if ! port_open 127.0.0.1 6379; then
    if command -v redis-server >/dev/null 2>&1; then
      say "starting Redis"
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
      sleep 1
    fi
    port_open 127.0.0.1 6379 || die "Redis is not running on 127.0.0.1:6379.
  Debian/Ubuntu: sudo apt-get install redis-server && redis-server --daemonize yes
  Docker:        docker run -d -p 6379:6379 redis:7"
  fi
  if ! port_open 127.0.0.1 5672; then
    if command -v rabbitmq-server >/dev/null 2>&1; then
      say "starting RabbitMQ"
      rabbitmq-server -detached || true
      for _ in $(seq 60); do port_open 127.0.0.1 5672 && break; sleep 1; done
    fi
    port_open 127.0.0.1 5672 || die "RabbitMQ is not running on 127.0.0.1:5672 (guest/guest).
  The tests need it for the RabbitMQ event bus (or set BAZAAR_TEST_AMQP=amqp://user:pass@host:5672/%2f).
  Debian/Ubuntu: sudo apt-get install rabbitmq-server && sudo rabbitmq-server -detached
  Docker:        docker run -d -p 5672:5672 rabbitmq:3"
  fi
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing Debian's chromium and chromium-driver for browser tests"
      apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
    else
      die "Browser tests need /usr/bin/chromium and /usr/bin/chromedriver.
  Debian/Ubuntu: sudo apt-get install chromium chromium-driver"
    fi
  fi
  ensure_s3
  ensure_stripe
  ensure_smtp
  ensure_meili
  if command -v psql >/dev/null 2>&1; then
    # Databases left by earlier test runs (each test makes its own).
    psql "$PG_URL/postgres" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'bazaar_t_%'" 2>/dev/null |
      while read -r db; do psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
  fi
}

# Servers this script starts in the background, stopped when it exits.
BACKGROUND=()
trap 'for p in "${BACKGROUND[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

# localstripe, a fake Stripe API (and a fake Stripe.js) for the Stripe
# adapter's tests and the browser journey's card payment (PyPI, in .venv).
ensure_stripe() {
  local port=${BAZAAR_TEST_STRIPE_PORT:-8420}
  if [ ! -x .venv/bin/localstripe ]; then
    say "installing localstripe (a fake Stripe for the tests) into .venv"
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/pip install --quiet "localstripe==1.15.10"
  fi
  if ! port_open 127.0.0.1 "$port"; then
    say "starting localstripe on 127.0.0.1:$port"
    # It keeps its objects in this file between runs; start empty.
    rm -f /tmp/localstripe.pickle
    .venv/bin/localstripe --port "$port" >"${TMPDIR:-/tmp}/bazaar-localstripe.log" 2>&1 &
    BACKGROUND+=($!)
    for _ in $(seq 60); do port_open 127.0.0.1 "$port" && break; sleep 0.5; done
    port_open 127.0.0.1 "$port" || die "localstripe did not start (see ${TMPDIR:-/tmp}/bazaar-localstripe.log)"
  fi
  export BAZAAR_TEST_STRIPE="http://127.0.0.1:$port"
}

# aiosmtpd, a real SMTP server, for the SMTP mailer's tests and the
# browser journey's emails (PyPI, in .venv). It keeps every message in a
# maildir that the tests read.
ensure_smtp() {
  local port=${BAZAAR_TEST_SMTP_PORT:-8025}
  local maildir="${TMPDIR:-/tmp}/bazaar-maildir"
  if [ ! -x .venv/bin/aiosmtpd ]; then
    say "installing aiosmtpd (an SMTP server for the tests) into .venv"
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/pip install --quiet "aiosmtpd==1.4.6"
  fi
  if ! port_open 127.0.0.1 "$port"; then
    say "starting aiosmtpd on 127.0.0.1:$port (mail kept in $maildir)"
    rm -rf "$maildir"
    .venv/bin/aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" \
      >"${TMPDIR:-/tmp}/bazaar-aiosmtpd.log" 2>&1 &
    BACKGROUND+=($!)
    for _ in $(seq 60); do port_open 127.0.0.1 "$port" && break; sleep 0.5; done
    port_open 127.0.0.1 "$port" || die "aiosmtpd did not start (see ${TMPDIR:-/tmp}/bazaar-aiosmtpd.log)"
  fi
  export BAZAAR_TEST_SMTP="smtp://127.0.0.1:$port"
  export BAZAAR_TEST_MAILDIR="$maildir"
}

# A real Meilisearch for the search contract suite and the store-on-Meilisearch
# test: `meilisearch` on the PATH (or MEILISEARCH_BIN), else the binary our
# machines keep in shared/bin beside the checkout (or beside the repository a
# clean clone was made from). It runs on every test run; in CI a missing one
# fails the run, elsewhere the suite says it skipped.
find_meilisearch() {
  local origin candidates=("${MEILISEARCH_BIN:-}" "$(command -v meilisearch 2>/dev/null || true)" "../shared/bin/meilisearch")
  origin=$(git config --get remote.origin.url 2>/dev/null || true)
  if [ -n "$origin" ] && [ -d "$origin" ]; then
    candidates+=("$(cd "$origin" && pwd)/../shared/bin/meilisearch")
  fi
  for c in "${candidates[@]}"; do
    if [ -n "$c" ] && [ -x "$c" ]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

ensure_meili() {
  local bin port key dir
  if ! bin=$(find_meilisearch); then
    local how="Install Meilisearch 1.x: download the binary from https://github.com/meilisearch/meilisearch/releases
  (put it on the PATH or set MEILISEARCH_BIN), or run: docker run -d -p 7700:7700 getmeili/meilisearch:v1.50"
    if [ -n "${CI:-}" ]; then
      die "Meilisearch is not installed, and CI runs its contract suite every time. $how"
    fi
    say "Meilisearch is not installed: its contract suite will say it skipped. $how"
    return 0
  fi
  port=${BAZAAR_TEST_MEILI_PORT:-7700}
  while port_open 127.0.0.1 "$port"; do port=$((port + 1)); done
  key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  dir=$(mktemp -d)
  say "starting Meilisearch ($bin) on 127.0.0.1:$port"
  "$bin" --db-path "$dir/meili" --http-addr "127.0.0.1:$port" --master-key "$key" --no-analytics \
    --env development >"${TMPDIR:-/tmp}/bazaar-meilisearch.log" 2>&1 &
  BACKGROUND+=($!)
  wait_for "http://127.0.0.1:$port/health" 120 ||
    die "Meilisearch did not start (see ${TMPDIR:-/tmp}/bazaar-meilisearch.log)"
  export BAZAAR_TEST_MEILI="http://127.0.0.1:$port" BAZAAR_TEST_MEILI_KEY="$key"
}

# moto's S3 server, for the S3 object-store tests (PyPI, in .venv).
ensure_s3() {
  local port=${BAZAAR_TEST_S3_PORT:-5055}
  need python3 "Install Python 3 (Debian/Ubuntu: sudo apt-get install python3 python3-venv)."
  if [ ! -x .venv/bin/moto_server ]; then
    say "installing moto (an S3 server for the tests) into .venv"
    python3 -m venv .venv
    .venv/bin/pip install --quiet "moto[server]==5.2.*"
  fi
  if ! port_open 127.0.0.1 "$port"; then
    say "starting moto's S3 server on 127.0.0.1:$port"
    .venv/bin/moto_server -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/bazaar-moto.log" 2>&1 &
    BACKGROUND+=($!)
    for _ in $(seq 60); do port_open 127.0.0.1 "$port" && break; sleep 0.5; done
    port_open 127.0.0.1 "$port" || die "moto's S3 server did not start (see ${TMPDIR:-/tmp}/bazaar-moto.log)"
  fi
  export BAZAAR_TEST_S3="http://127.0.0.1:$port"
}

# The admin area's sign-in token for a local store: the configured one, or
# one made up once and kept in ./data/admin-token (never printed by the server).
ensure_admin_token() {
  if [ -z "${BAZAAR__API__ADMIN_TOKEN:-}" ]; then
    local file=data/admin-token
    if [ ! -s "$file" ]; then
      mkdir -p data
      (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$file")
    fi
    BAZAAR__API__ADMIN_TOKEN=$(cat "$file")
    export BAZAAR__API__ADMIN_TOKEN
  fi
  say "admin area: http://127.0.0.1:${BAZAAR__SERVER__PORT:-3000}/admin (token: $BAZAAR__API__ADMIN_TOKEN)"
}

run_store() {
  ensure_tools
  build_site
  ensure_admin_token
  say "starting Bazaar (the first start seeds 20,000 products)"
  exec "$CARGO_TARGET_DIR/debug/bazaar" serve
}

wait_for() {
  local url=$1 tries=${2:-240}
  for _ in $(seq "$tries"); do
    curl -fsS "$url" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

run_browser_journey() {
  local data port url log pid admin_token status=0
  data=$(mktemp -d)
  port=${BAZAAR_E2E_PORT:-3047}
  url="http://127.0.0.1:$port"
  log="$data/server.log"
  say "starting a seeded store for the browser journey at $url"
  admin_token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  # Card payments go to localstripe; its webhooks come back to this store.
  curl -fsS "$BAZAAR_TEST_STRIPE/_config/webhooks/bazaar-e2e" \
    -d "url=$url/api/v1/webhooks/payments/stripe" -d secret=whsec_bazaar_e2e >/dev/null
  BAZAAR__API__ADMIN_TOKEN="$admin_token" \
  BAZAAR__DATA_DIR="$data/data" BAZAAR__SERVER__PORT="$port" BAZAAR__LOG__FORMAT=json \
  BAZAAR__PAYMENTS__TEST_PROVIDER=true BAZAAR__PAYMENTS__TEST_WEBHOOK_SECRET="whsec_$admin_token" \
  SMTP_URL="$BAZAAR_TEST_SMTP" \
  STRIPE_SECRET_KEY=sk_test_bazaar_e2e STRIPE_PUBLISHABLE_KEY=pk_test_bazaar_e2e STRIPE_WEBHOOK_SECRET=whsec_bazaar_e2e \
  BAZAAR__PAYMENTS__STRIPE__API_BASE="$BAZAAR_TEST_STRIPE" \
  BAZAAR__PAYMENTS__STRIPE__JS_URL="$BAZAAR_TEST_STRIPE/js.stripe.com/v3/" \
    DATABASE_URL= REDIS_URL= MEILI_URL= AMQP_URL= "$CARGO_TARGET_DIR/debug/bazaar" serve >"$log" 2>&1 &
  pid=$!
  if ! wait_for "$url/readyz" 600; then
    tail -n 50 "$log" >&2
    kill "$pid" 2>/dev/null || true
    die "the store did not become ready"
  fi
  BAZAAR_URL="$url" BAZAAR_ADMIN_TOKEN="$admin_token" BAZAAR_MAILDIR="$BAZAAR_TEST_MAILDIR" node --test end2end/ || status=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$status" = 0 ] || { tail -n 30 "$log" >&2; }
  rm -rf "$data"
  return "$status"
}

run_tests() {
  ensure_tools
  ensure_services
  say "checking formatting and lints"
  cargo fmt --all --check
  cargo clippy --all-targets -- -D warnings
  cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown --all-targets \
    --target-dir "$CARGO_TARGET_DIR/front" -- -D warnings
  build_site
  say "running the Rust tests (unit, services, HTTP, adapter contracts)"
  cargo test --workspace --exclude frontend
  say "running the component test in headless Chromium (wasm-bindgen-test)"
  CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p app --features hydrate --target wasm32-unknown-unknown --test components --target-dir "$CARGO_TARGET_DIR/front"
  say "running the Playwright journey in Chromium"
  run_browser_journey
  say "all tests passed"
}

case "${1:-}" in
  store) run_store ;;
  test) run_tests ;;
  *) echo "usage: ./dev.sh store | ./dev.sh test" >&2; exit 2 ;;
esac
