"""Write the docs-derived seed cassettes (never overwrites without ``--force``). ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.recordings.seed``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.recordings.seed import main

if __name__ == "__main__":
    run_main(main)
