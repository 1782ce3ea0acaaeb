"""Build work on every core: the building process works alongside child processes that die with it.

Sudachi holds the GIL while it tokenizes, so threads do not add speed; processes do. A child is a
plain ``python -c`` process, not ``multiprocessing``: no resource tracker, no semaphores, nothing
that outlives the build. It reads batches of work items (a cold build's are corpus files: each is
read, chunked and analyzed where it lands, :mod:`assistant.prepare`) on its stdin and answers each
on its stdout, in length-prefixed ``marshal`` frames (lists, tuples, dicts and strings only).
The first frame names the task, a ``module:function`` that makes the worker from the analyzer and
a context; the building process runs the very same worker for its own share.

Children die with their parent:
- on Linux, ``PR_SET_PDEATHSIG`` sends them SIGKILL the moment the parent dies (SIGKILL or SIGTERM);
- everywhere, a watchdog thread exits when the parent process id changes, and end-of-file on stdin
  or a broken stdout ends the child at its next batch.

Work is handed out one batch at a time from a shared cursor, so a child that starts late (it loads
its own Sudachi dictionary) or runs on a busy core simply takes fewer batches. Whatever a child
fails to return, the parent works itself: the result never depends on how many processes ran.
"""

from __future__ import annotations

import gc
import importlib
import marshal
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from .analyzer import Analyzer, synonyms_from_json, synonyms_to_json

Progress = Callable[[int, int], None]
Worker = Callable[[Any], Any]  # one work item -> its result (plain data)

BATCH_BYTES = 32 * 1024  # input bytes per batch: small enough to balance the end, large enough to amortize a frame
IN_FLIGHT = 2  # batches sent ahead to each child, so it never waits for the parent's GIL
_HEADER = 8


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the platform says)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# --- frames ----------------------------------------------------------------------------------------

def _send(stream, obj) -> None:
    data = marshal.dumps(obj)
    stream.write(len(data).to_bytes(_HEADER, "little") + data)
    stream.flush()


def _receive(stream):
    """The next frame's object; None at end of file."""
    header = stream.read(_HEADER)
    if len(header) < _HEADER:
        return None
    size = int.from_bytes(header, "little")
    data = stream.read(size)
    if len(data) < size:
        return None
    return marshal.loads(data)


# --- child side ------------------------------------------------------------------------------------

def _die_with_parent(parent: int) -> None:
    """Make this process end as soon as ``parent`` does."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.2)

    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def make_worker(task: str, analyzer: Analyzer, context: Any) -> Worker:
    """The worker a task names (``module:function``, called with the analyzer and the context)."""
    module, name = task.split(":")
    return getattr(importlib.import_module(module), name)(analyzer, context)


def child_main(parent: int) -> None:
    """A child's whole life: load the dictionary, then work batches until end of file."""
    _die_with_parent(parent)
    gc.disable()  # a short life that keeps what it makes until it sends it: collections would find nothing
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    analyzer = Analyzer()
    analyzer.analyze("テスト")  # load the dictionary while the parent still lists the corpus
    hello = _receive(stdin)
    if hello is None:
        return
    task, rows, digest, context = hello
    analyzer.synonyms = synonyms_from_json(rows, digest)
    work = make_worker(task, analyzer, context)
    try:
        while (batch := _receive(stdin)) is not None:
            _send(stdout, [work(item) for item in batch])
    except BrokenPipeError:  # the parent is gone
        os._exit(1)
    os._exit(0)  # everything is answered: the parent waits for this exit, so skip the teardown


# --- parent side -----------------------------------------------------------------------------------

_CHILD_CODE = ("import sys; sys.path.insert(0, sys.argv[1]); "
               "from assistant.pool import child_main; child_main(int(sys.argv[2]))")


class Child:
    """One build child process, started now so that its start-up overlaps the parent's work."""

    def __init__(self) -> None:
        package_parent = str(Path(__file__).resolve().parent.parent)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD_CODE, package_parent, str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True)

    def close(self, kill: bool = False) -> None:
        """Wait for the child to exit (it does at end of file), or kill it first."""
        if kill:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream:
                    stream.close()
            except (OSError, ValueError):
                pass


def start_children(count: int) -> list[Child]:
    """Up to ``count`` children; fewer (or none) where processes cannot be started."""
    if getattr(sys, "frozen", False) or not sys.executable:
        return []
    children: list[Child] = []
    for _ in range(count):
        try:
            children.append(Child())
        except OSError:
            break
    return children


def close_all(children: list[Child], kill: bool = False) -> None:
    """Close every child; with ``kill``, end them at once (the build failed or was interrupted)."""
    for child in children:
        child.close(kill)


class _Work:
    """Batches handed out one at a time; results kept in batch order."""

    def __init__(self, items: list, sizes: list[int]) -> None:
        self.batches: list[list] = []
        batch: list = []
        size = 0
        for item, item_size in zip(items, sizes):
            batch.append(item)
            size += item_size
            if size >= BATCH_BYTES:
                self.batches.append(batch)
                batch, size = [], 0
        if batch:
            self.batches.append(batch)
        self.results: list[list | None] = [None] * len(self.batches)
        self.failed: list[int] = []
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> int | None:
        with self._lock:
            if self._next >= len(self.batches):
                return None
            self._next += 1
            return self._next - 1

    def fail(self, indices: Iterator[int] | list[int]) -> None:
        with self._lock:
            self.failed.extend(indices)

    def done(self) -> int:
        return sum(len(self.batches[i]) for i, r in enumerate(self.results) if r is not None)


def _feed(child: Child, work: _Work, hello: tuple) -> list[threading.Thread]:
    """A writer thread that sends batches (at most IN_FLIGHT unanswered) and a reader for the answers."""
    sent: queue.Queue[int | None] = queue.Queue()
    credits = threading.Semaphore(IN_FLIGHT)
    dead = threading.Event()
    stdin, stdout = child.process.stdin, child.process.stdout

    def write() -> None:
        try:
            _send(stdin, hello)
            while True:
                credits.acquire()
                if dead.is_set():
                    break
                index = work.take()
                if index is None:
                    break
                try:
                    _send(stdin, work.batches[index])
                except (OSError, ValueError):
                    work.fail([index])
                    break
                sent.put(index)
        except (OSError, ValueError):
            pass
        finally:
            sent.put(None)
            try:
                stdin.close()  # end of file: the child exits after its last answer
            except OSError:
                pass

    def read() -> None:
        while (index := sent.get()) is not None:
            try:
                answer = _receive(stdout)
            except (OSError, ValueError, EOFError, TypeError):
                answer = None
            if not isinstance(answer, list) or len(answer) != len(work.batches[index]):
                dead.set()
                for _ in range(IN_FLIGHT + 1):
                    credits.release()
                work.fail([index])
                while (left := sent.get()) is not None:
                    work.fail([left])
                return
            work.results[index] = answer
            credits.release()

    threads = [threading.Thread(target=write, daemon=True), threading.Thread(target=read, daemon=True)]
    for thread in threads:
        thread.start()
    return threads


def run_tasks(task: str, analyzer: Analyzer, context: Any, items: list, sizes: list[int], children: list[Child],
              progress: Progress | None = None) -> list:
    """Every item's result (plain data), worked here and in the children; in the order of ``items``.

    ``task`` names the worker (see :func:`make_worker`); each child makes its own from its copy of
    the analyzer's synonym table and ``context``. ``sizes`` (bytes of input per item) cut the
    items into batches. The children are closed before this returns, whatever happens.
    """
    work = _Work(items, sizes)
    threads: list[threading.Thread] = []
    try:
        worker = make_worker(task, analyzer, context)
        hello = (task, synonyms_to_json(analyzer.synonyms), analyzer.synonyms.digest, context)
        for child in children:
            threads.extend(_feed(child, work, hello))
        while (index := work.take()) is not None:
            work.results[index] = [worker(item) for item in work.batches[index]]
            if progress:
                progress(work.done(), len(items))
        for thread in threads:
            while thread.is_alive():
                thread.join(0.05)
                if progress:
                    progress(work.done(), len(items))
    except BaseException:
        close_all(children, kill=True)
        raise
    close_all(children)
    for index in work.failed:  # a child died or misbehaved: its batches are done here
        work.results[index] = [worker(item) for item in work.batches[index]]
    out: list = []
    for batch in work.results:
        assert batch is not None
        out.extend(batch)
    if progress:
        progress(len(out), len(items))
    return out
