#!/usr/bin/env bash
# End-to-end scan throughput: tincay scan on a generated file of N posts (the bundled sample
# repeated with fresh ids), with and without storage, on 1 and 2 threads. The peer is jq, run on
# the same file in the same run: `jq -c .` parses and re-prints every record, a floor for any tool
# that reads JSONL. Usage: bench/scan_e2e.sh BUILD_DIR [N]
set -euo pipefail
build=${1:?usage: scan_e2e.sh BUILD_DIR [N]}
n=${2:-200000}
tincay="$build/tincay"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" "$work/posts.jsonl" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
posts = [json.loads(l) for l in open("examples/posts.jsonl", encoding="utf-8")]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        p = dict(posts[i % len(posts)]); p["id"] = f"bench-{i}"
        f.write(json.dumps(p, ensure_ascii=False) + "\n")
PY
mb=$(awk -v b="$(stat -c %s "$work/posts.jsonl")" 'BEGIN{printf "%.1f", b/1e6}')
echo "input: $n posts, $mb MB (examples/posts.jsonl repeated)"
now() { date +%s.%N; }
run() {  # label, command...
  local label=$1; shift
  local t0 t1; t0=$(now); "$@" > /dev/null 2>&1 || [ $? -eq 3 ]; t1=$(now)
  awk -v l="$label" -v n="$n" -v a="$t0" -v b="$t1" -v mb="$mb" \
    'BEGIN{s=b-a; printf "%-36s %7.2f s %9.0f posts/s %7.1f MB/s\n", l, s, n/s, mb/s}'
  awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}' > "$work/last"
}
run "jq -c . (peer, 1 thread)" jq -c . "$work/posts.jsonl"; jq_s=$(cat "$work/last")
run "tincay scan --no-db --threads 1" "$tincay" scan "$work/posts.jsonl" --no-db --quiet --threads 1
t1_s=$(cat "$work/last")
run "tincay scan --no-db --threads 2" "$tincay" scan "$work/posts.jsonl" --no-db --quiet --threads 2
run "tincay scan --db (SQLite) --threads 2" "$tincay" scan "$work/posts.jsonl" --db "$work/b.db" --quiet --threads 2
awk -v a="$jq_s" -v b="$t1_s" 'BEGIN{printf "ratio (1 thread): tincay scan is %.2fx the speed of jq -c .\n", a/b}'
