#!/usr/bin/env bash
# Sourced by bench/run.sh and bench/uncached.sh: the server process they start (SERVER_PID),
# stopped on exit or interrupt, its CPU time, and a wait until it is idle.

# ---- the server process: always stopped on exit or interrupt --------------------------------
SERVER_PID=""
stop_server_hard() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
trap stop_server_hard EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

server_cpu() {
    local clk
    clk=$(getconf CLK_TCK)
    awk -v clk="$clk" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / clk }' "/proc/$SERVER_PID/stat"
}

# waits until the server uses under 5% of a core: a slow route's abandoned requests must not
# be billed to the next run
wait_idle() {
    local a b
    for _ in $(seq 300); do
        a=$(server_cpu)
        sleep 0.3
        b=$(server_cpu)
        # under 5% of one core over 0.3 s
        if python3 -c "import sys; sys.exit(0 if $b - $a < 0.015 else 1)"; then
            return 0
        fi
    done
    echo "bench: warning: server still busy after 90 s, measuring anyway" >&2
}
