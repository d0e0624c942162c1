-- wrk script: cycles through a list of paths, each thread from its own starting point.
--
--   wrk ... -s bench/urls.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- The requests are built once in init() (wrk.format per path), so a request costs wrk a table
-- lookup. No response() callback (it would copy every body into Lua); wrk counts statuses >= 400.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  threads[#threads + 1] = thread
  next_id = next_id + 1
end

local UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
reqs = nil
n = 0
i = 0

function init(args)
  reqs = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      reqs[#reqs + 1] = wrk.format("GET", line, { ["User-Agent"] = UA })
    end
  end
  n = #reqs
  if n == 0 then
    error("no paths in " .. tostring(args[1]))
  end
  -- threads start far apart in the list, so they do not ask the same URL at the same moment
  i = math.floor((id or 0) * n / 7) % n
end

function request()
  if reqs == nil then
    return wrk.format("GET", "/healthz")
  end
  i = i % n + 1
  return reqs[i]
end
