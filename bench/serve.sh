#!/usr/bin/env bash
# tincay serve under load: wrk (1 thread, 10 s) against POST /v1/scan with one short post per
# request, then with batches of 1,000 posts (the bundled sample, cycled). Prints requests/s, p99
# latency, for batches posts/s, and the server's own CPU time per request (from /proc: a figure
# that other processes on the same cores disturb much less than requests/s).
# Usage: bench/serve.sh BUILD_DIR [CONNECTIONS] [SECONDS]; SERVE_ARGS adds `tincay serve` options,
# ONLY=single|batch runs one of the two workloads, FRESH_IDS=1 gives every batch new post ids.
set -euo pipefail
build=${1:?usage: serve.sh BUILD_DIR [CONNECTIONS] [SECONDS]}
conns=${2:-16}
secs=${3:-10}
command -v wrk >/dev/null || { echo "serve.sh: wrk is missing (scripts/setup-deps)" >&2; exit 1; }
tincay="$build/tincay"
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
key=$("$tincay" keys create --db "$work/t.db" --role ingest 2>/dev/null | tail -n 1)
# shellcheck disable=SC2086
"$tincay" serve --db "$work/t.db" --listen 127.0.0.1:0 --rate-limit 0 --max-batch 1000 ${SERVE_ARGS:-} \
  > "$work/serve.out" 2> "$work/serve.err" & pid=$!
for _ in $(seq 50); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/serve.out")/v1/scan
[ -n "$url" ] || { cat "$work/serve.err" >&2; exit 1; }
cat > "$work/single.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
wrk.body = '{"text":"Tuyển CTV việc nhẹ lương cao, inbox ngay"}'
LUA
python3 - "$work/batch.json" <<'PY'
import json, sys
posts = [json.loads(l) for l in open("examples/posts.jsonl", encoding="utf-8")]
batch = []
for i in range(1000):
    p = dict(posts[i % len(posts)]); p["id"] = f"bench-{i}"
    batch.append(p)
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps({"posts": batch}, ensure_ascii=False))
PY
cat > "$work/batch.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
local f = io.open("$work/batch.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
# FRESH_IDS=1: every batch request carries 1,000 ids never sent before (r<n>-<i>), as real
# traffic does: the server inserts new rows and feeds the trend rollups, where the default
# (the same ids bench-0 ... bench-999 every time) re-stores, i.e. updates, the same posts.
if [ "${FRESH_IDS:-0}" = 1 ]; then
  cat >> "$work/batch.lua" <<'LUA'
local template, n = wrk.body, 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, (template:gsub('"id": "bench%-', '"id": "r' .. n .. '-')))
end
LUA
fi
only=${ONLY:-}
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# run_wrk CONNECTIONS LUA: wrk's summary lines, then the server's CPU ms per request.
run_wrk() {
  local before after out reqs
  before=$(cpu)
  out=$(wrk -t1 -c"$1" -d"${secs}s" --timeout 30s --latency -s "$2" "$url")
  after=$(cpu)
  echo "$out" | grep -E 'Requests/sec|99%|Socket errors|Non-2xx'
  reqs=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
  python3 -c "print(f'server CPU per request: {($after - $before) / $ticks / max($reqs, 1) * 1e3:.3f} ms ({$reqs} requests)')"
  rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
}
if [ "$only" != batch ]; then
  echo "== POST /v1/scan, one short post, $conns connections, ${secs}s"
  run_wrk "$conns" "$work/single.lua"
fi
if [ "$only" != single ]; then
  bconns=$(( conns < 4 ? conns : 4 ))
  echo "== POST /v1/scan, batches of 1,000 posts, $bconns connections, ${secs}s"
  run_wrk "$bconns" "$work/batch.lua"
  python3 -c "print(f'posts/s: {float(\"$rps\") * 1000:,.0f}')"
fi
