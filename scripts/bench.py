"""Benchmarks against the emulator on loopback → reports/bench.json. ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.bench.run``.
"""

from runflow_klein_pipeline.bench.run import main
from runflow_klein_pipeline.entrypoint import run_main

if __name__ == "__main__":
    run_main(main)
