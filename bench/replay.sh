#!/usr/bin/env bash
# KV-aware routing against round-robin and least-loaded on a generated Mooncake-format trace of
# multi-turn agent sessions, replayed at its arrival times over 4 in-process mocker workers, each
# router in the same run with the same seed: TTFT and ITL p50/p90/p99, output tokens/s, KV hit
# rate, and kv's TTFT as a ratio of round-robin's.
#
#   bash bench/replay.sh                          # speedups 4 and 1
#   SPEEDUPS=10 TURNS=8 KV_BLOCKS=2048 bash bench/replay.sh
#
# The trace: 24 sessions in 4 groups that share an 8-block system prompt, 16 turns each; every turn
# adds the previous answer (1 block) and 6 blocks of tool output (512 tokens a block in the file,
# 64 tokens a block when replayed); 32 output tokens. Mockers: 20,000 prefill tokens/s, 10 ms a
# decode step, 4096 KV blocks of 16 tokens each (65,536 tokens), so a worker holds its share of the
# sessions but not all of them.
#
# Then a low-reuse trace: 384 single requests of 12 distinct blocks each, 30 ms apart, where KV
# routing has nothing to find and must balance as well as round-robin does.
set -euo pipefail
cd "$(dirname "$0")/.."

SPEEDUPS=${SPEEDUPS:-"4 1"}
TURNS=${TURNS:-16}
KV_BLOCKS=${KV_BLOCKS:-4096}
TRACE=${TRACE:-/tmp/dynamo-replay-agents.jsonl}
dotnet build tools/Dev -c Release -v q -nologo >/dev/null
DEV="dotnet tools/Dev/bin/Release/net10.0/Dynamo.Dev.dll"

$DEV replay generate --out "$TRACE" --sessions 24 --turns "$TURNS" --groups 4 --system-blocks 8 --user-blocks 6 --output-length 256 --think-ms 3000 --session-gap-ms 500 --seed 1
LOW=${LOW:-/tmp/dynamo-replay-low-reuse.jsonl}
$DEV replay generate --out "$LOW" --sessions 384 --turns 1 --groups 384 --system-blocks 0 --user-blocks 12 --session-gap-ms 30 --seed 2
for speedup in $SPEEDUPS; do
  for trace in "$TRACE" "$LOW"; do
    echo
    $DEV replay "$trace" --workers 4 --block-tokens 64 --kv-block-size 16 --kv-blocks "$KV_BLOCKS" --output-tokens 32 --speedup "$speedup" --seed 1
  done
done
