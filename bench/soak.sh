#!/usr/bin/env bash
# Soak test of tincay serve: wrk holds a steady load on POST /v1/scan (one short post per request,
# each with a fresh id, so the database and the audit log grow all along) for SOAK_SECONDS while
# the server's resident memory is sampled every SOAK_SAMPLE seconds.
#
# Passes when every request was answered with 2xx (no non-2xx, no socket errors or timeouts) and
# memory is flat: after the warm-up (the first fifth of the run), RSS never exceeds its value at the
# end of the warm-up by more than SOAK_RSS_TOLERANCE_MIB (default 16 MiB; SQLite's page caches and
# the allocator settle in the warm-up) and the least-squares slope over the rest of the run stays
# under SOAK_SLOPE_MIB_PER_MIN (default 1 MiB/min). Prints the samples and a summary line.
#
# The campaign index keeps recent posts by design (about 1.3 KB a post, up to
# --campaign-max-posts, default 262,144 ≈ 340 MB), so the server's memory grows with the posts
# scanned until that bound and is flat from then on. A 5-minute run on 2 cores scans far fewer
# posts than the default bound, so the soak runs the server with SOAK_SERVE_ARGS (default
# --campaign-max-posts 4000): the bound is reached during the warm-up and what is measured
# afterwards is everything else that could leak.
#
# Usage: bench/soak.sh BUILD_DIR   (make soak; SOAK_SECONDS=60 make soak for a short run)
# Steady rate: CONNECTIONS connections, each waiting DELAY_MS between requests (wrk's delay()).
set -euo pipefail
build=${1:?usage: soak.sh BUILD_DIR}
secs=${SOAK_SECONDS:-300}
sample=${SOAK_SAMPLE:-5}
conns=${SOAK_CONNECTIONS:-8}
delay_ms=${SOAK_DELAY_MS:-5}
tolerance=${SOAK_RSS_TOLERANCE_MIB:-16}
slope_limit=${SOAK_SLOPE_MIB_PER_MIN:-1}
serve_args=${SOAK_SERVE_ARGS---campaign-max-posts 4000}
command -v wrk >/dev/null || { echo "soak.sh: wrk is missing (scripts/setup-deps)" >&2; exit 1; }
tincay="$build/tincay"
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
key=$("$tincay" keys create --db "$work/t.db" --role ingest 2>/dev/null | tail -n 1)
# shellcheck disable=SC2086
"$tincay" serve --db "$work/t.db" --listen 127.0.0.1:0 --rate-limit 0 $serve_args \
  > "$work/serve.out" 2> "$work/serve.err" & pid=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/serve.out")/v1/scan
[ -n "$url" ] || { cat "$work/serve.err" >&2; exit 1; }
cat > "$work/soak.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
local n = 0
local texts = {
  "Tuyển CTV việc nhẹ lương cao, inbox ngay",
  "Hôm nay trời đẹp quá, đi cà phê không mọi người?",
  "Liên hệ chị Lan 0912345678 để nhận quà tặng miễn phí",
  "Sản phẩm này chữa khỏi 100% mọi bệnh, cam kết hoàn tiền",
}
request = function()
  n = n + 1
  local body = string.format('{"id":"soak-%d-%d","text":"%s"}', math.random(1, 1000000000), n,
                             texts[(n % #texts) + 1])
  return wrk.format(nil, nil, nil, body)
end
delay = function() return $delay_ms end
LUA
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
echo "soak: ${secs}s, $conns connections, ${delay_ms} ms between requests per connection, RSS every ${sample}s, serve $serve_args"
echo "seconds,rss_kib" > "$work/rss.csv"
wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$work/soak.lua" "$url" > "$work/wrk.out" &
wrk_pid=$!
start=$(date +%s)
while kill -0 "$wrk_pid" 2>/dev/null; do
  echo "$(( $(date +%s) - start )),$(rss_kib)" >> "$work/rss.csv"
  sleep "$sample"
done
wait "$wrk_pid"
kill -0 "$pid" 2>/dev/null || { echo "soak: FAIL, the server died" >&2; cat "$work/serve.err" >&2; exit 1; }
cat "$work/wrk.out"
python3 - "$work/rss.csv" "$work/wrk.out" "$secs" "$tolerance" "$slope_limit" <<'PY'
import re, sys
rows = [l.strip().split(",") for l in open(sys.argv[1]).read().splitlines()[1:] if l.strip()]
samples = [(int(t), int(k) / 1024.0) for t, k in rows]
wrk = open(sys.argv[2]).read()
secs, tolerance, slope_limit = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print("rss samples (s: MiB): " + " ".join(f"{t}:{m:.1f}" for t, m in samples))
warm = [s for s in samples if s[0] <= secs / 5]
rest = [s for s in samples if s[0] > secs / 5]
base = warm[-1][1] if warm else samples[0][1]
peak = max(m for _, m in rest) if rest else base
slope = 0.0
if len(rest) >= 2:
    n = len(rest)
    mt = sum(t for t, _ in rest) / n
    mm = sum(m for _, m in rest) / n
    den = sum((t - mt) ** 2 for t, _ in rest)
    slope = sum((t - mt) * (m - mm) for t, m in rest) / den * 60 if den else 0.0
reqs = int(re.search(r"(\d+) requests in", wrk).group(1))
non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)) else 0
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk)
sock_errors = sum(int(x) for x in sock.groups()) if sock else 0
rps = float(re.search(r"Requests/sec:\s*([\d.]+)", wrk).group(1))
ok_mem = peak - base <= tolerance and slope <= slope_limit
ok_req = non2xx == 0 and sock_errors == 0 and reqs > 0
print(f"soak: {reqs} requests in {secs}s ({rps:.0f} req/s), non-2xx {non2xx}, socket errors "
      f"{sock_errors}; RSS {samples[0][1]:.1f} MiB at start, {base:.1f} after warm-up, peak "
      f"{peak:.1f} after it (+{peak - base:.1f}, tolerance {tolerance:.0f} MiB), slope "
      f"{slope:+.2f} MiB/min (limit {slope_limit:g}), {samples[-1][1]:.1f} at the end")
print("soak: PASS" if ok_mem and ok_req else "soak: FAIL")
sys.exit(0 if ok_mem and ok_req else 1)
PY
