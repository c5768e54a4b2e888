#!/usr/bin/env bash
# The real agent harnesses against a local Dynamo: Claude Code (Anthropic Messages API) and Codex
# (OpenAI Responses API), each for a plain text turn and a tool loop (the harness runs the tool the
# scripted model asks for and sends the result back). Not part of CI: the CLIs are large.
#
#   scripts/harness.sh [claude|codex|all]     default: all
#
# Environment: CLAUDE_CODE_VERSION (2.1.332), CODEX_VERSION (0.171.0), HARNESS_PORT (8790),
# HARNESS_DIR (.harness: the CLIs, the server's config, log and trace, each harness's home and workdir).
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
case "$which" in claude|codex|all) ;; *) echo "usage: scripts/harness.sh [claude|codex|all]" >&2; exit 2 ;; esac
dir="$(mkdir -p "${HARNESS_DIR:-.harness}" && cd "${HARNESS_DIR:-.harness}" && pwd)"
port="${HARNESS_PORT:-8790}"
base="http://127.0.0.1:$port"

# The CLIs, pinned, from npm (Node and npm from Debian where missing).
if ! command -v npm >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -q nodejs npm >/dev/null
fi
npm install --silent --no-audit --no-fund --prefix "$dir/cli" \
  "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION:-2.1.332}" "@openai/codex@${CODEX_VERSION:-0.171.0}" >/dev/null
claude="$dir/cli/node_modules/.bin/claude"
codex="$dir/cli/node_modules/.bin/codex"

# Scripted models with a context long enough for the harnesses' prompts (tens of thousands of tokens):
# each tool model asks for one shell command on its first turn and answers once the result is back.
node - "$dir/appsettings.json" "$dir/trace" <<'EOF'
const [file, trace] = process.argv.slice(2);
const call = (name, args) => `<tool_call>${JSON.stringify({ name, arguments: args })}</tool_call>`;
const model = (name, engine) => ({ Name: name, Tokenizer: "bytes", ChatTemplate: "plain", ToolCallParser: "hermes",
  Engine: { Name: "mocker", DecodeItlMs: 1, MaxContextLength: 262144, ...engine } });
require("fs").writeFileSync(file, JSON.stringify({
  Logging: { LogLevel: { Default: "Warning" } },
  Dynamo: {
    // Claude Code asks for a second, smaller model for background tasks; both harnesses' own names land here.
    ModelAliases: { "claude-*": "harness-text", "gpt-*": "harness-text" },
    AgentTrace: { Enabled: true, Sink: "jsonl", Path: trace },
    Models: [
      model("harness-text", { OutputText: "Hello from Dynamo." }),
      model("claude-tools", { Script: ["I will write the file. " + call("Bash", { command: "echo harness-ok > dynamo.txt", description: "Write the file" }), "The file is written."] }),
      model("codex-tools", { Script: ["I will write the file. " + call("exec_command", { cmd: "echo harness-ok > dynamo.txt" }), "The file is written."] }),
    ],
  },
}, null, 1));
EOF

dotnet build src/Host -c Release -v q -nologo >/dev/null
rm -f "$dir"/trace*
dotnet run --project src/Host -c Release --no-build -- --config "$dir/appsettings.json" --urls "$base" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -sf "$base/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "the server did not start; see $dir/server.log" >&2; exit 1; }
  sleep 0.5
done
echo "Dynamo on $base ($(curl -s "$base/v1/models" | node -pe 'JSON.parse(require("fs").readFileSync(0)).data.map(m => m.id).join(", ")'))"

failed=0
# A fresh home and working directory per run: no user settings, no earlier files.
fresh() { rm -rf "$dir/$1"; mkdir -p "$dir/$1/home" "$dir/$1/work"; }
report() { # name, ok?, detail
  if [ "$2" = ok ]; then echo "  ok    $1: $3"; else echo "  FAIL  $1: $3"; failed=1; fi
}

if [ "$which" != codex ]; then
  echo "Claude Code $("$claude" --version | cut -d' ' -f1) (Messages API, ANTHROPIC_BASE_URL=$base)"
  claude_run() { # model, prompt, extra args...
    local model="$1" prompt="$2"; shift 2
    (cd "$dir/claude/work" && HOME="$dir/claude/home" ANTHROPIC_BASE_URL="$base" ANTHROPIC_API_KEY=dynamo-local ANTHROPIC_MODEL="$model" \
      DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
      timeout 300 "$claude" -p "$prompt" --output-format json "$@" 2>"$dir/claude/stderr.log" | tail -n 1)
  }
  summary='const r = JSON.parse(require("fs").readFileSync(0)); const u = r.usage;
    console.log(`${r.is_error ? "error" : "done"} | turns ${r.num_turns} | result "${r.result}" | input ${u.input_tokens + u.cache_read_input_tokens} tokens, ${u.cache_read_input_tokens} read from cache`)'
  fresh claude
  out="$(claude_run harness-text "Say hello." | node -e "$summary" 2>&1 || true)"
  [[ "$out" == done*"Hello from Dynamo."* ]] && report "text turn" ok "$out" || report "text turn" fail "$out"
  fresh claude
  out="$(claude_run claude-tools "Write harness-ok to dynamo.txt." --allowedTools Bash | node -e "$summary" 2>&1 || true)"
  [[ "$out" == done*"The file is written."* && "$(cat "$dir/claude/work/dynamo.txt" 2>/dev/null)" == harness-ok ]] \
    && report "tool loop (Bash)" ok "$out; dynamo.txt: harness-ok" || report "tool loop (Bash)" fail "$out"
fi

if [ "$which" != claude ]; then
  echo "Codex $("$codex" --version | cut -d' ' -f2) (Responses API, model_providers.dynamo with wire_api = \"responses\")"
  codex_run() { # model, prompt
    (cd "$dir/codex/work" && HOME="$dir/codex/home" CODEX_HOME="$dir/codex/home" DYNAMO_API_KEY=dynamo-local \
      timeout 300 "$codex" exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox \
        -c model_provider=dynamo -c "model_providers.dynamo={name=\"Dynamo\",base_url=\"$base/v1\",wire_api=\"responses\",env_key=\"DYNAMO_API_KEY\"}" \
        -m "$1" "$2" 2>"$dir/codex/stderr.log" | tail -n 1)
  }
  fresh codex
  out="$(codex_run harness-text "Say hello." || true)"
  [ "$out" = "Hello from Dynamo." ] && report "text turn" ok "result \"$out\"" || report "text turn" fail "result \"$out\" (see $dir/codex/stderr.log)"
  fresh codex
  out="$(codex_run codex-tools "Write harness-ok to dynamo.txt." || true)"
  [[ "$out" == "The file is written." && "$(cat "$dir/codex/work/dynamo.txt" 2>/dev/null)" == harness-ok ]] \
    && report "tool loop (exec_command)" ok "result \"$out\"; dynamo.txt: harness-ok" || report "tool loop (exec_command)" fail "result \"$out\" (see $dir/codex/stderr.log)"
fi

# What the server saw: each request's door, where its session identity came from, and its cache reuse.
kill $server; wait $server 2>/dev/null || true
trap - EXIT
echo "Requests as the agent trace recorded them:"
cat "$dir"/trace* 2>/dev/null | node -e '
  for (const line of require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)) {
    const e = JSON.parse(line).event; if (e.event_type !== "request_end") continue; const r = e.request;
    console.log(`  ${r.endpoint.padEnd(10)} ${r.model.padEnd(13)} ${r.status.padEnd(7)} session from ${(r.identity_source ?? "-").padEnd(24)} input ${String(r.input_tokens).padStart(6)}  cached ${String(r.cached_tokens).padStart(6)}  output ${r.output_tokens}`);
  }'
exit $failed
