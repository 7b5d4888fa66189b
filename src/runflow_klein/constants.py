"""Every default of the runtime in one place, so a reader can see (and a test can pin) the policy.

The numbers follow the public Runflow docs where they say something, and openai-python's runtime where
they do not (openai-python's ``_constants.py`` and ``_base_client.py``: two retries, exponential backoff
from 0.5 s capped at 8 s with jitter, ``Retry-After`` honoured up to a cap, a 5 s connect timeout).
"""

from __future__ import annotations

from importlib import metadata

# ---- Connection ----

DEFAULT_BASE_URL = "https://api.runflow.io"
API_KEY_ENV = "RUNFLOW_API_KEY"
BASE_URL_ENV = "RUNFLOW_BASE_URL"
# The one source of the runtime's version is pyproject.toml; installed metadata carries it here.
VERSION = metadata.version("runflow-klein")
# The generated client sends no User-Agent of its own; a named one makes our traffic recognisable in logs.
USER_AGENT = f"runflow-klein/{VERSION}"

# ---- Timeouts (seconds) ----

# The generated client defaults to *no* timeout at all (httpx.Timeout(None)); a hung proxy would block a
# caller forever. Connect failures are fast to detect; a whole request/response exchange on this API is
# small JSON, so a minute is generous.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_TIMEOUT = 60.0
# Presigned uploads and output downloads move up to 50 MB, so they get a longer overall budget.
DEFAULT_TRANSFER_TIMEOUT = 300.0

# ---- Retries ----

# The docs recommend "max 5 attempts" with exponential backoff and jitter for 5xx, 429 and network errors.
DEFAULT_MAX_RETRIES = 4
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server asking us to wait longer than this is better answered by giving up and telling the caller.
MAX_RETRY_AFTER = 60.0
RETRYABLE_STATUSES = frozenset({408, 429})  # plus every status >= 500

# ---- Waiting for runs ----

# Cold waiting (nothing learned about the model yet). A run is already known pending when waiting starts
# (the dispatch answered), so the GET the official SDK's fixed 2 s poller spends at once is spent on
# density instead: a first look after 1.25 s, gaps growing by 10 % a poll (so a long run costs GETs in
# proportion to the log of its duration, not its length), capped at 4 s. On run durations drawn
# log-uniformly from 0.5-15 s this waits ~0.8 s after completion with ~3.3 GETs a run, against ~1.0 s
# and ~3.6 GETs for the fixed 2 s poller (``nox -s bench``, section "waiting").
POLL_FIRST_INTERVAL = 1.25
POLL_GROWTH = 1.1
POLL_MAX_INTERVAL = 4.0
# Warm waiting: once a model's runs have been seen, this many polls are spread evenly over the window
# where its next run likely ends (mean lag: a quarter of the window's width / 2; mean GETs about 2.5).
LEARNED_POLLS = 4
# A pending run's answer may carry Retry-After: the next poll goes then, but never sooner than this, so
# a "Retry-After: 0" cannot turn the wait into a busy loop.
MIN_POLL_INTERVAL = 0.25
# Runs of a model needed before its window is trusted, runs kept (recent ones reflect the current
# load), and the narrowest window relative to the median duration.
DURATION_SAMPLES_NEEDED = 2
DURATION_SAMPLES_KEPT = 8
DURATION_WINDOW_MIN_WIDTH = 0.05
# "Almost every Runflow model completes in under 60 seconds" (cancel-a-run guide); allow for queueing.
DEFAULT_WAIT_TIMEOUT = 300.0
# ``wait_timeout`` bounds the whole call: the last request is allowed this much past the deadline (so a
# run that finished just then is still seen); no request, retry or sleep goes beyond it.
DEADLINE_GRACE = 1.0
# How long a callback-driven wait trusts the callback before it starts polling as well.
DEFAULT_CALLBACK_GRACE = 20.0

# ---- Image inputs ----

# Below this size an input image is sent inline as a data URI; above it, through the presigned upload.
DEFAULT_INLINE_IMAGE_BYTES = 2 * 1024 * 1024
# AssetUploadCreate.size_bytes maximum in the spec (50 MiB).
MAX_UPLOAD_BYTES = 52_428_800
READ_CHUNK_BYTES = 64 * 1024

# ---- Headers ----

REQUEST_ID_HEADERS = ("x-request-id", "runflow-request-id", "request-id")
SIGNATURE_HEADER = "Runflow-Signature"
