-- wrk script: POST one chat completion per request; count any non-2xx answer.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"dynamo-mocker","messages":[{"role":"user","content":"Hello there, how are you today?"}],"max_tokens":16}'

-- Each wrk thread runs its own Lua state, and done() runs in yet another, so each thread keeps
-- its own count and done() collects them.
local threads = {}
setup = function(thread) table.insert(threads, thread) end

bad = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  local non2xx = 0
  for _, thread in ipairs(threads) do non2xx = non2xx + thread:get("bad") end
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status, non2xx))
end
