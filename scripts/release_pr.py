"""Decide what the nightly job does with its reports: nothing, a pull request, or fail. ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.release.pull_request``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.release.pull_request import main

if __name__ == "__main__":
    run_main(main)
