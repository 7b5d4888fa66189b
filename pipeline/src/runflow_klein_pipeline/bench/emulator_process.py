"""Host emulators for the benchmark in a child process, so they never share a GIL with the client.

Why a separate process: on one interpreter the emulator's uvicorn thread and the client under test take
turns on the GIL, so the client's cost would include the server's and the two could not be told apart.
In a child process each side gets its own core (the benchmark machine has two) and the child's CPU time
can be read separately, which is how the benchmark tells whether the emulator was the bottleneck.

Child side (``python -m runflow_klein_pipeline.bench.emulator_process RUN_SECONDS...``): one emulator
per ``RUN_SECONDS`` value (``run_seconds`` is a per-emulator setting), served with a long keep-alive
(see :func:`_serve`), one base URL per line on stdout, then the line protocol on stdin: ``cpu`` answers
the child's CPU seconds so far; end of input stops the emulators and exits, so the child never outlives
a parent that died. Parent side:
:class:`EmulatorProcess`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, ExitStack
from types import TracebackType

API_KEY = "rf_bench_key"
_EXIT_TIMEOUT = 30.0
KEEP_ALIVE_SECONDS = 300


class EmulatorProcess:
    """A child process serving one emulator per entry of ``run_seconds`` on 127.0.0.1."""

    def __init__(self, run_seconds: Sequence[float]) -> None:
        self._run_seconds = tuple(run_seconds)
        self._process: subprocess.Popen[str] | None = None
        self.urls: tuple[str, ...] = ()

    def __enter__(self) -> EmulatorProcess:
        command = [sys.executable, "-m", __name__, *map(repr, self._run_seconds)]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        try:
            self.urls = tuple(self._read_line() for _ in self._run_seconds)
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop()

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system, every thread) the child has used so far."""
        process = self._running()
        assert process.stdin is not None
        process.stdin.write("cpu\n")
        process.stdin.flush()
        return float(self._read_line())

    def _stop(self) -> None:
        """Close the child's stdin (its signal to stop) and wait; kill it if it does not exit."""
        process = self._running()
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=_EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _running(self) -> subprocess.Popen[str]:
        if self._process is None:
            raise RuntimeError("the emulator process is not running; use it as a context manager")
        return self._process

    def _read_line(self) -> str:
        process = self._running()
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the emulator process exited early (status {process.poll()})")
        return line.strip()


def main(argv: Sequence[str]) -> int:
    """Serve the emulators and answer ``cpu`` requests until stdin closes."""
    with ExitStack() as stack:
        for value in argv:
            print(stack.enter_context(_serve(float(value))), flush=True)
        for command in sys.stdin:
            if command.strip() == "cpu":
                print(time.process_time(), flush=True)
    return 0


def _serve(run_seconds: float) -> AbstractContextManager[str]:
    """The emulator as ``runflow_klein_emulator.running`` serves it, but with a long keep-alive.

    uvicorn's default drops a connection after 5 s idle. The async benchmark lets three client pools take
    turns; when the machine is busy a turn can last that long, and a pool whose 64 connections were all
    dropped at once measures reconnecting rather than the client. With the server keeping connections,
    the client pool alone decides (httpx closes its own idle ones after 5 s, one at a time).
    """
    from runflow_klein_emulator import EmulatorConfig, running  # noqa: PLC0415 - child side only

    config = EmulatorConfig(run_seconds=run_seconds, api_key=API_KEY)
    return running(config, keep_alive_seconds=KEEP_ALIVE_SECONDS)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
