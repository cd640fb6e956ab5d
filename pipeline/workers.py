"""Worker processes with a time and memory budget per document.

Every document is processed in a child process (`python -m pipeline.workers`),
also with `--jobs 1`, so a document that hangs, eats memory or crashes the
interpreter costs only itself:

- time: the parent kills the child when a document runs past `Limits.timeout`;
- memory: the child's data segment is capped at `Limits.max_memory`
  (`RLIMIT_DATA`: an allocation beyond it raises `MemoryError`), and the
  parent also kills a child whose resident memory goes past it;
- crashes: a child that dies (a segfault, the kernel's OOM killer, `kill -9`)
  is reported as `crashed`, and a new child starts for the next document;
- orphans: children die with their parent (`PR_SET_PDEATHSIG`, and EOF on
  their task pipe), and run in their own session, so Ctrl-C reaches only the
  parent, which decides what to do.

Tasks and results travel as length-prefixed pickles: tasks on the child's
stdin, results on a pipe of their own (stdout stays free for libraries that print).
"""
from __future__ import annotations

import ctypes
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # at run time imported where needed: a run starts its children before it loads the pipeline
    from pipeline.job import Result, Task

_HEADER = struct.Struct(">Q")
_POLL_S = 0.05          # how often the parent looks at a busy child's clock and memory
_PR_SET_PDEATHSIG = 1
_GB = 1024 ** 3
NEAR_CAP = 0.75         # a child that dies with its peak memory past this share of the cap ran out of memory
READY = "ready"         # the child's first frame: imports done, the document clock may start
STARTUP_S = 120.0       # how long a new child may take to get ready (imports on a loaded machine)


@dataclass(frozen=True)
class Limits:
    """The budget of one document: wall-clock seconds and bytes of memory (None: unlimited)."""

    timeout: float | None = 300.0
    max_memory: int | None = 2 * _GB
    tasks_per_child: int = 1000    # a child is replaced after this many documents, or sooner when it has
                                   # grown past half the memory budget (fragmentation)


def memory_text(n: int) -> str:
    """2147483648 -> '2 GB', 314572800 -> '300 MB'."""
    gb = n / _GB
    return f"{gb:g} GB" if gb >= 1 and round(gb, 1) == gb else f"{n / 1024 ** 2:.0f} MB"


def parse_memory(text: str) -> int:
    """'2GB', '2 GB', '512M', '1.5g', '300000000' -> bytes; ValueError otherwise."""
    t = text.strip().upper().replace(" ", "").removesuffix("B")
    scale = {"K": 1024, "M": 1024 ** 2, "G": _GB, "T": 1024 ** 4}.get(t[-1:], 1)
    value = float(t[:-1] if t[-1:] in "KMGT" else t)
    if value <= 0:
        raise ValueError(f"memory limit must be positive: {text}")
    return int(value * scale)


def timeout_message(limits: Limits) -> str:
    return f"timed out after {limits.timeout:g} s (--timeout)"


def memory_message(limits: Limits) -> str:
    return f"exceeded {memory_text(limits.max_memory or 0)} of memory (--max-memory)"


# --- framing -----------------------------------------------------------------------------------

def write_frame(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def read_exact(fd: int, n: int) -> bytes | None:
    """`n` bytes from a blocking fd, or None at EOF."""
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# --- the child -----------------------------------------------------------------------------------

def child_main(result_fd: int, parent: int, max_memory: int | None) -> None:
    """Serve tasks from stdin until EOF: process each, write its result to `result_fd`."""
    _die_with_parent(parent)
    if max_memory:
        resource.setrlimit(resource.RLIMIT_DATA, (max_memory, max_memory))
    from pipeline.job import process, warm_up

    warm_up()
    write_frame(result_fd, READY)   # a document's time budget starts when the child can work on it
    while True:
        header = read_exact(0, _HEADER.size)
        if header is None:
            return
        data = read_exact(0, _HEADER.unpack(header)[0])
        if data is None:
            return
        task: Task = pickle.loads(data)
        try:
            result: Result | str = process(task)
        except MemoryError:
            result = "memory"
        write_frame(result_fd, result)
        if result == "memory":
            return   # a fresh child for the next document


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when the parent dies; exit now if it already has."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):   # not Linux: EOF on stdin still ends the child
        pass
    if os.getppid() != parent:
        os._exit(0)


# --- the parent's side of one child ------------------------------------------------------------

class Supervisor:
    """One child process and its budget: `run(task)` blocks until the result, a kill or a crash.

    Not thread-safe: each thread that runs documents owns one (the kernel's
    parent-death signal follows the thread that started the child).
    """

    def __init__(self, limits: Limits):
        self.limits = limits
        self.proc: subprocess.Popen | None = None
        self.result_fd = -1
        self.done = 0
        self.peak = 0   # peak resident bytes of the last child that ended
        self.inflight: deque[Task] = deque()   # sent to the child, oldest (running) first
        self.clock = 0.0                        # when the running task started
        self.retiring = False
        self.ready = False                      # the child has finished starting up

    def start(self) -> None:
        read_fd, write_fd = os.pipe()
        code = (f"from pipeline.workers import child_main; "
                f"child_main({write_fd}, {os.getpid()}, {self.limits.max_memory!r})")
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     pass_fds=(write_fd,), start_new_session=True, close_fds=True)
        os.close(write_fd)
        self.result_fd = read_fd
        self.done = 0
        self.retiring = False
        self.ready = False

    def run(self, task: Task) -> Result:
        """`task`'s result; a document past its budget or whose child died gets a failed result."""
        self.send(task)
        _, result, _ = self.collect()
        return result

    def can_queue(self) -> bool:
        """Whether one more task may wait in the child's pipe behind the running one."""
        return not self.retiring and len(self.inflight) < 2

    def send(self, task: Task) -> None:
        """Give `task` to the child: it runs at once, or right after the one running (no idle gap)."""
        if not self.inflight and (self.retiring or self.proc is None or self.proc.poll() is not None):
            self.stop()
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        if not self.inflight:
            self.clock = time.monotonic()
        self.inflight.append(task)
        try:
            write_frame(self.proc.stdin.fileno(), task)
        except OSError:   # the child is gone: `collect` reports it
            pass

    def collect(self) -> tuple[Task, Result, list[Task]]:
        """The oldest task sent and its result, and the tasks queued behind it that must be sent
        again (its child was killed or died)."""
        from pipeline.job import Result, failed

        task = self.inflight.popleft()
        started = self.clock
        outcome = self._wait(started)
        if isinstance(outcome, Result):
            self.clock = time.monotonic()   # the queued task starts now
            self.done += 1
            cap = self.limits.max_memory
            if self.done >= self.limits.tasks_per_child or (cap and self.proc and _rss(self.proc.pid) > cap // 2):
                self.retiring = True   # replaced once the queued task is done
            if self.retiring and not self.inflight:
                self.stop()
            return task, outcome, []
        started = self.clock   # the document's own start (after a new child got ready)
        again = list(self.inflight)
        self.inflight.clear()
        if outcome == "memory":
            self.stop()
            result = failed(task.item, task.doc_id, task.version, memory_message(self.limits), _since(started))
        elif outcome in ("timeout", "rss"):
            self.kill()
            message = timeout_message(self.limits) if outcome == "timeout" else memory_message(self.limits)
            result = failed(task.item, task.doc_id, task.version, message, _since(started))
        else:
            result = self._crashed(task, started)
        return task, result, again

    def _wait(self, started: float) -> Result | str:
        """The child's next result, or 'timeout' / 'rss' (over budget) / 'eof' (it died).

        A new child's start-up is not the document's time: until its `READY` frame it has
        `STARTUP_S` (or the timeout, if longer); the document's clock starts at that frame.
        """
        buf = bytearray()
        need = _HEADER.size
        header_done = False
        while True:
            ready, _, _ = select.select([self.result_fd], [], [], _POLL_S)
            if ready:
                chunk = os.read(self.result_fd, min(need - len(buf), 1 << 20))   # never into the next frame
                if not chunk:
                    return "eof"
                buf += chunk
                if not header_done and len(buf) >= _HEADER.size:
                    need = _HEADER.size + _HEADER.unpack(bytes(buf[:_HEADER.size]))[0]
                    header_done = True
                if header_done and len(buf) >= need:
                    frame = pickle.loads(bytes(buf[_HEADER.size:need]))
                    if frame != READY:
                        return frame
                    self.ready = True
                    started = self.clock = time.monotonic()
                    buf.clear()
                    need, header_done = _HEADER.size, False
                continue
            budget = self.limits.timeout if self.ready or not self.limits.timeout else \
                max(self.limits.timeout, STARTUP_S)
            if budget and time.monotonic() - started > budget:
                return "timeout"
            if self.limits.max_memory and (_rss(self.proc.pid) if self.proc else 0) > self.limits.max_memory:
                return "rss"

    def _crashed(self, task: Task, started: float) -> Result:
        """The child died on `task`: near the memory cap that is the budget (a C library aborting on a
        failed allocation), otherwise a crash to try again."""
        from pipeline.job import failed

        how = self.stop()
        cap = self.limits.max_memory
        if cap and self.peak >= NEAR_CAP * cap:
            return failed(task.item, task.doc_id, task.version, memory_message(self.limits), _since(started))
        return failed(task.item, task.doc_id, None, f"worker crashed ({how})", _since(started), crashed=True)

    def kill(self) -> None:
        self.abort()
        self.stop()

    def abort(self) -> None:
        """Kill the child now (safe from another thread: the owning thread sees EOF and cleans up)."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def stop(self) -> str:
        """End the child (EOF first, then a kill) and describe how it ended; the next `send` starts a new one."""
        proc, self.proc = self.proc, None
        self.retiring = False   # a stopped child is replaced, not retiring: tasks may queue again
        if self.result_fd >= 0:
            os.close(self.result_fd)
            self.result_fd = -1
        if proc is None:
            return "not started"
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        if proc.poll() is None:
            proc.kill()   # an idle child has nothing to save; a kill spares its interpreter's shutdown
        code, self.peak = _reap(proc)
        return _exit_text(code)


def _reap(proc: subprocess.Popen, grace: float = 2.0) -> tuple[int, int]:
    """Wait for a child (killing it after `grace` seconds): its exit code and peak resident bytes."""
    deadline = time.monotonic() + grace
    while True:
        try:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        except ChildProcessError:   # already reaped
            return proc.returncode if proc.returncode is not None else -1, 0
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss * 1024
        if time.monotonic() > deadline:
            proc.kill()
            deadline = float("inf")
        time.sleep(0.005)


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _rss(pid: int) -> int:
    """Resident bytes of a process (0 when unknown)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _since(start: float) -> float:
    return round(time.monotonic() - start, 4)


# --- used by executors that run elsewhere (Dask workers) ---------------------------------------

_LOCAL = threading.local()


def run_supervised(task: Task, limits: Limits) -> Result:
    """`task` in a child of this process under `limits` (one child per calling thread, kept between tasks)."""
    supervisor = getattr(_LOCAL, "supervisor", None)
    if supervisor is None or supervisor.limits != limits:
        if supervisor is not None:
            supervisor.stop()
        supervisor = _LOCAL.supervisor = Supervisor(limits)
    return supervisor.run(task)
