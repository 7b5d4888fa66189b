"""Spec-vs-spec drift, judged by what breaks the generated client. ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.drift.compare``.
"""

from runflow_klein_pipeline.drift.compare import main
from runflow_klein_pipeline.entrypoint import run_main

if __name__ == "__main__":
    run_main(main)
