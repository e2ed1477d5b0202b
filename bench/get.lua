-- wrk script: report p50/p99 for GET runs in the same shape as post.lua.
function done(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
