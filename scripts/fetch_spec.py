"""Fetch the published OpenAPI document into openapi/ (validated, atomic, locked). ``--help`` for usage.

Entry point only: the logic is ``runflow_klein_pipeline.spec.fetch``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.spec.fetch import main

if __name__ == "__main__":
    run_main(main)
