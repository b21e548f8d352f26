-- wrk script for bench/chaos.sh: the chat request of chat.lua against a route, counting answers
-- by status and stopping after TOTAL answers (run it with one wrk thread: -t1).
--   wrk -t1 -c64 -d600s -s bench/wrk/chaos.lua URL -- ROUTE TOTAL
-- Prints one "CHAOS_JSON {...}" line at the end.

local route = "chaos"
local limit = 20000
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if args[1] ~= nil and args[1] ~= "" then route = args[1] end
  if args[2] ~= nil then limit = tonumber(args[2]) end
  ok, failed, answered = 0, 0, 0
  wrk.method = "POST"
  wrk.path = "/v1/chat/completions"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"model":"' .. route .. '","max_tokens":64,"messages":[{"role":"user","content":'
    .. '"Summarise the failover rules of this gateway in one sentence."}]}'
end

function response(status, headers, body)
  answered = answered + 1
  if status >= 200 and status < 300 then ok = ok + 1 else failed = failed + 1 end
  if answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local ok_sum, failed_sum = 0, 0
  for _, t in ipairs(threads) do
    ok_sum = ok_sum + t:get("ok")
    failed_sum = failed_sum + t:get("failed")
  end
  local e = summary.errors
  io.write(string.format(
    'CHAOS_JSON {"ok":%d,"failed_status":%d,"socket_errors":%d,"duration_us":%d,' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    ok_sum, failed_sum, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
