"""Prints one line from an oha JSON report: throughput, or latency percentiles."""
import json
import sys

mode, path = sys.argv[1], sys.argv[2]
offered = sys.argv[3] if len(sys.argv) > 3 else "1000"
with open(path) as f:
    r = json.load(f)
s = r["summary"]
p = r.get("latencyPercentiles", {})
codes = r.get("statusCodeDistribution", {})
ms = lambda v: f"{(v or 0) * 1000:.1f} ms"
ok = sum(n for c, n in codes.items() if c.startswith("2"))
total = sum(codes.values()) or 1
if mode == "max":
    print(f"  max throughput: {s['requestsPerSec']:.0f} req/s, p50 {ms(p.get('p50'))}, p99 {ms(p.get('p99'))}, {100 * ok / total:.1f}% 2xx")
else:
    print(f"  at {offered} req/s offered: achieved {s['requestsPerSec']:.0f} req/s, p50 {ms(p.get('p50'))}, p95 {ms(p.get('p95'))}, p99 {ms(p.get('p99'))}, {100 * ok / total:.1f}% 2xx")
