"""Check recorded interactions (VCR cassettes) against the composed spec. ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.recordings.check``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.recordings.check import main

if __name__ == "__main__":
    run_main(main)
