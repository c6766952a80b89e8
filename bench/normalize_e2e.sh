#!/usr/bin/env bash
# End-to-end normalization timing: `tincay normalize` (and `--json`) on the ViHSD train texts,
# one per line (newlines inside a text become spaces), repeated R times; the peer is `cat`, a
# floor for reading and writing the same lines. Usage: bench/normalize_e2e.sh BUILD_DIR [R]
set -euo pipefail
build=${1:?usage: normalize_e2e.sh BUILD_DIR [REPEAT]}
repeat=${2:-5}
data=../shared/datasets/vihsd/train.jsonl
if [ ! -f "$data" ]; then echo "normalize_e2e: $data not found, skipped"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$data" "$work/lines.txt" "$repeat" <<'PY'
import json, sys
texts = [json.loads(l)["text"].replace("\r", " ").replace("\n", " ") for l in open(sys.argv[1], encoding="utf-8")]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for _ in range(int(sys.argv[3])):
        for t in texts: f.write(t + "\n")
PY
lines=$(wc -l < "$work/lines.txt")
mb=$(awk -v b="$(stat -c %s "$work/lines.txt")" 'BEGIN{printf "%.1f", b/1e6}')
echo "input: $lines lines, $mb MB (ViHSD train texts x $repeat)"
now() { date +%s.%N; }
run() {
  local label=$1; shift
  local t0 t1; t0=$(now); "$@" < "$work/lines.txt" > /dev/null; t1=$(now)
  awk -v l="$label" -v n="$lines" -v a="$t0" -v b="$t1" -v mb="$mb" \
    'BEGIN{s=b-a; printf "%-28s %7.2f s %9.0f posts/s %7.1f MB/s\n", l, s, n/s, mb/s}'
}
run "cat (peer)" cat
run "tincay normalize" "$build/tincay" normalize
run "tincay normalize --json" "$build/tincay" normalize --json
