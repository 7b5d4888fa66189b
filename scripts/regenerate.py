"""Compose, then regenerate generated/runflow-klein-client (``--check`` to verify only). ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.spec.regenerate``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.spec.regenerate import main

if __name__ == "__main__":
    run_main(main)
