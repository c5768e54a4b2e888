#!/usr/bin/env bash
# Non-streaming chat requests/s: Dynamo (mocker engine) next to a bare Kestrel endpoint, same
# machine, same run, same wrk load from a second process. Usage: bash bench/http-load.sh
# Env: DURATION (10s), CONNECTIONS (32), THREADS (1), WARMUP (3s), DECODE_ITL_MS (0), OUTPUT_TOKENS (16)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s} CONNECTIONS=${CONNECTIONS:-32} THREADS=${THREADS:-1} WARMUP=${WARMUP:-3s}
DYNAMO_PORT=${DYNAMO_PORT:-18000} BARE_PORT=${BARE_PORT:-18001}

command -v wrk >/dev/null || { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; }
dotnet build src/Host -c Release -v q -nologo >/dev/null
dotnet build bench/BareKestrel -c Release -v q -nologo >/dev/null

config=$(mktemp --suffix=.json)
cat >"$config" <<JSON
{"Logging":{"LogLevel":{"Default":"Warning"}},
 "Dynamo":{"Models":[{"Name":"dynamo-mocker","Tokenizer":"bytes","ChatTemplate":"plain","Router":"round-robin",
   "Engine":{"Name":"mocker","DecodeItlMs":${DECODE_ITL_MS:-0},"PrefillTokensPerSecond":1e12,"OutputTokens":${OUTPUT_TOKENS:-16}}}]}}
JSON
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -f "$config"; }
trap cleanup EXIT

dotnet src/Host/bin/Release/net10.0/Dynamo.Host.dll --config "$config" --urls "http://127.0.0.1:$DYNAMO_PORT" & pids+=($!)
dotnet bench/BareKestrel/bin/Release/net10.0/Dynamo.Bench.BareKestrel.dll --urls "http://127.0.0.1:$BARE_PORT" & pids+=($!)

body='{"model":"dynamo-mocker","messages":[{"role":"user","content":"Hello there, how are you today?"}],"max_tokens":16}'
for port in "$DYNAMO_PORT" "$BARE_PORT"; do
  for _ in $(seq 100); do curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/v1/chat/completions" && break; sleep 0.2; done
done
curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$DYNAMO_PORT/v1/chat/completions" | grep -q '"object":"chat.completion"' \
  || { echo "dynamo did not answer with a chat.completion" >&2; exit 1; }

run() { # name port
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/post-chat.lua "http://127.0.0.1:$2/v1/chat/completions" >/dev/null
  local line; line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/post-chat.lua "http://127.0.0.1:$2/v1/chat/completions" | grep '^RESULT')
  case "$line" in *"errors=0 non2xx=0"*) ;; *) echo "$1: failed requests: $line" >&2; exit 1 ;; esac
  echo "$1 ${line#RESULT }"
}
dynamo=$(run dynamo "$DYNAMO_PORT")
bare=$(run bare-kestrel "$BARE_PORT")
rps() { sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$1"; }
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, non-streaming chat, $(nproc) cores"
printf '%s\n%s\n' "$dynamo" "$bare"
awk -v d="$(rps "$dynamo")" -v b="$(rps "$bare")" 'BEGIN { printf "dynamo / bare-kestrel = %.3f\n", d / b }'
