-- wrk script: the final "Invia" of the citizen flow. Every request submits
-- a different ready draft (tokens in the BENCH_TOKENS file, spread over the
-- BENCH_THREADS threads) with POST /servizi/BENCH_SLUG/TOKEN/invia, and
-- counts receipts: a 303 to the receipt page.
local threads, next_id = {}, 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  created, other, exhausted = 0, 0, 0
  local nthreads = tonumber(os.getenv("BENCH_THREADS"))
  slug = os.getenv("BENCH_SLUG")
  tokens, pos = {}, 0
  local i = 0
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if i % nthreads == id then table.insert(tokens, line) end
    i = i + 1
  end
end
function request()
  pos = pos + 1
  local tok = tokens[pos]
  if tok == nil then
    exhausted = exhausted + 1
    tok = "esaurito"
  end
  return wrk.format("POST", "/servizi/" .. slug .. "/" .. tok .. "/invia",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, "")
end
function response(status, headers, body)
  local loc = headers["Location"] or ""
  if status == 303 and string.find(loc, "/ricevuta", 1, true) then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o, x = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
    x = x + t:get("exhausted")
  end
  io.write(string.format("created=%d other=%d exhausted=%d p50_ms=%.2f p99_ms=%.2f\n",
    c, o, x, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
