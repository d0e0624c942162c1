#!/usr/bin/env bash
# 200 kill -9 cycles of the real binary under write load (the test runs 20): after each, the
# database passes integrity_check, its foreign keys hold and every acknowledged write is there.
set -euo pipefail
cd "$(dirname "$0")/.."
UZMAT_CRASH_CYCLES=${UZMAT_CRASH_CYCLES:-200} cargo test --release --test it crash::kill_9 -- --nocapture
