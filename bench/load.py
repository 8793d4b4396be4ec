"""Running N workers against a deadline and turning their samples into numbers."""

from __future__ import annotations

import math
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0…100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def r2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def summary(ms: list[float]) -> dict[str, Any]:
    return {
        "n": len(ms),
        "p50_ms": r2(percentile(ms, 50)),
        "p90_ms": r2(percentile(ms, 90)),
        "p99_ms": r2(percentile(ms, 99)),
        "max_ms": r2(max(ms) if ms else None),
        "mean_ms": r2(sum(ms) / len(ms) if ms else None),
    }


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, str, int]]:
    """pid → (ppid, command, CPU ticks) of every process (Linux /proc)."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                raw = fh.read()
        except OSError:
            continue
        head, _, rest = raw.rpartition(")")
        comm = head.split("(", 1)[-1]
        fields = rest.split()
        try:
            out[int(entry)] = (int(fields[1]), comm, int(fields[11]) + int(fields[12]))
        except (IndexError, ValueError):
            continue
    return out


def cpu_snapshot() -> dict[str, Any]:
    """Machine jiffies (busy, all, steal) and every process's CPU ticks."""
    busy = total = steal = 0.0
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [float(x) for x in fh.readline().split()[1:]]
        total = sum(fields[:8])
        busy = total - fields[3] - fields[4]  # minus idle and iowait
        steal = fields[7]
    except (OSError, ValueError, IndexError):
        pass
    return {"busy": busy, "total": total, "steal": steal, "procs": _processes()}


def cpu_usage(before: dict, after: dict, wall_s: float) -> dict[str, float | None]:
    """Over a phase: machine CPU busy share, and cores used by this benchmark's processes
    (itself, gunicorn), by PostgreSQL, by kernel threads, and by anything else on the
    machine (other sessions running tests would show up there). Sampled at clock-tick
    granularity; processes that ended within the phase are missing from the split."""
    d_total = after["total"] - before["total"]
    me = os.getpid()
    procs = after["procs"]

    def mine(pid: int) -> bool:
        for _ in range(50):
            if pid == me:
                return True
            if pid not in procs or pid <= 1:
                return False
            pid = procs[pid][0]
        return False

    cores = {"bench": 0.0, "postgres": 0.0, "kernel": 0.0, "other": 0.0}
    for pid, (ppid, comm, ticks) in procs.items():
        old = before["procs"].get(pid)
        delta = ticks - (old[2] if old and old[1] == comm else 0)
        if mine(pid):
            group = "bench"
        elif comm.startswith("postgres"):
            group = "postgres"
        elif ppid == 2 or pid == 2:
            group = "kernel"  # e.g. the kworkers doing PostgreSQL's disk writes
        else:
            group = "other"
        cores[group] += delta / TICK
    return {
        "machine_busy_pct": round(100 * (after["busy"] - before["busy"]) / d_total, 1)
        if d_total
        else None,
        "steal_pct": round(100 * (after["steal"] - before["steal"]) / d_total, 1)
        if d_total
        else None,
        **{f"{k}_cores": round(v / wall_s, 2) for k, v in cores.items()},
        "cpus": os.cpu_count(),
    }


@dataclass
class Recorder:
    """One worker's samples: name → [(finished at, milliseconds)]."""

    samples: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def timed(self, name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        result = fn()
        t1 = time.perf_counter()
        self.samples[name].append((t1, (t1 - t0) * 1000))
        return result

    def add(self, name: str, finished: float, ms: float) -> None:
        self.samples[name].append((finished, ms))

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] += n


@dataclass
class PhaseResult:
    workers: int
    start: float
    end: float
    recorders: list[Recorder]
    errors: list[str]
    cpu: dict = field(default_factory=dict)

    @property
    def window_s(self) -> float:
        """The measured window (after warm-up, until the first worker stopped)."""
        return max(self.end - self.start, 1e-9)

    def merged(self, name: str) -> list[tuple[float, float]]:
        out = []
        for rec in self.recorders:
            out.extend(s for s in rec.samples.get(name, ()) if self.start <= s[0] <= self.end)
        return out

    def counter(self, name: str) -> int:
        return sum(rec.counters.get(name, 0) for rec in self.recorders)

    def stats(self, name: str) -> dict[str, Any]:
        got = self.merged(name)
        out = summary([ms for _, ms in got])
        out["per_s"] = round(len(got) / self.window_s, 1) if self.window_s > 0 else None
        return out

    def timeline(self, name: str, bucket_s: float = 1.0) -> list[int]:
        """Completed operations per bucket of the measured window."""
        slots = max(1, int(round(self.window_s / bucket_s)))
        counts = [0] * slots
        for t, _ in self.merged(name):
            counts[min(slots - 1, int((t - self.start) / bucket_s))] += 1
        return counts


def run_workers(
    n: int,
    setup: Callable[[int], Any],
    step: Callable[[Any, Recorder], bool],
    teardown: Callable[[Any], None],
    *,
    duration_s: float,
    warmup_s: float,
    max_ops: int,
    start_at: float | None = None,
) -> PhaseResult:
    """Start n threads; each runs `setup(i)`, waits for the others (and for `start_at`, a
    perf_counter time shared by several processes), then calls `step(ctx, rec)` until the
    deadline or its share of `max_ops` (step returns False to stop early). Samples
    finished inside [start + warmup, deadline] count."""
    barrier = threading.Barrier(n + 1)
    recorders = [Recorder() for _ in range(n)]
    errors: list[str] = []
    per_worker = max(1, max_ops // n)

    def body(i: int) -> None:
        ctx = None
        try:
            ctx = setup(i)
        except Exception as exc:  # noqa: BLE001 - reported with the phase
            errors.append(f"setup: {type(exc).__name__}: {exc}")
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            return
        try:
            if ctx is None:
                return
            if start_at is not None:
                time.sleep(max(0.0, start_at - time.perf_counter()))
            deadline = time.perf_counter() + warmup_s + duration_s
            for _ in range(per_worker):
                if time.perf_counter() >= deadline or not step(ctx, recorders[i]):
                    break
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            if ctx is not None:
                try:
                    teardown(ctx)
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"teardown: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(n)]
    for th in threads:
        th.start()
    # every worker has set up (connection open) before the clock starts
    barrier.wait(timeout=120)
    if start_at is not None:
        time.sleep(max(0.0, start_at - time.perf_counter()))
    begin = time.perf_counter()
    if warmup_s > 0:
        time.sleep(warmup_s)
    cpu_before = cpu_snapshot()
    t_cpu = time.perf_counter()
    # the CPU split is taken at the deadline, while the workers' connections still live
    for th in threads:
        th.join(timeout=max(0.0, begin + warmup_s + duration_s - time.perf_counter()))
    cpu = cpu_usage(cpu_before, cpu_snapshot(), time.perf_counter() - t_cpu)
    for th in threads:
        th.join(timeout=120)
    finished = time.perf_counter()
    start = begin + warmup_s
    end = min(begin + warmup_s + duration_s, finished)
    return PhaseResult(
        workers=n,
        start=start,
        end=end,
        recorders=recorders,
        errors=errors[:5],
        cpu=cpu,
    )
