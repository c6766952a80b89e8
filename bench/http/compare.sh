#!/usr/bin/env bash
# Reruns the HTTP library comparison of docs/http-library.md: each peer echo server in turn, wrk
# with 1 thread for 5 s at 2 and 64 connections, a POST of one short JSON post.
# Usage: bench/http/compare.sh BUILD_DIR   (BUILD_DIR built with -DTINCAY_BUILD_BENCH=ON)
set -euo pipefail
build=${1:?usage: compare.sh BUILD_DIR}
command -v wrk >/dev/null || { echo "compare.sh: wrk is missing (scripts/setup-deps)" >&2; exit 1; }
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text":"Tuyển CTV việc nhẹ lương cao, inbox ngay"}'
LUA
run_peer() {  # name binary port
  local name=$1 bin=$2 port=$3
  if [ ! -x "$bin" ]; then echo "== $name: $bin not built, skipped"; return; fi
  "$bin" "$port" & pid=$!
  sleep 0.5
  for c in 2 64; do
    echo "== $name, $c connections"
    wrk -t1 -c"$c" -d5s --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/scan" \
      | grep -E 'Requests/sec|99%|Socket errors|Non-2xx'
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
run_peer libmicrohttpd "$build/bench/mhd_echo" 18082
run_peer cpp-httplib "$build/bench/httplib_echo" 18081
