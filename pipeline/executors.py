"""Where documents are processed: local worker processes, or Dask distributed workers.

Both take `Task`s from one queue and put `Result`s on another, as they
finish; the run's main thread is the single SQLite writer. Both apply the
same rules: every document runs in a supervised child process under the
per-document `Limits` (`pipeline.workers`), and a document whose worker died
is tried once more in a fresh one, then stored as crashed (the next run tries
it again).
"""
from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.workers import Limits, Supervisor, run_supervised

if TYPE_CHECKING:   # at run time imported where needed: a run starts its children before it loads the pipeline
    from pipeline.job import Result, Task


class ExecutorError(Exception):
    """The executor itself cannot run (Dask not installed, scheduler unreachable, no Python to start)."""


@dataclass(frozen=True)
class Broken:
    """Put on the results queue when an executor cannot go on."""

    error: str


def after_crash(result: Result, task: Task, again: Callable[[Task], None]) -> Result | None:
    """The rule for a document whose worker died: try once more (`again`), then store it as crashed.

    Returns the result to store, or None when the document was sent again.
    """
    if not result.crashed:
        return result
    if task.attempt == 1:
        again(replace(task, attempt=2))
        return None
    from pipeline.job import failed

    how = (result.error or "worker crashed").removeprefix("worker crashed").strip(" ()")
    return failed(task.item, task.doc_id, None, f"worker crashed twice ({how}); the next run tries it again",
                  result.batch.document.get("seconds"), crashed=True)


def _reachable(address: str) -> None:
    """OSError at once when a tcp:// scheduler address refuses connections (Dask would retry for its timeout)."""
    if address.startswith("tcp://"):
        host, _, port = address[len("tcp://"):].rpartition(":")
        if host and port.isdigit():
            socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()


class LocalExecutor:
    """`jobs` threads, each owning one supervised child process."""

    def __init__(self, jobs: int, limits: Limits):
        self.jobs, self.limits = jobs, limits
        self.supervisors: list[Supervisor] = []
        self.threads: list[threading.Thread] = []
        self.closing = threading.Event()
        self.tasks: queue.Queue | None = None

    def prestart(self) -> None:
        """Start the children now, so they import and warm up while the run prepares (a new database)."""
        while len(self.supervisors) < self.jobs:
            supervisor = Supervisor(self.limits)
            supervisor.start()
            self.supervisors.append(supervisor)

    def start(self, tasks: queue.Queue, results: queue.Queue) -> None:
        self.tasks = tasks
        while len(self.supervisors) < self.jobs:
            self.supervisors.append(Supervisor(self.limits))
        for supervisor in self.supervisors:
            thread = threading.Thread(target=self._loop, args=(supervisor, tasks, results), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _loop(self, supervisor: Supervisor, tasks: queue.Queue, results: queue.Queue) -> None:
        """Keep the child busy: one task running and, while any wait, one queued behind it."""
        again: list[Task] = []   # retries and tasks to send again go first
        fed = False
        try:
            if supervisor.proc is None:
                supervisor.start()   # the child imports and warms up while the first task is hashed
            while not self.closing.is_set():
                while supervisor.can_queue():
                    if again:
                        task = again.pop(0)
                    elif fed:
                        break
                    else:
                        try:
                            task = tasks.get_nowait() if supervisor.inflight else tasks.get()
                        except queue.Empty:
                            break
                        if task is None:
                            tasks.put(None)   # wake the next thread too
                            fed = True
                            continue
                    supervisor.send(task)
                if not supervisor.inflight:
                    return
                task, result, resend = supervisor.collect()
                again[:0] = resend
                done = after_crash(result, task, lambda t: again.insert(0, t))
                if done is not None and not self.closing.is_set():
                    results.put(done)
        except Exception as exc:
            results.put(Broken(f"a worker thread failed: {type(exc).__name__}: {exc}"))
        finally:
            supervisor.stop()

    def close(self) -> None:
        """Stop now: kill running children, wake idle threads, wait briefly for them."""
        self.closing.set()
        for supervisor in self.supervisors:
            supervisor.abort()
        if self.tasks is not None:   # wake threads waiting for a task
            while True:
                try:
                    self.tasks.get_nowait()
                except queue.Empty:
                    break
            self.tasks.put(None)
        for thread in self.threads:
            thread.join(timeout=5)
        if not self.threads:   # prestarted children that never got a thread
            for supervisor in self.supervisors:
                supervisor.stop()


def prestarted(executor: str, db_path: Path, jobs: int, limits: Limits) -> LocalExecutor | None:
    """Local workers started at once when every file will be work (a new database), so that their
    start-up overlaps the run's own; None otherwise. Call it before importing the rest of the pipeline."""
    if executor != "local" or Path(db_path).exists():
        return None
    early = LocalExecutor(jobs, limits)
    early.prestart()
    return early


class DaskExecutor:
    """Documents sent to Dask distributed workers (`scheduler` address, or a LocalCluster of `jobs` workers).

    Each Dask worker runs its documents in supervised children of its own
    (`pipeline.workers.run_supervised`), so the per-document limits hold on
    every machine. Input paths must be readable by the workers under the same
    names (a shared file system).
    """

    def __init__(self, jobs: int, limits: Limits, scheduler: str | None = None):
        self.jobs, self.limits, self.scheduler = jobs, limits, scheduler
        self.closing = threading.Event()
        self.thread: threading.Thread | None = None
        self.client: Any = None
        self.cluster: Any = None

    def connect(self) -> None:
        """Start the LocalCluster or connect to the scheduler; ExecutorError when that is not possible."""
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise ExecutorError("--executor dask needs Dask distributed: pip install 'planextract[dask]'") from exc
        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.ERROR)
        try:
            if self.scheduler:
                _reachable(self.scheduler)
                self.client = Client(self.scheduler, timeout=30)
            else:
                self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler {self.scheduler}: {exc}") from exc

    def start(self, tasks: queue.Queue, results: queue.Queue) -> None:
        if self.client is None:
            self.connect()
        self.thread = threading.Thread(target=self._loop, args=(tasks, results), daemon=True)
        self.thread.start()

    def _submit(self, task: Task, inflight: dict) -> None:
        future = self.client.submit(run_supervised, task, self.limits, pure=False, retries=0)
        inflight[future] = task

    def _loop(self, tasks: queue.Queue, results: queue.Queue) -> None:
        try:
            capacity = 2 * max(1, sum(self.client.nthreads().values()))
            inflight: dict = {}
            feeding = True
            while (feeding or inflight) and not self.closing.is_set():
                while feeding and len(inflight) < capacity:
                    try:
                        task = tasks.get(timeout=0.2) if not inflight else tasks.get_nowait()
                    except queue.Empty:
                        break
                    if task is None:
                        feeding = False
                    else:
                        self._submit(task, inflight)
                done = [f for f in inflight if f.done()]
                if not done:
                    time.sleep(0.01)
                for future in done:
                    task = inflight.pop(future)
                    result = self._result(future, task)
                    kept = after_crash(result, task, lambda t: self._submit(t, inflight))
                    if kept is not None:
                        results.put(kept)
        except Exception as exc:
            results.put(Broken(f"the Dask executor failed: {type(exc).__name__}: {exc}"))

    def _result(self, future, task: Task) -> Result:
        try:
            return future.result()
        except Exception as exc:   # the Dask worker died (KilledWorker) or lost the task
            from pipeline.job import failed

            return failed(task.item, task.doc_id, None, f"worker crashed (Dask: {type(exc).__name__}: {exc})",
                          crashed=True)

    def close(self) -> None:
        self.closing.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
        for closable in (self.client, self.cluster):
            if closable is not None:
                try:
                    closable.close()
                except Exception:   # shutting down: nothing left to save
                    pass
