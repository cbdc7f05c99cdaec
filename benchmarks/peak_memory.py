"""The peak memory of the running process, for the benchmarks' child processes."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mib() -> float:
    """This process's own peak RSS. Not ``ru_maxrss`` alone: Linux carries a parent's
    peak across fork and exec, so a parent that had just built a big project inflated
    the figure of the child that measures."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
