#!/usr/bin/env bash
# tincay's classifiers side by side with fastText (Debian's `fasttext` package), one thread each,
# same machine, same data, in one run (issue 5):
#   1. training on ViHSD train: `tincay train` (the bundled vihsd recipe) vs `fasttext supervised`
#      (word bigrams, character 2-5-grams), with each one's ViHSD dev macro-F1;
#   2. prediction on N comments (ViHSD train texts repeated, every copy perturbed with a number so
#      no two lines are equal): `tincay eval` (read JSONL, normalize, predict) vs `fasttext predict`
#      (on text already lower-cased and split, its preprocessing not timed);
#   3. the whole `tincay scan --no-db --threads 1` pipeline (normalize, rules, PII, dedup, claims,
#      models, decisions written as JSONL) on the same N comments vs `fasttext predict` alone.
# Prints the times and the ratios. Skips (exit 0) without ../shared/datasets or fasttext.
# Usage: bench/models_vs_fasttext.sh BUILD_DIR [N]
set -euo pipefail
build=${1:?usage: models_vs_fasttext.sh BUILD_DIR [N]}
n=${2:-200000}
root=$(cd "$(dirname "$0")/.." && pwd)
data=${TINCAY_DATASETS:-$root/../shared/datasets}
tincay="$build/tincay"
if [ ! -f "$data/vihsd/train.jsonl" ]; then
  echo "models_vs_fasttext: skipped (no $data/vihsd; the data sets live in ../shared)"; exit 0
fi
if ! command -v fasttext > /dev/null; then
  echo "models_vs_fasttext: skipped (no fasttext; scripts/setup-deps installs it)"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fastText input: lower-cased, punctuation split off, "__label__X text" per line (its usual
# preprocessing); tincay reads the raw JSONL and normalizes it itself, inside the timed runs.
python3 - "$data/vihsd" "$n" "$work" <<'PY'
import json, re, sys
src, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def prep(t):
    t = t.lower().replace("\n", " ")
    return " ".join(re.findall(r"\w+|[^\w\s]", t))
def load(split):
    return [json.loads(l) for l in open(f"{src}/{split}.jsonl", encoding="utf-8")]
train, dev = load("train"), load("dev")
for name, rows in (("train", train), ("dev", dev)):
    with open(f"{work}/{name}.ft", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(f"__label__{r['label']} {prep(r['text'])}\n")
    with open(f"{work}/{name}.labels", "w") as f:
        f.write("\n".join(r["label"] for r in rows) + "\n")
with open(f"{work}/big.jsonl", "w", encoding="utf-8") as j, \
     open(f"{work}/big.txt", "w", encoding="utf-8") as t:
    for i in range(n):
        r = train[i % len(train)]
        text = r["text"] if i < len(train) else f"{r['text']} {i}"
        j.write(json.dumps({"id": f"b{i}", "text": text, "label": r["label"]},
                           ensure_ascii=False) + "\n")
        t.write(prep(text) + "\n")
PY
mb=$(awk -v b="$(stat -c %s "$work/big.jsonl")" 'BEGIN{printf "%.1f", b/1e6}')
# Runs a command and prints its wall time and its CPU time (user + system, children included).
# Every run here is single-threaded, so on an idle machine the two agree; on a shared machine the
# CPU time is the fair measure, and the ratios use it.
run() {  # label, items, command... (stdout to $work/out)
  local label=$1 items=$2; shift 2
  python3 - "$work" "$label" "$items" "$@" <<'PY'
import resource, subprocess, sys, time
work, label, items, cmd = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
t0 = time.monotonic()
with open(f"{work}/out", "wb") as out, open(f"{work}/err", "wb") as err:
    rc = subprocess.call(cmd, stdout=out, stderr=err)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
if rc not in (0, 3):
    sys.stderr.write(open(f"{work}/err").read())
    sys.exit(1)
print(f"{label:<52} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {items / cpu:9.0f} /cpu-s")
open(f"{work}/last", "w").write(f"{cpu}\n")
PY
}
macro_f1() {  # gold labels file, predicted labels file
  python3 - "$1" "$2" <<'PY'
import sys
gold = open(sys.argv[1]).read().split()
pred = [p.replace("__label__", "") for p in open(sys.argv[2]).read().split()]
labels = sorted(set(gold))
f1s = []
for l in labels:
    tp = sum(g == l and p == l for g, p in zip(gold, pred))
    fp = sum(g != l and p == l for g, p in zip(gold, pred))
    fn = sum(g == l and p != l for g, p in zip(gold, pred))
    f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
print(f"{sum(f1s) / len(f1s):.4f}")
PY
}
echo "data: ViHSD train $(wc -l < "$work/train.ft") comments; prediction input $n comments, $mb MB"

# fastText settings: word bigrams, character 2-5-grams, the best of a small search on ViHSD
# (docs/benchmarks.md); -thread 1.
ft_flags=(-wordNgrams 2 -minn 2 -maxn 5 -dim 50 -epoch 10 -lr 0.5 -bucket 2000000 -thread 1)
echo "== training on ViHSD train, 1 thread"
run "fasttext supervised ${ft_flags[*]:0:6}" 24048 \
  fasttext supervised -input "$work/train.ft" -output "$work/ft" "${ft_flags[@]}" -verbose 0
ft_train=$(cat "$work/last")
# The bundled vihsd recipe (scripts/train-models), on one thread.
run "tincay train (vihsd recipe)" 24048 \
  env TINCAY_BIN="$tincay" TINCAY_THREADS=1 MODELS_DIR="$work" TRAIN_ONLY=vihsd \
  "$root/scripts/train-models"
tc_train=$(cat "$work/last")
fasttext predict "$work/ft.bin" "$work/dev.ft" > "$work/ft.dev.pred"
ft_f1=$(macro_f1 "$work/dev.labels" "$work/ft.dev.pred")
tc_f1=$("$tincay" eval --model "$work/vihsd.model" --data "$data/vihsd/dev.jsonl" --json \
  --data-dir "$root" | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["macro_f1"])')
echo "ViHSD dev macro-F1: fastText $ft_f1, tincay $tc_f1"

echo "== prediction on $n comments, 1 thread"
run "fasttext predict (pre-tokenized text)" "$n" fasttext predict "$work/ft.bin" "$work/big.txt"
ft_pred=$(cat "$work/last")
run "tincay eval --threads 1 (JSONL, normalize, predict)" "$n" \
  "$tincay" eval --model "$work/vihsd.model" --data "$work/big.jsonl" --threads 1 --data-dir "$root"
tc_pred=$(cat "$work/last")
run "tincay scan --no-db --threads 1 (whole pipeline)" "$n" \
  "$tincay" scan "$work/big.jsonl" --no-db --quiet --threads 1 --data-dir "$root"
tc_scan=$(cat "$work/last")

echo "== ratios of CPU time, 1 thread each (above 1: tincay faster)"
awk -v f="$ft_pred" -v t="$tc_pred" 'BEGIN{printf "prediction: tincay eval is %.2fx fasttext predict (target >= 2)\n", f/t}'
awk -v f="$ft_pred" -v t="$tc_scan" 'BEGIN{printf "whole scan: tincay scan --no-db is %.2fx fasttext predict (target >= 1)\n", f/t}'
awk -v f="$ft_train" -v t="$tc_train" 'BEGIN{printf "training:   tincay train is %.2fx fasttext supervised (target >= 1)\n", f/t}'
