"""Draft a contract for a model from its pages, every fact sourced, for review. ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.model_docs.draft``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.model_docs.draft import main

if __name__ == "__main__":
    run_main(main)
