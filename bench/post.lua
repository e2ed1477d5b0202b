-- wrk script: POST a JSON submission (body from the BENCH_BODY file) and
-- count responses by status so the run reports acknowledged submissions.
local f = assert(io.open(os.getenv("BENCH_BODY"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  created, other = 0, 0
end
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("created=%d other=%d p50_ms=%.2f p99_ms=%.2f\n",
    c, o, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
