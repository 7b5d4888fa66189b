"""Run Runflow's FLUX.2 [klein] image models from Python: typed, retried, and safe to retry.

A thin hand-written layer around the generated ``runflow_klein_client``::

    from runflow_klein import KleinClient

    with KleinClient() as client:  # RUNFLOW_API_KEY from the environment
        run = client.run("flux-2-klein-4b", {"prompt": "a lighthouse at dusk"})
        for index, output in enumerate(run.outputs):
            client.download(output, directory="out", stem=f"{run.id}-{index}")

Errors form one hierarchy rooted at :class:`RunflowError` (tree in :mod:`runflow_klein.errors`).

The names below are imported on first use (PEP 562): ``import runflow_klein`` costs next to nothing,
so the console script can install its Ctrl-C handling before anything heavy (httpx, the generated
client) is loaded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .constants import VERSION

if TYPE_CHECKING:
    from .async_client import AsyncKleinClient as AsyncKleinClient
    from .callbacks import CallbackPayload as CallbackPayload
    from .callbacks import parse_callback as parse_callback
    from .callbacks import verify_signature as verify_signature
    from .client import KleinClient as KleinClient
    from .durations import DurationWindow as DurationWindow
    from .durations import RunDurations as RunDurations
    from .errors import APIConnectionError as APIConnectionError
    from .errors import APIResponseValidationError as APIResponseValidationError
    from .errors import APIStatusError as APIStatusError
    from .errors import APITimeoutError as APITimeoutError
    from .errors import AuthenticationError as AuthenticationError
    from .errors import BadRequestError as BadRequestError
    from .errors import ConfigurationError as ConfigurationError
    from .errors import ConflictError as ConflictError
    from .errors import NotFoundError as NotFoundError
    from .errors import PaymentRequiredError as PaymentRequiredError
    from .errors import PermissionDeniedError as PermissionDeniedError
    from .errors import RateLimitError as RateLimitError
    from .errors import RunFailedError as RunFailedError
    from .errors import RunflowError as RunflowError
    from .errors import ServerError as ServerError
    from .errors import SignatureVerificationError as SignatureVerificationError
    from .errors import UnexpectedStatusError as UnexpectedStatusError
    from .errors import ValidationError as ValidationError
    from .errors import WaitTimeoutError as WaitTimeoutError
    from .klein_models import MODELS as MODELS
    from .klein_models import KleinModel as KleinModel
    from .polling import PollSchedule as PollSchedule
    from .receiver import CallbackReceiver as CallbackReceiver
    from .receiver import CallbackSubscription as CallbackSubscription
    from .retries import RetryPolicy as RetryPolicy
    from .runs import RunOutput as RunOutput
    from .runs import RunView as RunView
    from .transport import Timeout as Timeout

__version__ = VERSION

# Public name -> the module that defines it.
_EXPORTS = {
    "MODELS": ".klein_models",
    "APIConnectionError": ".errors",
    "APIResponseValidationError": ".errors",
    "APIStatusError": ".errors",
    "APITimeoutError": ".errors",
    "AsyncKleinClient": ".async_client",
    "AuthenticationError": ".errors",
    "BadRequestError": ".errors",
    "CallbackPayload": ".callbacks",
    "CallbackReceiver": ".receiver",
    "CallbackSubscription": ".receiver",
    "ConfigurationError": ".errors",
    "ConflictError": ".errors",
    "DurationWindow": ".durations",
    "KleinClient": ".client",
    "KleinModel": ".klein_models",
    "NotFoundError": ".errors",
    "PaymentRequiredError": ".errors",
    "PermissionDeniedError": ".errors",
    "PollSchedule": ".polling",
    "RateLimitError": ".errors",
    "RetryPolicy": ".retries",
    "RunDurations": ".durations",
    "RunFailedError": ".errors",
    "RunOutput": ".runs",
    "RunView": ".runs",
    "RunflowError": ".errors",
    "ServerError": ".errors",
    "SignatureVerificationError": ".errors",
    "Timeout": ".transport",
    "UnexpectedStatusError": ".errors",
    "ValidationError": ".errors",
    "WaitTimeoutError": ".errors",
    "parse_callback": ".callbacks",
    "verify_signature": ".callbacks",
}

__all__ = [*_EXPORTS, "__version__"]  # noqa: PLE0604 - every name is resolved by __getattr__


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
