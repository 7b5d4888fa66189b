"""Compose the upstream spec and the klein contracts into openapi/runflow-klein.openapi.json (``--help``).

Entry point only: the logic is ``runflow_klein_pipeline.spec.compose``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.spec.compose import main

if __name__ == "__main__":
    run_main(main)
