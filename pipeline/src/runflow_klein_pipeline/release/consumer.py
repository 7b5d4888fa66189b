"""A consumer of the released packages: what another team writes (copied into a fresh venv).

Uses the generated client directly and through the runtime; RUNFLOW_BASE_URL points at an emulator.
"""

from __future__ import annotations

import os

import runflow_klein_client
from runflow_klein_client import AuthenticatedClient
from runflow_klein_client.api.runs import search_runs

from runflow_klein import KleinClient


def main() -> None:
    base_url = os.environ["RUNFLOW_BASE_URL"]
    assert runflow_klein_client.__version__
    client = AuthenticatedClient(base_url=base_url, token=os.environ["RUNFLOW_API_KEY"])
    with client:
        response = search_runs.sync_detailed(client=client)
        assert response.status_code == 200, response.status_code
    with KleinClient(base_url=base_url) as klein:
        run = klein.run("flux-2-klein-4b", {"prompt": "a lighthouse at dusk"})
        assert run.outputs, run
    print(f"runflow-klein-client {runflow_klein_client.__version__}: ok")


if __name__ == "__main__":
    main()
