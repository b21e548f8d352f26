-- wrk script: a streaming OpenAI chat completion ("stream": true) whose answer the fake upstream
-- splits into N content deltas (x-fake-chunks, default 20) with no pause between them, so the
-- proxy relays ~5 KB of SSE per request. Used by bench/run.sh; prints one "WRK_JSON {...}" line.
--   wrk -t1 -c64 -d10s -s bench/wrk/chat_stream.lua http://127.0.0.1:PORT -- 20
-- wrk's latency for a stream is the time to the last byte (the terminating chunk).

local chunks = "20"

local function body()
  return '{"model":"gpt-fake-mini","stream":true,"max_tokens":256,"messages":['
    .. '{"role":"system","content":"You are a concise assistant. Answer in plain English."},'
    .. '{"role":"user","content":"Explain in two sentences why a proxy in front of an LLM API '
    .. 'must relay server-sent events without buffering them."}]}'
end

function init(args)
  if args[1] ~= nil and args[1] ~= "" then chunks = args[1] end
  wrk.method = "POST"
  wrk.path = "/v1/chat/completions"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "text/event-stream"
  -- bench/run.sh's governed case sets a real virtual key; the others ignore client keys.
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("SLUICE_BENCH_KEY") or "bench-client-key")
  wrk.headers["x-fake-chunks"] = chunks
  wrk.headers["x-fake-chunk-gap-ms"] = "0"
  wrk.body = body()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d},"latency_us":{"mean":%.1f,"stdev":%.1f,"min":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency.stdev, latency.min, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
