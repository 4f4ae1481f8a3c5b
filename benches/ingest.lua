-- wrk script for sift's ingest benchmark: posts one-event envelopes built from real SDK event
-- templates, each with a fresh event id so nothing is deduplicated.
-- Arguments: <template dir> <template count> <dsn key> <path>
local templates = {}
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local dir, count = args[1], tonumber(args[2])
  key, path = args[3], args[4]
  for i = 1, count do
    local f = assert(io.open(dir .. "/t" .. i .. ".json", "rb"))
    templates[i] = f:read("*a")
    f:close()
  end
  math.randomseed(os.time() * 1000 + thread_id)
end

function request()
  counter = counter + 1
  local id = string.format("%08x%08x%08x%08x", thread_id, counter, math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  local payload = templates[(counter % #templates) + 1]:gsub("__EVENT_ID__", id, 1)
  local body = '{"event_id":"' .. id .. '"}\n{"type":"event","length":' .. #payload .. '}\n' .. payload .. "\n"
  return wrk.format("POST", path, {
    ["X-Sentry-Auth"] = "Sentry sentry_key=" .. key .. ", sentry_version=7, sentry_client=sift-bench/1.0",
    ["Content-Type"] = "application/x-sentry-envelope",
  }, body)
end
