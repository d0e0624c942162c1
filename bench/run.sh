#!/usr/bin/env bash
# Uzmat benchmark: seeds 100,000 ads, serves them in `background` then `inline` job mode, and
# measures healthz / home / catalog / search / ad detail with wrk, then checks that every
# ad-detail view was counted exactly once. Run from the repo root:  bench/run.sh
#
# Knobs (environment):
#   BENCH_SECONDS   seconds per measured wrk run (default 10); each run has a 2 s warm-up first
#   BENCH_NO_BUILD  1 = skip `cargo build --release` and use the existing target/release/uzmat
#
# Why ratios: the machine this targets has 2 shared cores, and wrk and the server compete for
# them, so absolute req/s say little about the server alone. Every number is therefore read as
# a ratio against /healthz (the plaintext ceiling), or background against inline, measured
# side by side in the same run on the same data, so both sides pay the same wrk overhead.
#
# Output: a table on stdout, also written to target/bench-results.txt. Targets are marked
# PASS/FAIL but do not change the exit status; the exit status is 1 only when something broke
# (build, seed, server start or clean exit, or a view count that is not exact).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=${BENCH_SECONDS:-10}
WARMUP=2
THREADS=2
CONNS=32
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/release/uzmat
DATA=$ROOT/target/bench-data
RESULTS=$ROOT/target/bench-results.txt
LIB=(python3 "$ROOT/bench/benchlib.py")
UA="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# "экскаватор", percent-encoded
SEARCH_PATH="/catalog?q=%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2%D0%B0%D1%82%D0%BE%D1%80"

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 ]] || die "BENCH_SECONDS must be a positive integer"
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
command -v python3 >/dev/null || die "python3 not found"
python3 -c 'import sqlite3' 2>/dev/null || die "python3 lacks the sqlite3 module"

# the server process (SERVER_PID), stopped on exit or interrupt; server_cpu; wait_idle
source "$ROOT/bench/server.sh"

# SIGTERM, wait (at most 60 s) for the drain, and return the server's exit status.
stop_server_clean() {
    local pid=$SERVER_PID rc=0
    kill -TERM "$pid"
    # watchdog: a server that does not drain within 60 s is killed (and reported)
    (
        for _ in $(seq 600); do
            sleep 0.1
            kill -0 "$pid" 2>/dev/null || exit 0
        done
        kill -KILL "$pid" 2>/dev/null || true
    ) &
    local watchdog=$!
    wait "$pid" || rc=$?
    SERVER_PID=""
    wait "$watchdog" 2>/dev/null || true
    return "$rc"
}

# CPU seconds (user+system) the server has used so far.

# Jiffies of the whole machine: "busy total" (busy = all but idle and iowait).
machine_cpu() {
    awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat
}


# ---- build and seed --------------------------------------------------------------------------
if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    say "cargo build --release"
    nice cargo build --release --bin uzmat
fi
[[ -x $BIN ]] || die "$BIN missing (build it, or unset BENCH_NO_BUILD)"

rm -rf "$DATA"
mkdir -p "$DATA/seed"
cat >"$DATA/seed/uzmat.toml" <<EOF
[server]
data_dir = "$DATA/seed"
EOF
say "seeding 100,000 ads (--users 5000 --ads 100000 --seed 1)"
t0=$(date +%s.%N)
UZMAT_LOG=warn "$BIN" --config "$DATA/seed/uzmat.toml" seed --users 5000 --ads 100000 --seed 1 \
    >"$DATA/seed/seed.log" 2>&1 || { cat "$DATA/seed/seed.log" >&2; die "seed failed"; }
t1=$(date +%s.%N)
SEED_TIME=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
echo "seed time: ${SEED_TIME}s" >&2
"${LIB[@]}" checkpoint "$DATA/seed/uzmat.db"
N_PATHS=$("${LIB[@]}" export-paths "$DATA/seed/uzmat.db" "$DATA/ad_paths.txt")
echo "active ads exported for the ad-detail run: $N_PATHS" >&2
[[ $N_PATHS -gt 0 ]] || die "no active ads after seeding"

RESULTS_TSV=$DATA/results.tsv
VIEWS_TSV=$DATA/views.tsv
: >"$RESULTS_TSV"
: >"$VIEWS_TSV"
BROKEN=0

# run_wrk NAME MODE OUTFILE [wrk args...]: one wrk run, output kept in OUTFILE
run_wrk() {
    local out=$1
    shift
    wrk -t"$THREADS" -c"$CONNS" --latency --timeout 10s "$@" >"$out" 2>&1 || {
        cat "$out" >&2
        die "wrk failed: $*"
    }
}

# record ROUTE MODE WRK_OUTPUT SERVER_CPU_SECONDS: append one row to the results
record() {
    local route=$1 mode=$2 file=$3 cpu=$4
    local -A r=()
    while IFS='=' read -r k v; do r[$k]=$v; done < <("${LIB[@]}" parse-wrk "$file")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$route" "$mode" "${r[rps]}" "${r[p50]}" "${r[p99]}" \
        "${r[requests]}" "${r[non2xx]}" "${r[sockerr]}" "$cpu" >>"$RESULTS_TSV"
    printf '   %-10s %-10s %10s req/s  p50 %8.2fms  p99 %8.2fms  non-2xx/3xx %s  socket errors %s\n' \
        "$route" "$mode" "${r[rps]}" "${r[p50]}" "${r[p99]}" "${r[non2xx]}" "${r[sockerr]}" >&2
}

for MODE in background inline; do
    DIR=$DATA/$MODE
    mkdir -p "$DIR"
    # same starting data for both modes: the checkpointed database is a single file
    cp "$DATA/seed/uzmat.db" "$DIR/uzmat.db"
    [[ -d $DATA/seed/uploads ]] && ln -s "$DATA/seed/uploads" "$DIR/uploads"
    PRE=$("${LIB[@]}" sum-views "$DIR/uzmat.db")
    PORT=$("${LIB[@]}" free-port)
    BASE=http://127.0.0.1:$PORT
    cat >"$DIR/uzmat.toml" <<EOF
[server]
bind = "127.0.0.1:$PORT"
trusted_proxies = ["127.0.0.1"]
data_dir = "$DIR"

[jobs]
mode = "$MODE"
EOF
    say "mode $MODE: serving on $BASE (views before: $PRE)"
    "$BIN" --config "$DIR/uzmat.toml" serve >"$DIR/server.log" 2>&1 &
    SERVER_PID=$!
    "${LIB[@]}" wait-healthz "$BASE/healthz" 30 "$SERVER_PID" || {
        cat "$DIR/server.log" >&2
        die "server ($MODE) did not start"
    }

    # anonymous visitors; in background mode home, catalog and the ad page again signed in (a
    # fresh user with a session) right after their anonymous run, so each pair meets the same
    # machine: the "signed-in" rows give their share of the anonymous figure
    AD_PAGE=$(head -n 1 "$DATA/ad_paths.txt")
    COOKIE=""
    [[ $MODE == background ]] && COOKIE=$("${LIB[@]}" make-session "$DIR/uzmat.db")
    SPECS=("healthz|/healthz" "home|/" "catalog|/catalog" "search|$SEARCH_PATH" "ad page|$AD_PAGE")
    for spec in "${SPECS[@]}"; do
        route=${spec%%|*}
        path=${spec#*|}
        PASSES=(anonymous)
        [[ -n $COOKIE && $route =~ ^(home|catalog|ad\ page)$ ]] && PASSES+=(signed-in)
        for PASS in "${PASSES[@]}"; do
            ROW_MODE=$MODE
            tag=${route// /-}-$PASS
            hdr=(-H "User-Agent: $UA")
            # the one-ad page: not counted as views (they would stand outside the ad-detail
            # run's exact-count check); "ad detail" below measures counted views
            [[ $route == "ad page" ]] && hdr=(-H "User-Agent: curl/8 (uzmat bench)")
            if [[ $PASS == signed-in ]]; then
                hdr+=(-H "Cookie: $COOKIE")
                ROW_MODE=signed-in
            fi
            wait_idle
            run_wrk "$DIR/wrk-$tag-warmup.txt" -d"${WARMUP}s" "${hdr[@]}" "$BASE$path"
            wait_idle
            C0=$(server_cpu)
            run_wrk "$DIR/wrk-$tag.txt" -d"${SECS}s" "${hdr[@]}" "$BASE$path"
            C1=$(server_cpu)
            record "$route" "$ROW_MODE" "$DIR/wrk-$tag.txt" "$(python3 -c "print($C1 - $C0)")"
        done
    done

    # ad detail: every request a new (ad, client) view; the warm-up counts views too (run tag 0,
    # main run tag 1, so their client addresses never meet)
    wait_idle
    run_wrk "$DIR/wrk-ad-warmup.txt" -d"${WARMUP}s" -s "$ROOT/bench/ad_detail.lua" "$BASE" \
        -- "$DATA/ad_paths.txt" 0
    wait_idle
    CPU0=$(server_cpu)
    read -r MB0 MT0 < <(machine_cpu)
    T0=$(date +%s.%N)
    run_wrk "$DIR/wrk-ad.txt" -d"${SECS}s" -s "$ROOT/bench/ad_detail.lua" "$BASE" \
        -- "$DATA/ad_paths.txt" 1
    T1=$(date +%s.%N)
    CPU1=$(server_cpu)
    read -r MB1 MT1 < <(machine_cpu)
    record "ad detail" "$MODE" "$DIR/wrk-ad.txt" "$(python3 -c "print($CPU1 - $CPU0)")"
    declare -A W=() M=()
    for part in warmup main; do
        f=$DIR/wrk-ad.txt
        [[ $part == warmup ]] && f=$DIR/wrk-ad-warmup.txt
        while IFS='=' read -r k v; do
            [[ $k == ad_* ]] && W[$k]=$((${W[$k]:-0} + v))
        done < <("${LIB[@]}" parse-wrk "$f")
    done
    # let handlers still running for requests wrk abandoned at its deadline finish
    wait_idle
    while IFS='=' read -r k v; do M[$k]=$v; done < <("${LIB[@]}" metrics "$BASE/metrics")
    python3 - "$CPU0" "$CPU1" "$T0" "$T1" "$MB0" "$MT0" "$MB1" "$MT1" "$(nproc)" >&2 <<'PY'
import sys
c0, c1, t0, t1, b0, tt0, b1, tt1, n = map(float, sys.argv[1:])
wall = t1 - t0
server = (c1 - c0) / wall / n * 100
machine = (b1 - b0) / (tt1 - tt0) * 100 if tt1 > tt0 else 0.0
print(f"   CPU during the ad-detail run ({wall:.1f}s, {int(n)} cores): machine busy {machine:.0f}%, "
      f"server {server:.0f}%, everything else (mostly wrk) {max(machine - server, 0):.0f}%")
PY
    echo "   /metrics (before SIGTERM): view jobs submitted=${M[view_submitted]} completed=${M[view_completed]}" \
        "failed=${M[view_failed]} dropped=${M[view_dropped]} overflowed=${M[view_overflowed]}" \
        "retried=${M[view_retried]} queue_depth=${M[queue_depth]} overflow_depth=${M[overflow_depth]};" \
        "view job time ${M[view_job_seconds]}s in ${M[view_job_batches]} batches;" \
        "/ad/ responses 2xx=${M[ad_2xx]} other=${M[ad_other]}" >&2

    RC=0
    stop_server_clean || RC=$?
    if [[ $RC -ne 0 ]]; then
        tail -n 20 "$DIR/server.log" >&2
        echo "bench: server ($MODE) exited with status $RC after SIGTERM (want 0)" >&2
        BROKEN=1
    fi
    # the deferred half of counting: folding the tally into the ads (every minute, and at exit)
    grep "view counts folded" "$DIR/server.log" | sed 's/^/   fold: /' >&2 || true
    POST=$("${LIB[@]}" sum-views "$DIR/uzmat.db")
    DELTA=$((POST - PRE))
    OK2XX=${W[ad_ok2xx]:-0}
    SENT=${W[ad_sent]:-0}
    BAD=$((${W[ad_redirect3xx]:-0} + ${W[ad_other]:-0}))
    echo "   views: before=$PRE after=$POST counted=$DELTA; wrk ad-detail (warm-up + run):" \
        "sent=$SENT completed=${W[ad_completed]:-0} 2xx=$OK2XX non-2xx=$BAD;" \
        "server answered 2xx=${M[ad_2xx]}" >&2
    STATUS=OK
    DETAIL="N=$DELTA"
    if [[ ${M[view_dropped]} != 0 || ${M[view_failed]} != 0 ]]; then
        STATUS=FAIL
        DETAIL="$DETAIL, dropped=${M[view_dropped]} failed=${M[view_failed]}"
    fi
    if [[ $BAD -ne 0 || ${M[ad_other]} -ne 0 ]]; then
        STATUS=FAIL
        DETAIL="$DETAIL, non-2xx ad responses: wrk $BAD, server ${M[ad_other]}"
    fi
    if [[ $DELTA -ne ${M[view_submitted]} ]]; then
        # every view job the handlers submitted must land in the database exactly once
        STATUS=FAIL
        DETAIL="$DETAIL, but the server submitted ${M[view_submitted]} view jobs"
    fi
    if [[ $DELTA -eq $OK2XX ]]; then
        :
    elif [[ $DELTA -gt $OK2XX && $DELTA -le $SENT ]]; then
        # wrk stops at its deadline with up to -c requests written but unanswered (sent minus
        # completed); it closes those connections, but the server may already be past the point
        # where the view is submitted. Such views are real (each request has its own client
        # address), wrk just never saw their response: exact up to the in-flight requests.
        DETAIL="$DETAIL = wrk 2xx $OK2XX + $((DELTA - OK2XX)) of $((SENT - ${W[ad_completed]:-0})) in flight at wrk's deadline"
        echo "   note: views counted = $DELTA, wrk saw $OK2XX 2xx responses; the other" \
            "$((DELTA - OK2XX)) are requests wrk had sent ($SENT) but stopped waiting for at its" \
            "deadline ($((SENT - ${W[ad_completed]:-0})) unanswered), which the server still counted" >&2
    else
        STATUS=FAIL
        DETAIL="$DETAIL, outside [wrk 2xx=$OK2XX, wrk sent=$SENT]"
    fi
    [[ $STATUS == OK ]] || BROKEN=1
    printf '%s\t%s\t%s\n' "$MODE" "$STATUS" "$DETAIL" >>"$VIEWS_TSV"
    unset W M
done

say "results (seed: ${SEED_TIME}s for 100,000 ads; ${SECS}s per run, wrk -t$THREADS -c$CONNS, 2 shared cores)"
"${LIB[@]}" table "$RESULTS_TSV" "$VIEWS_TSV" "$RESULTS"
echo "(also written to ${RESULTS#"$ROOT"/})" >&2
exit "$BROKEN"
