-- wrk script: a small non-streaming OpenAI chat completion (request body ~1 KB, answer ~0.8 KB).
-- Used by bench/run.sh; prints one machine-readable "WRK_JSON {...}" line at the end.
--   wrk -t1 -c64 -d10s -s bench/wrk/chat.lua http://127.0.0.1:PORT
-- An optional argument (after --) overrides the model name: `-- gpt-fake-mini`.

local model = "gpt-fake-mini"

local function body_for(m)
  -- A system prompt plus one user turn, ~1 KB on the wire: typical of a short chat call.
  local system = "You are a concise assistant for an internal developer platform. Answer in plain "
    .. "English, keep answers short, prefer lists for steps, never invent command-line flags, and "
    .. "say so when you are unsure. Code goes in fenced blocks with the language named. "
    .. "Do not repeat the question. Do not apologise. Refer to documentation by its title."
  local user = "Our CI job that builds the C++ gateway started failing after the compiler upgrade. "
    .. "The log shows a crash on resume inside a coroutine that awaits in a conditional expression. "
    .. "What is the smallest change that avoids it, and how do we keep it from coming back? "
    .. "We build with CMake presets and Ninja on Debian 12 with GCC 12.2, two cores per runner, "
    .. "and we would rather not pin an older compiler."
  return '{"model":"' .. m .. '","max_tokens":256,"temperature":0.2,"messages":['
    .. '{"role":"system","content":"' .. system .. '"},'
    .. '{"role":"user","content":"' .. user .. '"}]}'
end

function init(args)
  if args[1] ~= nil and args[1] ~= "" then model = args[1] end
  wrk.method = "POST"
  wrk.path = "/v1/chat/completions"
  wrk.headers["Content-Type"] = "application/json"
  -- bench/run.sh's governed case sets a real virtual key; the others ignore client keys.
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("SLUICE_BENCH_KEY") or "bench-client-key")
  wrk.body = body_for(model)
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
