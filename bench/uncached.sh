#!/usr/bin/env bash
# Uzmat "no cache" benchmark (issue 14): the server with its page cache and count cache off
# (UZMAT_SERVER__PAGE_CACHE_MS=0, UZMAT_SERVER__COUNT_CACHE_SECONDS=0), so every listing request
# runs its queries, over >= 1,000 distinct listing URLs. Run from the repo root:
#
#   bench/uncached.sh                      # 100,000 ads
#   BENCH_ADS=1000000 bench/uncached.sh    # a million
#
# Knobs (environment):
#   BENCH_ADS        ads to seed (default 100000; users: one per 20 ads)
#   BENCH_SECONDS    seconds per measured wrk run (default 10), after a 2 s warm-up
#   BENCH_NO_BUILD   1 = use the existing target/release/uzmat
#   BENCH_RESEED     1 = seed again even when target/bench-uncached/seed-N/ holds a database
#   BENCH_BIN        the binary to measure (default target/release/uzmat; with BENCH_NO_BUILD=1)
#   BENCH_EXTRA_TOML lines appended to the server's config (e.g. "[database]\npool_size = 4")
#   BENCH_CONNECTIONS wrk's connections (default 8: a request waits for about four others on
#                    2 cores; 2 gives each core one, the latency of a request not queued)
#
# Routes: healthz (ceiling), listing (bench/uncached_urls.py's URL mix through bench/urls.lua),
# search (text searches only), home (/ with varying ?country=&city=), ad detail (random active
# ads, bench/ad_detail.lua). wrk -t2 -c8 (BENCH_CONNECTIONS) on 127.0.0.1 only. After the
# runs: the server's RSS, RssAnon and RssFile (/proc/PID/status) and the database size. Table
# on stdout, also in target/bench-uncached/results-N.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
ADS=${BENCH_ADS:-100000}
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-8}
WARMUP=2
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${BENCH_BIN:-$TARGET_DIR/release/uzmat}
BASEDIR=$ROOT/target/bench-uncached
SEED_DIR=$BASEDIR/seed-$ADS
RUN=$BASEDIR/run-$ADS
RESULTS=$BASEDIR/results-$ADS.txt
LIB=(python3 "$ROOT/bench/benchlib.py")

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[[ $ADS =~ ^[0-9]+$ && $ADS -ge 1000 ]] || die "BENCH_ADS must be an integer >= 1000"
[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 ]] || die "BENCH_SECONDS must be a positive integer"
[[ $CONNS =~ ^[0-9]+$ && $CONNS -ge 2 ]] || die "BENCH_CONNECTIONS must be an integer >= 2"
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
python3 -c 'import sqlite3' 2>/dev/null || die "python3 lacks the sqlite3 module"

# the server process (SERVER_PID), stopped on exit or interrupt; server_cpu; wait_idle
source "$ROOT/bench/server.sh"



if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    say "cargo build --release"
    nice cargo build --release --bin uzmat
fi
[[ -x $BIN ]] || die "$BIN missing (build it, or unset BENCH_NO_BUILD)"

SEED_TIME="reused"
if [[ ${BENCH_RESEED:-0} == 1 || ! -f $SEED_DIR/uzmat.db ]]; then
    rm -rf "$SEED_DIR"
    mkdir -p "$SEED_DIR"
    printf '[server]\ndata_dir = "%s"\n' "$SEED_DIR" >"$SEED_DIR/uzmat.toml"
    USERS=$((ADS / 20))
    say "seeding $ADS ads (--users $USERS --ads $ADS --seed 1)"
    t0=$(date +%s.%N)
    UZMAT_LOG=warn "$BIN" --config "$SEED_DIR/uzmat.toml" seed --users "$USERS" --ads "$ADS" --seed 1 \
        2>"$SEED_DIR/seed.log" || { tail -n 20 "$SEED_DIR/seed.log" >&2; die "seed failed"; }
    t1=$(date +%s.%N)
    SEED_TIME=$(python3 -c "print(f'{$t1 - $t0:.1f}s')")
    "${LIB[@]}" checkpoint "$SEED_DIR/uzmat.db"
    echo "seed time: $SEED_TIME" >&2
fi

rm -rf "$RUN"
mkdir -p "$RUN"
cp "$SEED_DIR/uzmat.db" "$RUN/uzmat.db"
[[ -d $SEED_DIR/uploads ]] && ln -s "$SEED_DIR/uploads" "$RUN/uploads"
"${LIB[@]}" export-paths "$RUN/uzmat.db" "$RUN/ad_paths.txt" >/dev/null
read -r N_LIST N_SEARCH N_HOME < <(python3 "$ROOT/bench/uncached_urls.py" "$RUN/uzmat.db" "$RUN")
echo "URLs: listing $N_LIST, search $N_SEARCH, home $N_HOME" >&2

PORT=$("${LIB[@]}" free-port)
BASE=http://127.0.0.1:$PORT
{
    printf '[server]\nbind = "127.0.0.1:%s"\ntrusted_proxies = ["127.0.0.1"]\ndata_dir = "%s"\n' \
        "$PORT" "$RUN"
    printf '%b\n' "${BENCH_EXTRA_TOML:-}"
} >"$RUN/uzmat.toml"
say "serving on $BASE, page cache and count cache off; load: $(cut -d' ' -f1-3 /proc/loadavg)"
UZMAT_SERVER__PAGE_CACHE_MS=0 UZMAT_SERVER__COUNT_CACHE_SECONDS=0 \
    "$BIN" --config "$RUN/uzmat.toml" serve >"$RUN/server.log" 2>&1 &
SERVER_PID=$!
"${LIB[@]}" wait-healthz "$BASE/healthz" 600 "$SERVER_PID" || {
    tail -n 20 "$RUN/server.log" >&2
    die "server did not start"
}

TSV=$RUN/results.tsv
: >"$TSV"
# one route: warm-up, then the measured run; a row of route, req/s, p50, p99, errors, cpu/req
measure() {
    local route=$1 tag=${1// /-}
    shift
    wait_idle
    wrk -t2 -c"$CONNS" --timeout 10s -d"${WARMUP}s" "$@" >"$RUN/wrk-$tag-warmup.txt" 2>&1 ||
        die "wrk failed: $(cat "$RUN/wrk-$tag-warmup.txt")"
    wait_idle
    local c0 c1
    c0=$(server_cpu)
    wrk -t2 -c"$CONNS" --timeout 10s --latency -d"${SECS}s" "$@" >"$RUN/wrk-$tag.txt" 2>&1 ||
        die "wrk failed: $(cat "$RUN/wrk-$tag.txt")"
    c1=$(server_cpu)
    local -A r=()
    while IFS='=' read -r k v; do r[$k]=$v; done < <("${LIB[@]}" parse-wrk "$RUN/wrk-$tag.txt")
    local errors=$((r[non2xx] + r[sockerr]))
    local cpu
    cpu=$(python3 -c "print(f'{($c1 - $c0) * 1e6 / max(${r[requests]}, 1):.0f}')")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$route" "${r[rps]}" "${r[p50]}" "${r[p99]}" "$errors" "$cpu" >>"$TSV"
    printf '   %-10s %9.0f req/s  p50 %8.2fms  p99 %8.2fms  errors %s  cpu/req %sus\n' \
        "$route" "${r[rps]}" "${r[p50]}" "${r[p99]}" "$errors" "$cpu" >&2
}

measure healthz "$BASE/healthz"
measure listing -s "$ROOT/bench/urls.lua" "$BASE" -- "$RUN/listing.txt"
measure search -s "$ROOT/bench/urls.lua" "$BASE" -- "$RUN/search.txt"
measure home -s "$ROOT/bench/urls.lua" "$BASE" -- "$RUN/home.txt"
measure "ad detail" -s "$ROOT/bench/ad_detail.lua" "$BASE" -- "$RUN/ad_paths.txt" 0
wait_idle

declare -A M=() D=()
while IFS='=' read -r k v; do M[$k]=$v; done < <("${LIB[@]}" proc-mem "$SERVER_PID")
stop_server_hard
while IFS='=' read -r k v; do D[$k]=$v; done < <("${LIB[@]}" db-size "$RUN/uzmat.db" "$ADS")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

{
    echo "uncached, $ADS ads (seed: $SEED_TIME), wrk -t2 -c$CONNS ${SECS}s per route, $(nproc) cores; load at end: $LOAD_END"
    printf '%-10s %9s %9s %9s %7s %9s %s\n' route req/s p50 p99 errors cpu/req "x healthz"
    HZ=$(awk -F'\t' '$1 == "healthz" { print $2 }' "$TSV")
    while IFS=$'\t' read -r route rps p50 p99 errors cpu; do
        ratio=$(python3 -c "print(f'{$rps / $HZ:.3f}')")
        printf '%-10s %9.0f %7.2fms %7.2fms %7s %7sus %s\n' "$route" "$rps" "$p50" "$p99" "$errors" "$cpu" "$ratio"
    done <"$TSV"
    echo "memory after the runs: RSS ${M[rss]} MB (RssAnon ${M[rss_anon]} MB, RssFile ${M[rss_file]} MB, peak ${M[rss_peak]} MB)"
    echo "database: ${D[db_mb]} MB, ${D[bytes_per_ad]} bytes per ad"
    python3 -c "
anon, rss, db = ${M[rss_anon]}, ${M[rss]}, ${D[db_mb]}
print(f'goals: RssAnon {anon:.0f} <= 64 MB: {\"PASS\" if anon <= 64 else \"FAIL\"}; '
      f'RSS {rss:.0f} <= db + 96 = {db + 96:.0f} MB: {\"PASS\" if rss <= db + 96 else \"FAIL\"}')"
} | tee "$RESULTS"
