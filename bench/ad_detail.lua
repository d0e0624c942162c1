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
--   BENCH_AD sent=N completed=N ok2xx=N redirect3xx=0 other=N
-- sent: requests written to the socket (request() calls); completed: responses received (the
-- difference is what was still in flight when wrk's duration ran out); other: responses with a
-- status >= 400; ok2xx: the rest (wrk cannot tell 2xx from 3xx without a response callback;
-- run.sh checks the server's own counts for that).

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
before_path, path_to_ip, after_ip = nil, nil, nil
counter = 0
sent = 0
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
  -- the request text around its two variable parts, cut once from wrk.format's own output, so
  -- each request is a few concatenations instead of a header table walk
  local sample = wrk.format("GET", "/@PATH@", {
    ["X-Forwarded-For"] = "@IP@",
    ["User-Agent"] = UA,
  })
  local p = sample:find("/@PATH@", 1, true)
  local i = sample:find("@IP@", 1, true)
  if p == nil or i == nil or i < p then
    error("unexpected request layout from wrk.format")
  end
  before_path = sample:sub(1, p - 1)
  path_to_ip = sample:sub(p + 7, i - 1)
  after_ip = sample:sub(i + 4)
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
  return before_path .. path .. path_to_ip .. client_ip() .. after_ip
end

-- No response() callback on purpose: with one, wrk copies every 10 KB body into Lua, which made
-- the load generator cost ~45 us of CPU per request on the cores the server needs. wrk counts
-- statuses >= 400 itself; 3xx count as answered here, and the server's own per-status counts
-- (read from /metrics by run.sh) are what prove every ad response was a 200.
function done(summary, latency, requests)
  local s = 0
  for _, t in ipairs(threads) do
    s = s + (t:get("sent") or 0)
  end
  local errors = summary.errors.status
  io.write(string.format("BENCH_AD sent=%d completed=%d ok2xx=%d redirect3xx=0 other=%d\n",
    s, summary.requests, summary.requests - errors, errors))
end
