#!/usr/bin/env bash
# tincay serve under load: wrk (1 thread, 10 s) against POST /v1/scan with one short post per
# request, then with batches of 1,000 posts (the bundled sample, cycled). Prints requests/s, p99
# latency and, for batches, posts/s. Usage: bench/serve.sh BUILD_DIR [CONNECTIONS] [SECONDS]
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
"$tincay" serve --db "$work/t.db" --listen 127.0.0.1:0 --rate-limit 0 --max-batch 1000 \
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
echo "== POST /v1/scan, one short post, $conns connections, ${secs}s"
wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$work/single.lua" "$url" \
  | grep -E 'Requests/sec|99%|Socket errors|Non-2xx'
bconns=$(( conns < 4 ? conns : 4 ))
echo "== POST /v1/scan, batches of 1,000 posts, $bconns connections, ${secs}s"
out=$(wrk -t1 -c"$bconns" -d"${secs}s" --latency -s "$work/batch.lua" "$url")
echo "$out" | grep -E 'Requests/sec|99%|Socket errors|Non-2xx'
rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
python3 -c "print(f'posts/s: {float(\"$rps\") * 1000:,.0f}')"
