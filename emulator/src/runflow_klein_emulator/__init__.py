"""An offline, stateful emulator of Runflow's FLUX.2 [klein] API surface.

It serves the operations of the composed spec (``runflow-klein.openapi.json``) on 127.0.0.1 so
clients, CLIs and benchmarks can run without network access or credits::

    from runflow_klein_emulator import EmulatorConfig, running

    with running(EmulatorConfig(run_seconds=0.2, api_key="rf_live_test")) as base_url:
        ...  # point a client at base_url

``EmulatorConfig(spec_path=...)`` serves another composed spec (one composed from a different
upstream document) instead of the packaged one.

Behaviour, all derived from the spec where the spec says something:

* **Auth**: ``Authorization: Bearer <token>``; ``api_key=None`` accepts any non-empty token.
  Missing or wrong → 401 ``ErrorResponse``. ``/v1/health`` and ``/v1/readiness`` are public.
* **Validation**: path/query parameters and JSON bodies are checked against the operation's
  schemas (formats included); violations → 422 with ``errors[]`` items ``{loc, msg, type}``.
  Undocumented paths → 404, undocumented methods → 405 with ``Allow``; all JSON errors.
* **Success statuses**: every success is answered with the first 2xx its operation documents (200
  for a dispatch in the committed spec, which lists 200, 201 and 202; 201 for the creates).
* **Runs**: the four typed klein routes answer with the run ``queued`` (a generic
  ``/v1/models/{owner}/{slug}/runs`` request for a klein model is the same URL and gets the typed
  route, since literal paths win; other models are 404 ``MODEL_NOT_FOUND``). The run turns
  ``running`` after a fifth of ``run_seconds`` and terminal at ``run_seconds``. ``fail_rate`` of
  runs end ``failed`` (``failure_code`` ``MODEL_UNAVAILABLE``), reproducibly with ``seed``.
  Succeeded runs list real PNG/JPEG/WebP images (``output_format``, ``num_images``,
  ``image_size`` aspect at 1/16 scale) at signed ``/__emulator/files/…`` URLs.
* **Search**: ``GET /v1/runs`` filters with ``field.EQ:'value'`` clauses joined by ``AND``
  (fields: id, client_ref, status_code, request_id, source_code, target_type), sorts with
  ``sort_by`` and pages with opaque ``pq`` cursors (``first``/``next``/``previous``).
* **Legacy**: the ``/v1/run/…`` routes block for ``run_seconds`` and answer fal-style
  ``images[]``; a run drawn to fail answers 503 ``MODEL_UNAVAILABLE``.
* **Callbacks**: a run with ``callback_url`` is POSTed its CallbackPayload the moment it turns
  terminal, with ``Runflow-Request-Id`` and, when a secret is set (``callback_secret`` or
  ``POST /v1/callback-secrets``), ``Runflow-Signature`` = hex HMAC-SHA256 of the raw body.
  Non-2xx answers and connection errors are retried after each of ``callback_retry_delays``.
  Only loopback URLs are contacted; others are recorded as failed ``destination_not_allowed``.
  History: ``GET /v1/runs/{id}/callback``; manual: ``POST …/callback-redeliveries``.
* **Assets**: ``POST /v1/asset-uploads`` → a signed ``/__emulator/uploads/{id}`` URL to PUT
  bytes to (no auth) → ``POST /v1/asset-uploads/{id}/confirmations`` → ``GET /v1/assets/{id}``.

Fault injection
---------------
Queue faults with ``EmulatorConfig(faults=(Fault(...),))`` or at runtime::

    POST   /__emulator/faults   {"kind": "status", "status": 502, "operation": "get_run", "count": 2}
    GET    /__emulator/faults   → {"faults": [..., "remaining": n]}
    DELETE /__emulator/faults   → clear

Each request takes one use of the first queued fault whose ``operation`` is its operationId (or
an emulator route: ``download_output``, ``upload_asset_bytes``, ``download_asset``); ``"*"``
matches every documented operation. ``kind``:

* ``status``: answer ``status`` (default 503; 500/502/503/504/520…) with a JSON ErrorResponse.
* ``rate_limit``: 429 ``RATE_LIMITED`` with ``Retry-After: <retry_after>`` seconds.
* ``html``: an nginx-style HTML error page with ``status`` (default 502).
* ``truncated_json``: process the request, then send only the first half of its JSON body.
* ``hang``: send nothing for ``hang_seconds`` (or until the client gives up or the server
  stops), then drop the connection.
* ``drop``: close the connection without a response.

With ``process: true`` the request is handled first (a dispatch creates its run) and the fault
replaces the answer: ``{"kind": "drop", "process": true, "operation":
"create_flux_2_klein_4b_run"}`` is the ambiguous dispatch a client must recover from by
searching ``client_ref``. The admin routes are never faulted, need no auth and are not part of
the API contract.

Tests that must not depend on timing use :mod:`runflow_klein_emulator.scripted_api` instead: a
stand-in whose runs advance one step per GET and whose faults hit the next request of a route.
"""

from runflow_klein_emulator.app import create_app
from runflow_klein_emulator.server import running, serve
from runflow_klein_emulator.settings import EmulatorConfig, Fault, FaultKind

__all__ = ["EmulatorConfig", "Fault", "FaultKind", "create_app", "running", "serve"]
