#!/usr/bin/env bash
# Uzmat benchmark, two builds side by side: seeds the same data set for a BEFORE and an AFTER
# binary, serves both at once on 127.0.0.1, and measures healthz / home / catalog / search /
# ad detail with wrk, interleaved route by route (BEFORE, AFTER, AFTER, BEFORE), so machine
# noise and any drift in it hit both builds alike. Run from anywhere:
#
#   bench/compare.sh BEFORE_BIN AFTER_BIN
#
# Knobs (environment):
#   BENCH_SECONDS       seconds per measured wrk run (default 10); each build gets two runs per
#                       route, after one 2 s warm-up per route
#   BENCH_MODE          job mode of both servers: background (default) or inline
#   BENCH_SEED          seed of `uzmat seed` (default 42); 5,000 users, BENCH_ADS ads (100000)
#   BENCH_COMPARE_DIR   working directory (default target/bench-compare; recreated)
#   BEFORE_LABEL, AFTER_LABEL   names for the two builds in the output (e.g. commit hashes)
#
# Each binary seeds its own copy (same seed: the same ads) with its own `uzmat seed`, because
# the schemas may differ: migrations are append-only and a database migrated by the newer
# binary is one the older binary was never tested on.
#
# Output: a table on stdout (also written to $BENCH_COMPARE_DIR/compare-results.txt), then
# each run. Read the after/before column against the `noise` column (how far each build's two
# runs of that route were apart) and against the healthz ratios (each build against its own
# /healthz). The exit status is 1 when something broke: a seed, a server that did not start or
# did not exit 0 after SIGTERM, wrk errors, or ad-detail views not counted exactly.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIB=(python3 "$ROOT/bench/benchlib.py")

die() { printf 'compare: %s\n' "$*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*" >&2; }

[[ $# -eq 2 ]] || die "usage: bench/compare.sh BEFORE_BIN AFTER_BIN"
declare -A BIN=([before]=$(realpath "$1") [after]=$(realpath "$2"))
declare -A LABEL=([before]=${BEFORE_LABEL:-before} [after]=${AFTER_LABEL:-after})
for side in before after; do
    [[ -x ${BIN[$side]} ]] || die "${BIN[$side]} is not an executable"
done

SECS=${BENCH_SECONDS:-10}
WARMUP=2
THREADS=2
CONNS=32
MODE=${BENCH_MODE:-background}
SEED=${BENCH_SEED:-42}
ADS=${BENCH_ADS:-100000}
USERS=5000
DATA=${BENCH_COMPARE_DIR:-$ROOT/target/bench-compare}
UA="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# "экскаватор", percent-encoded
SEARCH_PATH="/catalog?q=%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2%D0%B0%D1%82%D0%BE%D1%80"
CLK=$(getconf CLK_TCK)
NCPU=$(nproc)

[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 ]] || die "BENCH_SECONDS must be a positive integer"
[[ $MODE == background || $MODE == inline ]] || die "BENCH_MODE must be background or inline"
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
python3 -c 'import sqlite3' 2>/dev/null || die "python3 with its sqlite3 module is needed"

# ---- the two servers: always stopped on exit or interrupt ------------------------------------
declare -A PID=()
stop_all_hard() {
    for side in "${!PID[@]}"; do
        local pid=${PID[$side]}
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}
trap stop_all_hard EXIT
trap 'echo "compare: interrupted" >&2; exit 130' INT TERM

# SIGTERM one server, wait (at most 60 s) for its drain, return its exit status.
stop_clean() {
    local side=$1 pid=${PID[$1]} rc=0
    kill -TERM "$pid"
    (
        for _ in $(seq 600); do sleep 0.1; kill -0 "$pid" 2>/dev/null || exit 0; done
        kill -KILL "$pid" 2>/dev/null || true
    ) &
    local watchdog=$!
    wait "$pid" || rc=$?
    unset "PID[$side]"
    wait "$watchdog" 2>/dev/null || true
    return "$rc"
}

# CPU seconds (user+system) a process has used so far.
proc_cpu() {
    awk -v clk="$CLK" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / clk }' "/proc/$1/stat"
}

# CPU clock ticks (user+system) a process has used so far.
proc_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# Busy jiffies of the whole machine (all but idle and iowait).
machine_busy() {
    awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6; exit }' /proc/stat
}

# Sets CHILD_CPU to the CPU seconds of this shell's waited-for children (wrk among them), from
# the `times` builtin. Call it directly, never as $(children_cpu): a subshell's `times` reports
# the subshell's own children.
CHILD_CPU=0
children_cpu() {
    times >"$DATA/.times"
    CHILD_CPU=$(tail -n 1 "$DATA/.times" | awk '{
        s = 0
        for (i = 1; i <= 2; i++) { split($i, p, "m"); sub(/s$/, "", p[2]); s += p[1] * 60 + p[2] }
        printf "%.3f\n", s }')
}

# Waits until both servers have been (nearly) idle for a moment, at most 90 s: wrk abandons
# the requests in flight at its deadline, and their CPU must not be billed to the next run.
wait_idle() {
    local a b
    for _ in $(seq 300); do
        a=$(( $(proc_ticks "${PID[before]}") + $(proc_ticks "${PID[after]}") ))
        sleep 0.3
        b=$(( $(proc_ticks "${PID[before]}") + $(proc_ticks "${PID[after]}") ))
        # both together under about 5% of one core over 0.3 s
        if (( (b - a) * 1000 < 15 * CLK )); then return 0; fi
    done
    echo "compare: warning: servers still busy after 90 s, measuring anyway" >&2
}

# ---- seed one copy per binary ------------------------------------------------------------------
rm -rf "$DATA"
mkdir -p "$DATA"
say "load before seeding: $(cut -d' ' -f1-3 /proc/loadavg) ($NCPU cores)"
declare -A SEED_TIME=() PORT=() BASE=() PATHS=() VIEWS0=()
for side in before after; do
    dir=$DATA/$side
    mkdir -p "$dir"
    cat >"$dir/uzmat.toml" <<EOF
[server]
data_dir = "$dir"
EOF
    say "$side (${LABEL[$side]}): seeding $ADS ads (--users $USERS --ads $ADS --seed $SEED)"
    t0=$(date +%s.%N)
    UZMAT_LOG=warn "${BIN[$side]}" --config "$dir/uzmat.toml" seed --users "$USERS" --ads "$ADS" \
        --seed "$SEED" >"$dir/seed.log" 2>&1 || { cat "$dir/seed.log" >&2; die "$side: seed failed"; }
    t1=$(date +%s.%N)
    SEED_TIME[$side]=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
    "${LIB[@]}" checkpoint "$dir/uzmat.db"
    n=$("${LIB[@]}" export-paths "$dir/uzmat.db" "$dir/ad_paths.txt")
    [[ $n -gt 0 ]] || die "$side: no active ads after seeding"
    PATHS[$side]=$dir/ad_paths.txt
    VIEWS0[$side]=$("${LIB[@]}" sum-views "$dir/uzmat.db")
    echo "seed time ${SEED_TIME[$side]}s, $n active ads" >&2
done
if cmp -s "${PATHS[before]}" "${PATHS[after]}"; then
    SAME_ADS="the two seeds gave the same active ads"
else
    SAME_ADS="the two seeds gave DIFFERENT active ads (each build gets its own ad paths)"
fi
echo "$SAME_ADS" >&2

# ---- serve both ---------------------------------------------------------------------------------
for side in before after; do
    dir=$DATA/$side
    PORT[$side]=$("${LIB[@]}" free-port)
    BASE[$side]=http://127.0.0.1:${PORT[$side]}
    cat >"$dir/uzmat.toml" <<EOF
[server]
bind = "127.0.0.1:${PORT[$side]}"
trusted_proxies = ["127.0.0.1"]
data_dir = "$dir"

[jobs]
mode = "$MODE"
EOF
    "${BIN[$side]}" --config "$dir/uzmat.toml" serve >"$dir/server.log" 2>&1 &
    PID[$side]=$!
    "${LIB[@]}" wait-healthz "${BASE[$side]}/healthz" 30 "${PID[$side]}" || {
        cat "$dir/server.log" >&2
        die "$side server did not start"
    }
    say "$side (${LABEL[$side]}): ${BIN[$side]} serving on ${BASE[$side]}, jobs $MODE"
done

TSV=$DATA/runs.tsv
: >"$TSV"
BROKEN=0

# wrk_run SIDE ROUTE OUTFILE TAG: one wrk run of ROUTE against SIDE's server
wrk_run() {
    local side=$1 route=$2 out=$3 tag=$4 secs=$5
    local args=(-t"$THREADS" -c"$CONNS" -d"${secs}s" --latency --timeout 10s)
    if [[ $route == "ad detail" ]]; then
        args+=(-s "$ROOT/bench/ad_detail.lua" "${BASE[$side]}" -- "${PATHS[$side]}" "$tag")
    else
        args+=(-H "User-Agent: $UA" "${BASE[$side]}${ROUTE_PATH[$route]}")
    fi
    wrk "${args[@]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed: ${args[*]}"; }
}

# measure SIDE ROUTE ROUND: one measured run, appended to the runs TSV
measure() {
    local side=$1 route=$2 round=$3
    local out="$DATA/$side/wrk-${route// /-}-$round.txt"
    wait_idle
    local load c0 m0 w0 t0 c1 m1 w1 t1
    load=$(cut -d' ' -f1 /proc/loadavg)
    children_cpu; w0=$CHILD_CPU
    c0=$(proc_cpu "${PID[$side]}"); m0=$(machine_busy); t0=$(date +%s.%N)
    wrk_run "$side" "$route" "$out" "$round" "$SECS"
    t1=$(date +%s.%N); m1=$(machine_busy); c1=$(proc_cpu "${PID[$side]}")
    children_cpu; w1=$CHILD_CPU
    local -A r=()
    while IFS='=' read -r k v; do r[$k]=$v; done < <("${LIB[@]}" parse-wrk "$out")
    # CPU of everything but this server and wrk (other sessions, the idle other server, this
    # script), as a share of the machine during the run: the noise that came from outside
    local other
    other=$(python3 -c "
busy = ($m1 - $m0) / $CLK; srv = $c1 - $c0; wrk = $w1 - $w0; wall = $t1 - $t0
print(f'{max(busy - srv - wrk, 0) / (wall * $NCPU) * 100:.0f}')")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$route" "$side" "$round" "${r[rps]}" \
        "${r[p50]}" "${r[p99]}" "${r[requests]}" "$((${r[non2xx]} + ${r[sockerr]}))" \
        "$(python3 -c "print($c1 - $c0)")" "$other" "$load" >>"$TSV"
    printf '   %-10s %-7s run %s %9.0f req/s  p50 %6.2fms  p99 %7.2fms  errors %s  other CPU %s%%  load %s\n' \
        "$route" "$side" "$round" "${r[rps]}" "${r[p50]}" "${r[p99]}" \
        "$((${r[non2xx]} + ${r[sockerr]}))" "$other" "$load" >&2
    if (( ${r[non2xx]} + ${r[sockerr]} > 0 )); then BROKEN=1; fi
}

declare -A ROUTE_PATH=([healthz]=/healthz [home]=/ [catalog]=/catalog [search]=$SEARCH_PATH)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "measuring: ${SECS}s per run, wrk -t$THREADS -c$CONNS, order per route: before after after before"
for route in healthz home catalog search "ad detail"; do
    # warm-up (ad detail: run tag 0; the measured runs use tags 1 and 2, so no (ad, client)
    # pair repeats and the view dedupe never hides a view)
    for side in before after; do
        wait_idle
        wrk_run "$side" "$route" "$DATA/$side/wrk-${route// /-}-warmup.txt" 0 "$WARMUP"
    done
    measure before "$route" 1
    measure after "$route" 1
    measure after "$route" 2
    measure before "$route" 2
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- views exact, clean exits ------------------------------------------------------------------
wait_idle
declare -A VIEWS_LINE=()
for side in before after; do
    declare -A M=()
    while IFS='=' read -r k v; do M[$k]=$v; done < <("${LIB[@]}" metrics "${BASE[$side]}/metrics")
    rc=0
    stop_clean "$side" || rc=$?
    exit_note="exit 0"
    if [[ $rc -ne 0 ]]; then
        tail -n 20 "$DATA/$side/server.log" >&2
        exit_note="EXIT $rc after SIGTERM (want 0)"
        BROKEN=1
    fi
    post=$("${LIB[@]}" sum-views "$DATA/$side/uzmat.db")
    counted=$((post - ${VIEWS0[$side]}))
    status=OK
    if [[ $counted -ne ${M[view_submitted]} || ${M[view_dropped]} != 0 || ${M[view_failed]} != 0 \
        || ${M[ad_other]} -ne 0 ]]; then
        status=FAIL
        BROKEN=1
    fi
    VIEWS_LINE[$side]="$side: views $status (counted $counted, view jobs submitted ${M[view_submitted]}, dropped ${M[view_dropped]}, failed ${M[view_failed]}; /ad/ 2xx ${M[ad_2xx]}, other ${M[ad_other]}); $exit_note"
    unset M
done

# ---- the table -----------------------------------------------------------------------------------
HEADER="$(date -u '+%Y-%m-%d %H:%M UTC'): before = ${LABEL[before]}, after = ${LABEL[after]}; jobs $MODE;
${ADS} ads (seed $SEED, before ${SEED_TIME[before]}s, after ${SEED_TIME[after]}s; $SAME_ADS);
${SECS}s per run, 2 runs each (order before, after, after, before), wrk -t$THREADS -c$CONNS, $NCPU cores;
load average at start $LOAD_START, at end $LOAD_END"
python3 - "$TSV" "$DATA/compare-results.txt" "$HEADER" "${VIEWS_LINE[before]}" "${VIEWS_LINE[after]}" <<'PY'
import sys
from collections import defaultdict

tsv, out_path, header, *views = sys.argv[1:]
runs = defaultdict(list)  # (route, side) -> [run dicts]
order = []
for line in open(tsv):
    f = line.rstrip("\n").split("\t")
    route, side = f[0], f[1]
    if route not in order:
        order.append(route)
    runs[(route, side)].append(dict(
        round=int(f[2]), rps=float(f[3]), p50=float(f[4]), p99=float(f[5]), requests=int(f[6]),
        errors=int(f[7]), cpu=float(f[8]), other=float(f[9]), load=f[10]))

def mean(xs):
    return sum(xs) / len(xs)

def agg(route, side):
    rs = runs[(route, side)]
    rps = [r["rps"] for r in rs]
    return dict(
        rps=mean(rps),
        spread=(max(rps) - min(rps)) / mean(rps) if len(rps) > 1 else 0.0,
        p50=mean([r["p50"] for r in rs]), p99=mean([r["p99"] for r in rs]),
        cpu_us=sum(r["cpu"] for r in rs) * 1e6 / max(sum(r["requests"] for r in rs), 1),
        errors=sum(r["errors"] for r in rs))

lines = [header, ""]
lines.append(f"{'route':<10} {'before r/s':>10} {'after r/s':>10} {'after/bef':>9} {'noise':>6}  "
             f"{'bef/hz':>6} {'aft/hz':>6}  {'before p50/p99 ms':>17}  {'after p50/p99 ms':>17}  "
             f"{'cpu/req bef':>11} {'aft':>7}  {'err':>3}")
hz = {s: agg("healthz", s)["rps"] for s in ("before", "after")}
for route in order:
    b, a = agg(route, "before"), agg(route, "after")
    ratio = a["rps"] / b["rps"]
    # noise: the larger of the two builds' spreads between their own two runs
    noise = max(b["spread"], a["spread"])
    rb = "" if route == "healthz" else f"{b['rps'] / hz['before']:.3f}"
    ra = "" if route == "healthz" else f"{a['rps'] / hz['after']:.3f}"
    lines.append(
        f"{route:<10} {b['rps']:>10.0f} {a['rps']:>10.0f} {ratio:>8.3f}x {noise * 100:>5.1f}%  "
        f"{rb:>6} {ra:>6}  {b['p50']:>7.2f} / {b['p99']:>6.2f}  {a['p50']:>7.2f} / {a['p99']:>6.2f}  "
        f"{b['cpu_us']:>9.1f}us {a['cpu_us']:>5.1f}us  {b['errors'] + a['errors']:>3}")
lines.append("")
lines.append("runs (in the order made within each route):")
for route in order:
    rs = sorted([(r["round"], s, r) for s in ("before", "after") for r in runs[(route, s)]],
                key=lambda x: (x[0], 0 if (x[1] == "before") == (x[0] == 1) else 1))
    cells = [f"{s} {r['rps']:.0f} (other CPU {r['other']:.0f}%, load {r['load']})" for _, s, r in rs]
    lines.append(f"  {route:<10} " + ", ".join(cells))
lines.append("")
lines.extend(views)
text = "\n".join(lines) + "\n"
sys.stdout.write(text)
open(out_path, "w").write(text)
PY
echo "(also written to ${DATA}/compare-results.txt; wrk outputs and server logs in $DATA/{before,after}/)" >&2
exit "$BROKEN"
