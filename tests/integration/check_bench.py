#!/usr/bin/env python3
# Smoke test of `ikernel bench null`: a short run must print one JSON object with every figure
# present and positive. Exits 77 (skipped) when the benchmark reports that /dev/kvm is missing.
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iktest import bench_json  # noqa: E402

FIELDS = [
    "spin_p50_ns", "spin_p99_ns", "raw_pingpong_p50_ns", "raw_pingpong_p99_ns",
    "block_p50_ns", "block_p99_ns", "raw_ioeventfd_p50_ns", "raw_ioeventfd_p99_ns",
    "boot_ms", "spin_ratio", "block_ratio",
]

result = bench_json(sys.argv[1], ["null", "--iterations", "200"], timeout=280)
bad = [f for f in FIELDS if not isinstance(result.get(f), (int, float)) or result[f] <= 0]
if bad:
    print(f"missing or non-positive fields {bad} in:\n{json.dumps(result, indent=1)}")
    sys.exit(1)
print(json.dumps(result, indent=1))
