"""A model page against its contract, judged by what breaks the generated client. ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.model_docs.cli``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.model_docs.cli import main

if __name__ == "__main__":
    run_main(main)
