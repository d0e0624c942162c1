-- wrk script: ad-detail pages where every request is a new (ad, client) view.
--
--   wrk ... -s bench/ad_detail.lua http://127.0.0.1:PORT -- PATHS_FILE [RUN_TAG]
--
-- PATHS_FILE holds one canonical ad path per line (/ad/{id}-{slug}, active ads only).
-- Each request gets its own X-Forwarded-For address, built from this thread's id and a
-- per-thread counter, so no (ad, client IP) pair repeats and the server's view dedupe never
-- hides a view. RUN_TAG (a small integer, 0..9) keeps the addresses of separate wrk runs
-- (warm-up, main run) apart too.
--
-- At the end it prints one machine-readable line:
--   BENCH_AD sent=N completed=N ok2xx=N redirect3xx=N other=N
-- sent: requests written to the socket (request() calls); completed: responses received.
-- The difference is what was still in flight when wrk's duration ran out.

local threads = {}
local next_id = 0

-- Runs in the setup environment, once per thread: hand each thread a distinct id.
function setup(thread)
  thread:set("id", next_id)
  threads[#threads + 1] = thread
  next_id = next_id + 1
end

local UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

paths = nil
n_paths = 0
counter = 0
sent = 0
ok2xx = 0
redirect3xx = 0
other = 0
tag = 0

function init(args)
  local file = args[1]
  tag = tonumber(args[2] or "0") or 0
  paths = {}
  for line in io.lines(file) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  n_paths = #paths
  if n_paths == 0 then
    error("no ad paths in " .. tostring(file))
  end
  -- spread threads over the list; a random walk per thread
  math.randomseed(1000 + (id or 0) * 7919 + tag * 104729)
end

-- A unique IPv4 per (run tag, thread, request): 11+tag*16+thread (so -t up to 16) . c/65536 . c/256 . c%256.
-- 16.7M addresses per thread per run, far more than a bounded run sends. Never 127.x.
local function client_ip()
  local c = counter
  counter = counter + 1
  local a = 11 + tag * 16 + (id or 0)
  local b = math.floor(c / 65536) % 256
  local d = math.floor(c / 256) % 256
  local e = c % 256
  return a .. "." .. b .. "." .. d .. "." .. e
end

function request()
  if paths == nil then
    -- wrk calls request() once in the setup environment to validate the script,
    -- where init() never ran: hand it a harmless request (never sent).
    return wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  local path = paths[math.random(n_paths)]
  return wrk.format("GET", path, {
    ["X-Forwarded-For"] = client_ip(),
    ["User-Agent"] = UA,
  })
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  elseif status >= 300 and status < 400 then
    redirect3xx = redirect3xx + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s, ok, r3, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + (t:get("sent") or 0)
    ok = ok + (t:get("ok2xx") or 0)
    r3 = r3 + (t:get("redirect3xx") or 0)
    o = o + (t:get("other") or 0)
  end
  io.write(string.format("BENCH_AD sent=%d completed=%d ok2xx=%d redirect3xx=%d other=%d\n",
    s, summary.requests, ok, r3, o))
end
