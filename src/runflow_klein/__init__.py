"""Run Runflow's FLUX.2 [klein] image models from Python: typed, retried, and safe to retry.

A thin hand-written layer around the generated ``runflow_klein_client``::

    from runflow_klein import KleinClient

    with KleinClient() as client:  # RUNFLOW_API_KEY from the environment
        run = client.run("flux-2-klein-4b", {"prompt": "a lighthouse at dusk"})
        for index, output in enumerate(run.outputs):
            client.download(output, directory="out", stem=f"{run.id}-{index}")

Errors form one hierarchy rooted at :class:`RunflowError` (tree in :mod:`runflow_klein.errors`).
"""

from .async_client import AsyncKleinClient
from .callbacks import CallbackPayload, parse_callback, verify_signature
from .client import KleinClient
from .constants import VERSION
from .durations import DurationWindow, RunDurations
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    RunFailedError,
    RunflowError,
    ServerError,
    SignatureVerificationError,
    UnexpectedStatusError,
    ValidationError,
    WaitTimeoutError,
)
from .klein_models import MODELS, KleinModel
from .polling import PollSchedule
from .receiver import CallbackReceiver, CallbackSubscription
from .retries import RetryPolicy
from .runs import RunOutput, RunView
from .transport import Timeout

__version__ = VERSION

__all__ = [
    "MODELS",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncKleinClient",
    "AuthenticationError",
    "BadRequestError",
    "CallbackPayload",
    "CallbackReceiver",
    "CallbackSubscription",
    "ConflictError",
    "DurationWindow",
    "KleinClient",
    "KleinModel",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PollSchedule",
    "RateLimitError",
    "RetryPolicy",
    "RunDurations",
    "RunFailedError",
    "RunOutput",
    "RunView",
    "RunflowError",
    "ServerError",
    "SignatureVerificationError",
    "Timeout",
    "UnexpectedStatusError",
    "ValidationError",
    "WaitTimeoutError",
    "__version__",
    "parse_callback",
    "verify_signature",
]
