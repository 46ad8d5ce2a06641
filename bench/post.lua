-- bench/post.lua - wrk script: POST a signed webhook body (Circularo's
-- header by default).
--
--   wrk ... -s bench/post.lua URL -- BODY_FILE SIG_FILE
--       every request is the same body (Content-Type: application/json,
--       X-Circularo-Signature: <hex HMAC-SHA256 of the body>); wrk sends it
--       as a static request, no Lua runs per request.
--   wrk ... -s bench/post.lua URL -- lines LINES_FILE
--       LINES_FILE holds "SIG<TAB>BODY" lines (bench/mkbody with COUNT > 1);
--       each wrk thread cycles through its own share of the lines, so every
--       request is a distinct, correctly signed event (for runs with
--       deduplication on). wrk's LuaJIT has no HMAC: the signatures are
--       precomputed. Needs WRK_LINES=1 (defines request()) and
--       WRK_THREADS=<wrk -t> in the environment.
--
-- WRK_SIG_HEADER and WRK_SIG_PREFIX (environment) name another sender's
-- header and the text before the hex: X-Yousign-Signature-256 and sha256=.
--
-- done() prints one machine-readable line for bench/run.sh:
--   WRK requests=N duration_us=N rps=R p50_us=N p99_us=N p999_us=N
--       max_us=N non2xx=N errors=N

local counter = 0
local sig_header = os.getenv("WRK_SIG_HEADER") or "X-Circularo-Signature"
local sig_prefix = os.getenv("WRK_SIG_PREFIX") or ""

-- runs in the main Lua state once per thread, before the thread's init()
function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
end

local function slurp(path)
   local f = assert(io.open(path, "rb"))
   local s = f:read("*a")
   f:close()
   return s
end

local reqs = nil
local nreqs = 0
local pos = 0

function init(args)
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   if args[1] == "lines" then
      local all = {}
      for line in io.lines(args[2]) do
         all[#all + 1] = line
      end
      -- thread `tid` of WRK_THREADS takes every WRK_THREADS-th line
      local n = tonumber(os.getenv("WRK_THREADS") or "1")
      local me = tonumber(tid or 0)
      reqs = {}
      for i = 1 + me, #all, n do
         local tab = all[i]:find("\t", 1, true)
         local sig = all[i]:sub(1, tab - 1)
         local body = all[i]:sub(tab + 1)
         local h = { ["Content-Type"] = "application/json",
                     [sig_header] = sig_prefix .. sig }
         reqs[#reqs + 1] = wrk.format("POST", nil, h, body)
      end
      nreqs = #reqs
      all = nil
   else
      wrk.body = slurp(args[1])
      wrk.headers[sig_header] = sig_prefix .. slurp(args[2]):gsub("%s+$", "")
   end
end

if os.getenv("WRK_LINES") == "1" then
   function request()
      pos = pos + 1
      if pos > nreqs then
         pos = 1
      end
      return reqs[pos]
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "WRK requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d " ..
      "p999_us=%d max_us=%d non2xx=%d errors=%d\n",
      summary.requests, summary.duration,
      summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99),
      latency:percentile(99.9), latency.max,
      e.status, e.connect + e.read + e.write + e.timeout))
end
