-- wrk script for sift's ingest benchmark: posts one-event envelopes built from real SDK event
-- templates, each with a fresh event id so nothing is deduplicated.
-- Arguments: <template dir> <template count> <dsn key> <path>
--
-- The load tool shares the machine's two cores with the server, so every microsecond it spends
-- building a request is taken from the server. Each template is split once, at its id
-- placeholder, into the text before and after it (with the envelope and item headers already
-- in place), so a request costs one string concatenation instead of a search-and-replace over
-- the whole event.
local parts = {}
local counter = 0
local threads = {}
-- Global, not local: wrk's `thread:set` below writes each thread's number as a global.
thread_id = 0
local headers

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local dir, count = args[1], tonumber(args[2])
  local key = args[3]
  path = args[4]
  headers = {
    ["X-Sentry-Auth"] = "Sentry sentry_key=" .. key .. ", sentry_version=7, sentry_client=sift-bench/1.0",
    ["Content-Type"] = "application/x-sentry-envelope",
  }
  for i = 1, count do
    local f = assert(io.open(dir .. "/t" .. i .. ".json", "rb"))
    local template = f:read("*a")
    f:close()
    local at = assert(template:find("__EVENT_ID__", 1, true), "template without __EVENT_ID__")
    -- The item length counts the 32-character id in place of the placeholder.
    local length = #template - #"__EVENT_ID__" + 32
    parts[i] = {
      '"}\n{"type":"event","length":' .. length .. '}\n' .. template:sub(1, at - 1),
      template:sub(at + #"__EVENT_ID__") .. "\n",
    }
  end
  math.randomseed(os.time() * 1000 + thread_id)
end

function request()
  counter = counter + 1
  local id = string.format("%08x%08x%08x%08x", thread_id, counter, math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  local part = parts[(counter % #parts) + 1]
  return wrk.format("POST", path, headers, '{"event_id":"' .. id .. part[1] .. id .. part[2])
end
