"""Install dist/'s wheels in a fresh venv and run a consumer under mypy --strict against the emulator.

Entry point only: the logic is ``runflow_klein_pipeline.release.distributions``.
"""

from runflow_klein_pipeline.entrypoint import run_main
from runflow_klein_pipeline.release.distributions import main

if __name__ == "__main__":
    run_main(main)
