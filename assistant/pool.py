"""Analysis on every core: the building process analyzes alongside child processes that die with it.

Sudachi holds the GIL while it tokenizes, so threads do not add speed; processes do. A child is a
plain ``python -c`` process, not ``multiprocessing``: no resource tracker, no semaphores, nothing
that outlives the build. It reads batches of texts on its stdin and answers each on its stdout, in
length-prefixed ``marshal`` frames (lists, tuples, dicts and strings only; never files).

Children die with their parent:
- on Linux, ``PR_SET_PDEATHSIG`` sends them SIGKILL the moment the parent dies (SIGKILL or SIGTERM);
- everywhere, a watchdog thread exits when the parent process id changes, and end-of-file on stdin
  or a broken stdout ends the child at its next batch.

Work is handed out one batch at a time from a shared cursor, so a child that starts late (it loads
its own Sudachi dictionary) or runs on a busy core simply takes fewer batches. Whatever a child
fails to return, the parent analyzes itself: the result never depends on how many processes ran.
"""

from __future__ import annotations

import marshal
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

Analyzed = tuple[list[str], dict[str, str]]  # (terms, surface -> term) of one text
Analyze = Callable[[str], Analyzed]
Progress = Callable[[int, int], None]

BATCH_TEXTS = 32  # texts per batch: small enough to balance the end, large enough to amortize a frame
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


def child_main(parent: int) -> None:
    """A child's whole life: load the dictionary, then analyze batches until end of file."""
    _die_with_parent(parent)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    from .analyzer import Analyzer, synonyms_from_json

    analyzer = Analyzer()
    analyzer.analyze("テスト")  # load the dictionary while the parent still chunks the corpus
    hello = _receive(stdin)
    if hello is None:
        return
    rows, digest = hello
    analyzer.synonyms = synonyms_from_json(rows, digest)
    try:
        while (batch := _receive(stdin)) is not None:
            _send(stdout, [analyzer.analyze(text) for text in batch])
    except BrokenPipeError:  # the parent is gone
        os._exit(1)


# --- parent side -----------------------------------------------------------------------------------

_CHILD_CODE = ("import sys; sys.path.insert(0, sys.argv[1]); "
               "from assistant.pool import child_main; child_main(int(sys.argv[2]))")


class Child:
    """One analysis child process, started now so that its start-up overlaps the parent's work."""

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

    def __init__(self, texts: list[str]) -> None:
        self.batches = [texts[i:i + BATCH_TEXTS] for i in range(0, len(texts), BATCH_TEXTS)]
        self.results: list[list[Analyzed] | None] = [None] * len(self.batches)
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
            if answer is None or len(answer) != len(work.batches[index]):
                dead.set()
                for _ in range(IN_FLIGHT + 1):
                    credits.release()
                work.fail([index])
                while (left := sent.get()) is not None:
                    work.fail([left])
                return
            work.results[index] = [(terms, surfaces) for terms, surfaces in answer]
            credits.release()

    threads = [threading.Thread(target=write, daemon=True), threading.Thread(target=read, daemon=True)]
    for thread in threads:
        thread.start()
    return threads


def analyze_texts(texts: list[str], analyze: Analyze, children: list[Child], hello: tuple,
                  progress: Progress | None = None) -> list[Analyzed]:
    """Analyze every text, here and in the children; the results in the order of ``texts``.

    ``hello`` is what a child needs to analyze as ``analyze`` does (the synonym table). The
    children are closed before this returns, whatever happens.
    """
    work = _Work(texts)
    threads: list[threading.Thread] = []
    try:
        for child in children:
            threads.extend(_feed(child, work, hello))
        while (index := work.take()) is not None:
            work.results[index] = [analyze(text) for text in work.batches[index]]
            if progress:
                progress(work.done(), len(texts))
        for thread in threads:
            while thread.is_alive():
                thread.join(0.05)
                if progress:
                    progress(work.done(), len(texts))
    except BaseException:
        close_all(children, kill=True)
        raise
    close_all(children)
    for index in work.failed:  # a child died or misbehaved: its batches are done here
        work.results[index] = [analyze(text) for text in work.batches[index]]
    out: list[Analyzed] = []
    for batch in work.results:
        assert batch is not None
        out.extend(batch)
    if progress:
        progress(len(out), len(texts))
    return out
