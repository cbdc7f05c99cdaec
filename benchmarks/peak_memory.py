"""The peak memory of the running process (and of its worker processes), for the
benchmarks' child processes."""

from __future__ import annotations

import os
import resource
import threading
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


def _children_of() -> dict[int, list[int]]:
    """Every process's children, from /proc (no psutil in the environment)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields follow the last ")".
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    return children


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mib(root: int | None = None) -> float:
    """The resident memory of a process and all its descendants now (joblib's worker
    processes are children that live on between calls, so ``RUSAGE_CHILDREN``, which
    counts only children already waited for, would miss them)."""
    root = root or os.getpid()
    children = _children_of()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kib(pid)
        todo.extend(children.get(pid, []))
    return total / 1024


class TreeMemory:
    """Samples ``tree_rss_mib`` in a thread while a block runs; ``peak_mib`` is the
    largest sum seen. A sample every ``every`` seconds can miss a spike shorter than
    that, so the result is also never below this process's own peak (``VmHWM``)."""

    def __init__(self, every: float = 0.1) -> None:
        self.every = every
        self.sampled_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sampled_mib = max(self.sampled_mib, tree_rss_mib())
            self._stop.wait(self.every)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mib(self) -> float:
        return max(self.sampled_mib, peak_rss_mib())
