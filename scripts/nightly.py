"""The nightly drift job: fetch, spec and client drift, contract suite, reports. ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.nightly``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.nightly import main

if __name__ == "__main__":
    run_main(main)
