#!/usr/bin/env python3
# Smoke test of `ikernel bench quick --json` (suite 'bench'): every isolation level and every
# workload runs and reports sane numbers, through libikernel and through the FUSE device files.
# No timing assertions: a loaded machine may be slow, but a figure that is missing, zero or
# negative means a workload did not really run.
# Exits 77 (skipped) when the benchmark reports that /dev/kvm is missing.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iktest import bench_json  # noqa: E402

LEVELS = ["vm", "process", "inproc"]
CALLS = ["null ioctl", "read 64 B", "write 64 B", "read 4 KiB", "write 4 KiB", "read 64 KiB",
         "write 64 KiB", "open+close"] + [f"null ioctl x{n} clients" for n in (1, 2, 4, 16)]
# Through the FUSE device files (bench_file.c): skipped, with a note, without /dev/fuse or root.
FILE_CALLS = ["file: " + w for w in ("null ioctl", "read 64 B", "write 64 B", "read 4 KiB", "write 4 KiB",
                                     "read 64 KiB", "write 64 KiB", "open+close")]
FILE_TARGET = "device file via VM <= 1.2 x in-process"
RAW = ["shm ping-pong (2 threads)", "eventfd round trip", "host<->guest ping-pong",
       "ioeventfd round trip", "MMIO exit + ping-pong"]

result = bench_json(sys.argv[1], ["quick"], timeout=900)

rows = {(r["workload"], r["level"], r["notify"]): r for r in result["rows"]}
problems = []


def need(key, check, what):
    r = rows.get(key)
    if r is None:
        problems.append(f"missing row {key}")
    elif not check(r):
        problems.append(f"{key}: {what}: {r}")


def latency_ok(r):
    return 0 < r["p50_ns"] <= r["p99_ns"] and r["ops_s"] > 0


for w in RAW:
    need((w, "raw", ""), latency_ok, "p50/p99/ops")
for lvl in LEVELS:
    for nt in ("spin", "sleep"):
        for w in CALLS:
            need((w, lvl, nt), latency_ok, "p50/p99/ops")
        for w in ("read 4 KiB", "write 64 KiB"):
            need((w, lvl, nt), lambda r: r["bytes_s"] > 0 and r["size"] > 0, "bytes/s")
    need(("cold start to ready", lvl, ""), lambda r: r["value"] > 0 and r["unit"] == "ms", "ms")
for lvl in ("vm", "process"):
    need(("crash -> serving again", lvl, ""), lambda r: r["value"] > 0, "ms")
    need(("memory per idle driver", lvl, ""), lambda r: r["unit"] == "KiB", "KiB")
    dens = [r for r in result["rows"] if r["workload"].startswith("density") and r["level"] == lvl]
    if not dens or dens[0]["value"] == -1 or dens[0]["ops_s"] <= 0:
        problems.append(f"density at {lvl} did not complete: {dens}")
file_target = next((t for t in result["targets"] if t["target"] == FILE_TARGET), None)
if file_target is None:
    problems.append(f"no target '{FILE_TARGET}'")
elif file_target["detail"].startswith("skipped"):
    print(f"device-file rows {file_target['detail']}")
else:
    for lvl in LEVELS:
        for nt in ("spin", "sleep", "default"):
            for w in FILE_CALLS:
                need((w, lvl, nt), latency_ok, "p50/p99/ops")
            need(("file: write 64 KiB", lvl, nt), lambda r: r["bytes_s"] > 0 and r["size"] == 65536, "bytes/s")
    if file_target["verdict"] == "not measured":
        problems.append(f"device-file rows ran but the target was not computed: {file_target}")
verdicts = {t["target"]: t["verdict"] for t in result["targets"]}
if len(verdicts) < 9 or any(v not in ("met", "MISSED", "not measured") for v in verdicts.values()):
    problems.append(f"targets: {verdicts}")
for key in ("spin_p50_ns", "block_p50_ns", "raw_pingpong_p50_ns", "raw_ioeventfd_p50_ns", "boot_ms"):
    if not result.get(key, 0) > 0:
        problems.append(f"summary key {key}: {result.get(key)}")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{len(rows)} rows, targets: {verdicts}")
