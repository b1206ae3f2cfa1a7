"""Prefix every line of stdin with an RFC3339Nano UTC stamp, as the Kubernetes log
API does with timestamps=true (e.g. 2026-11-26T22:05:02.718062268Z ), bytes untouched."""
import sys
import time

out = sys.stdout.buffer
for line in sys.stdin.buffer:
    ns = time.time_ns()
    s, frac = divmod(ns, 1_000_000_000)
    out.write(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)).encode() + b".%09dZ " % frac + line)
    out.flush()
