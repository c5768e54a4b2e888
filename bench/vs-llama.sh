#!/usr/bin/env bash
# Our llama engine side by side with llama.cpp's llama-bench, on the same generated GGUF files,
# thread counts and machine, in one run: prefill (pp128) and decode (tg64) tokens/s, their
# ratios, and each decode figure as a share of the memory bandwidth measured in the same run.
#
#   bash bench/vs-llama.sh                       # every row, 2 threads and 1
#   ROWS="110M:Q8_0" THREADS=2 bash bench/vs-llama.sh
#
# Needs ../shared/bench/llama.cpp/llama-bench (skipped, with a note, when absent). Models are
# generated once into $MODELS (random weights in llama2.c's shapes, vocabulary 32000 from
# ../shared/vocab, the output tied to the embedding as llama2.c ties it).
set -euo pipefail
cd "$(dirname "$0")/.."

LLAMA=${LLAMA_BENCH:-../shared/bench/llama.cpp/llama-bench}
VOCAB=${VOCAB:-../shared/vocab/ggml-vocab-llama-spm.gguf}
MODELS=${MODELS:-/tmp/dynamo-vs-llama}
ROWS=${ROWS:-"15M:F32 15M:Q8_0 15M:F16 110M:F32 110M:Q8_0 110M:F16 110M:Q4_K_M"}
THREADS=${THREADS:-"2 1"}
REPEATS=${REPEATS:-3}

if [ ! -x "$LLAMA" ]; then
  echo "vs-llama: no llama-bench at $LLAMA; skipping the comparison."
  exit 0
fi
if [ ! -f "$VOCAB" ]; then
  echo "vs-llama: no vocabulary at $VOCAB; skipping the comparison."
  exit 0
fi

dotnet build bench/ModelGen -c Release -v q -nologo >/dev/null
dotnet build tools/Dev -c Release -v q -nologo >/dev/null
MODELGEN="dotnet bench/ModelGen/bin/Release/net10.0/Dynamo.Bench.ModelGen.dll"
DEV="dotnet tools/Dev/bin/Release/net10.0/Dynamo.Dev.dll"

mkdir -p "$MODELS"
for row in $ROWS; do
  file="$MODELS/${row%%:*}-${row##*:}.gguf"
  [ -f "$file" ] || $MODELGEN "${row%%:*}" "${row##*:}" "$file" "$VOCAB" >/dev/null
done

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for threads in $THREADS; do
  cpus="0-$((threads - 1))"
  echo "== $threads thread(s), cores $cpus" >&2
  bandwidth=$(taskset -c "$cpus" $DEV bench memory --threads "$threads" --json)
  echo "{\"kind\":\"memory\",\"threads\":$threads,\"result\":$bandwidth}" >>"$results"
  for row in $ROWS; do
    file="$MODELS/${row%%:*}-${row##*:}.gguf"
    echo "   $row" >&2
    llama=$(taskset -c "$cpus" "$LLAMA" -m "$file" -p 128 -n 64 -r "$REPEATS" -t "$threads" -o json 2>/dev/null)
    ours=$(taskset -c "$cpus" $DEV bench engine --model "$file" --prompt-tokens 128 --decode-tokens 64 --batches 1,4,16 --json 2>/dev/null | tail -1)
    python3 - "$row" "$threads" "$(stat -c %s "$file")" "$(stat -c %s "$VOCAB")" "$llama" "$ours" >>"$results" <<'PY'
import json, sys
row, threads, size, vocab, llama, ours = sys.argv[1:]
tests = json.loads(llama)
pp = next(t["avg_ts"] for t in tests if t["n_prompt"] == 128 and t["n_gen"] == 0)
tg = next(t["avg_ts"] for t in tests if t["n_gen"] == 64 and t["n_prompt"] == 0)
# Weights read per decode token: the whole file but its tokenizer (the output is the tied embedding).
print(json.dumps({"kind": "row", "row": row, "threads": int(threads), "bytes": int(size) - int(vocab),
                  "llama": {"prefill": pp, "decode": tg}, "ours": json.loads(ours)}))
PY
  done
done

python3 - "$results" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
bandwidth = {l["threads"]: l["result"]["gigabytes_per_second"] for l in lines if l["kind"] == "memory"}
print("| model | threads | prefill tok/s, llama.cpp / ours | decode tok/s, llama.cpp / ours | decode, share of bandwidth | ours, decode b4 / b16 |")
print("| --- | --- | --- | --- | --- | --- |")
for l in (l for l in lines if l["kind"] == "row"):
    lp, ld = l["llama"]["prefill"], l["llama"]["decode"]
    op, decodes = l["ours"]["prefill_tokens_per_second"], l["ours"]["decode_tokens_per_second"]
    od = decodes["1"]
    ceiling = bandwidth[l["threads"]] * 1e9 / l["bytes"]
    print(f"| {l['row'].replace(':', ' ')} | {l['threads']} | {lp:,.0f} / {op:,.0f} ({op / lp:.2f}×) | {ld:,.1f} / {od:,.1f} ({od / ld:.2f}×) "
          f"| {ld / ceiling:.0%} / {od / ceiling:.0%} of {ceiling:,.0f} | {decodes.get('4', 0):,.0f} / {decodes.get('16', 0):,.0f} |")
print()
print("memory read bandwidth (dynamo-dev bench memory): " + ", ".join(f"{t} thread(s) {b} GB/s" for t, b in sorted(bandwidth.items(), reverse=True)))
PY
