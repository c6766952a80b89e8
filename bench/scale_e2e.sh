#!/usr/bin/env bash
# End-to-end scale-out throughput (docs/scaling.md): tincay publish puts N posts on a JetStream
# stream (a temporary nats-server), then 1 and then 2 tincay workers store them in PostgreSQL (a
# temporary cluster). Reports publish rate, posts/s end to end per worker count, and where the
# workers' time goes (fetch, decode, pipeline, store, ack). For comparison in the same run:
# tincay scan into SQLite and with --no-db on the same file.
# Usage: bench/scale_e2e.sh BUILD_DIR [N]   (N defaults to 100000)
set -euo pipefail
build=${1:?usage: scale_e2e.sh BUILD_DIR [N]}
n=${2:-100000}
tincay="$(cd "$build" && pwd)/tincay"
src=$(pwd)
pgbin=${TINCAY_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
nats_server=${TINCAY_NATS_SERVER:-$(command -v nats-server || echo /usr/sbin/nats-server)}
for b in "$pgbin/initdb" "$pgbin/pg_ctl" "$pgbin/psql" "$nats_server"; do
  [ -x "$b" ] || { echo "scale_e2e: $b missing (scripts/setup-deps installs it)" >&2; exit 1; }
done
work=$(mktemp -d)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then  # initdb refuses root: the cluster runs as nobody
  chown nobody "$work"
  as_owner=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
nats_port=$(free_port)
nats_pid=""
cleanup() {
  set +e  # stop everything even when one step fails
  if [ -n "$nats_pid" ]; then kill "$nats_pid" 2>/dev/null; wait "$nats_pid" 2>/dev/null; fi
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
"${as_owner[@]}" "$pgbin/initdb" -D "$work/pg" -U tincay -A trust -E UTF8 --locale=C >/dev/null
"${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o \
  "-p $pg_port -c listen_addresses=127.0.0.1 -k $work" start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U tincay tincay
store="postgresql://tincay@127.0.0.1:$pg_port/tincay"
psql() { PGOPTIONS="-c client_min_messages=warning" "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U tincay -d tincay -X -A -t -c "$1"; }
nats="nats://127.0.0.1:$nats_port"

python3 - "$n" "$work/posts.jsonl" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
posts = [json.loads(l) for l in open("examples/posts.jsonl", encoding="utf-8")]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        p = dict(posts[i % len(posts)]); p["id"] = f"bench-{i}"
        f.write(json.dumps(p, ensure_ascii=False) + "\n")
PY
echo "input: $n posts (examples/posts.jsonl repeated); $(nproc) cores"
export TINCAY_SECRET=bench-secret-0123456789abcdef
now() { date +%s.%N; }

for workers in 1 2; do
  # A fresh stream and an empty database for each round.
  if [ -n "$nats_pid" ]; then kill "$nats_pid"; wait "$nats_pid" 2>/dev/null || true; fi
  rm -rf "$work/js"
  "$nats_server" -js -sd "$work/js" -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 &
  nats_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && break; sleep 0.1; done
  psql "DROP TABLE IF EXISTS decision_categories, decisions, appeals, reviews, posts, claims,
        api_keys, audit_log, schema_version CASCADE" >/dev/null
  t0=$(now)
  "$tincay" publish "$work/posts.jsonl" --nats "$nats" 2>"$work/publish.log"
  t1=$(now)
  awk -v a="$t0" -v b="$t1" -v n="$n" \
    'BEGIN{printf "publish: %.2f s, %.0f posts/s\n", b-a, n/(b-a)}'
  threads=$(( $(nproc) / workers )); [ "$threads" -ge 1 ] || threads=1
  pids=()
  t0=$(now)
  for w in $(seq "$workers"); do
    "$tincay" worker --nats "$nats" --store "$store" --data-dir "$src" --threads "$threads" \
      --batch 500 --exit-when-idle 2 2>"$work/worker-$w.log" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  t1=$(now)
  stored=$(psql "SELECT COUNT(*) FROM posts")
  # The workers exit 2 s after the stream ran dry: that idle wait is not work.
  awk -v a="$t0" -v b="$t1" -v n="$stored" -v w="$workers" -v t="$threads" \
    'BEGIN{s=b-a-2; printf "%d worker(s) x %d thread(s): %d posts stored in %.2f s, %.0f posts/s end to end\n", w, t, n, s, n/s}'
  for w in $(seq "$workers"); do
    grep -h "^worker" "$work/worker-$w.log" | sed "s/^/  worker $w: /"
  done
done

t0=$(now)
"$tincay" scan "$work/posts.jsonl" --db "$work/scan.db" --quiet >/dev/null
t1=$(now)
awk -v a="$t0" -v b="$t1" -v n="$n" \
  'BEGIN{printf "reference: tincay scan --db (SQLite), all cores: %.2f s, %.0f posts/s\n", b-a, n/(b-a)}'
