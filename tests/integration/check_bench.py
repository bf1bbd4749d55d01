#!/usr/bin/env python3
# Smoke test of `ikernel bench null`: a short run must print one JSON object with every figure
# present and positive. Exits 77 (skipped) when the benchmark reports that /dev/kvm is missing.
import json
import subprocess
import sys

FIELDS = [
    "spin_p50_ns", "spin_p99_ns", "raw_pingpong_p50_ns", "raw_pingpong_p99_ns",
    "block_p50_ns", "block_p99_ns", "raw_ioeventfd_p50_ns", "raw_ioeventfd_p99_ns",
    "boot_ms", "spin_ratio", "block_ratio",
]

proc = subprocess.run([sys.argv[1], "bench", "null", "--iterations", "200", "--json"],
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=280)
if proc.returncode == 77:
    print(proc.stderr, end="")
    sys.exit(77)
if proc.returncode != 0:
    print(f"bench exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    sys.exit(1)
try:
    result = json.loads(proc.stdout)
except json.JSONDecodeError as e:
    print(f"bench output is not JSON ({e}):\n{proc.stdout}")
    sys.exit(1)
bad = [f for f in FIELDS if not isinstance(result.get(f), (int, float)) or result[f] <= 0]
if bad:
    print(f"missing or non-positive fields {bad} in:\n{proc.stdout}")
    sys.exit(1)
print(json.dumps(result, indent=1))
