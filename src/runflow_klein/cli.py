"""``runflow-klein``: run a klein model from the shell, or start the local emulator.

Exit codes: 0 the run succeeded, 1 the run failed or was canceled, 2 usage error (bad option, missing
``RUNFLOW_API_KEY``, unreadable image), 3 API, network or output-file error (including giving up while the
run was still pending). Expected failures print one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from . import __version__
from .client import KleinClient
from .constants import API_KEY_ENV, DEFAULT_WAIT_TIMEOUT
from .errors import RunFailedError, RunflowError, WaitTimeoutError
from .images import is_reference
from .klein_models import MODELS, KleinModel, resolve_model
from .responses import strip_query
from .runs import RunView

__all__ = ["main"]

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_INTERRUPTED = 130

_SIZES = ("square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3", "landscape_16_9")
_FORMATS = ("jpeg", "png", "webp")


class UsageError(Exception):
    """A problem with the command line that argparse cannot see (exit code 2)."""


def _model(value: str) -> KleinModel:
    try:
        return resolve_model(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(value: str) -> int | float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
        if number <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {value}")
        return number

    return parse


def _non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    version = f"runflow-klein {__version__}"
    parser = argparse.ArgumentParser(
        prog="runflow-klein",
        description="Run Runflow FLUX.2 [klein] models, or serve a local emulator of the API.",
    )
    parser.add_argument("--version", action="version", version=version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="dispatch a run, wait for it and download the images",
        description=f"Dispatch a run, wait for it and download its images. The API key is read from "
        f"{API_KEY_ENV}. Exit codes: 0 succeeded, 1 run failed/canceled, 2 usage error, "
        "3 API or network error.",
    )
    run.add_argument("--version", action="version", version=version)
    run.add_argument(
        "model",
        type=_model,
        metavar="MODEL",
        help=f"one of {', '.join(MODELS)} (or the black-forest-labs/… id)",
    )
    run.add_argument("--prompt", required=True, help="what to generate, or how to edit the input images")
    run.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="PATH_OR_URL",
        help="input image for the edit models (repeatable, up to 4): a local file or an https URL",
    )
    run.add_argument("--size", choices=_SIZES, help="output size preset (image_size)")
    run.add_argument("--seed", type=_non_negative_int, help="seed for reproducible results")
    run.add_argument("--steps", type=_positive(int), help="inference steps (steps on 4B edit)")
    run.add_argument("--num-images", type=_positive(int), help="images per run (1-4; not on 4B edit)")
    run.add_argument("--format", choices=_FORMATS, help="output format (not on 4B edit, which returns JPEG)")
    run.add_argument(
        "--out", type=Path, default=Path(), metavar="DIR", help="download directory (default: .)"
    )
    run.add_argument("--base-url", help="API base URL (default: $RUNFLOW_BASE_URL or https://api.runflow.io)")
    run.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_WAIT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up waiting for the run after this long (default: {DEFAULT_WAIT_TIMEOUT:g})",
    )
    run.add_argument("--json", action="store_true", help="print a JSON summary of the run on stdout")
    run.set_defaults(handler=_run)

    emulate = commands.add_parser(
        "emulate",
        help="serve a local emulator of the klein API",
        description="Serve a local emulator of the Runflow klein API until interrupted (Ctrl-C).",
    )
    emulate.add_argument("--version", action="version", version=version)
    emulate.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    emulate.add_argument("--port", type=_non_negative_int, default=8787, help="port (default: 8787; 0: any)")
    emulate.add_argument(
        "--run-seconds", type=float, default=2.0, help="how long each run takes (default: 2)"
    )
    emulate.add_argument(
        "--fail-rate", type=float, default=0.0, help="share of runs that fail, 0-1 (default: 0)"
    )
    emulate.add_argument("--callback-secret", help="sign callbacks with this secret (whsec_…)")
    emulate.set_defaults(handler=_emulate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``runflow-klein`` console script; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.handler(args))
    except SystemExit as exc:  # argparse: --help/--version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        Console(stderr=True, soft_wrap=True).print("[red]interrupted[/]")
        return EXIT_INTERRUPTED


# ---- run ----


def build_input(model: KleinModel, args: argparse.Namespace) -> dict[str, Any]:
    """Map the options onto the model's own input field names."""
    if model.is_edit and not args.image:
        raise UsageError(f"{model.short_id} edits images: give at least one --image")
    if not model.is_edit and args.image:
        raise UsageError(f"{model.short_id} is text-to-image: --image needs an /edit model")
    if len(args.image) > 4:
        raise UsageError("at most 4 --image values")
    model_input: dict[str, Any] = {"prompt": args.prompt}
    if args.size:
        model_input["image_size"] = args.size
    if args.seed is not None:
        model_input["seed"] = args.seed
    if args.steps is not None:
        model_input[model.steps_field] = args.steps
    if args.num_images is not None:
        if not model.has_num_images:
            raise UsageError(f"{model.short_id} does not take --num-images")
        model_input["num_images"] = args.num_images
    if args.format:
        if not model.has_output_format:
            raise UsageError(f"{model.short_id} does not take --format (it returns JPEG)")
        model_input["output_format"] = args.format
    for image in args.image:
        if not is_reference(image) and not Path(image).is_file():
            raise UsageError(f"--image {image!r} is neither an http(s) URL nor a readable file")
    return model_input


def _summary(model: KleinModel, run: RunView, paths: Sequence[Path]) -> dict[str, Any]:
    outputs = [
        {
            # Presigned URLs carry their signature in the query: never print it.
            "url": strip_query(output.url),
            "type": output.type,
            "path": str(paths[index]) if index < len(paths) else None,
        }
        for index, output in enumerate(run.outputs)
    ]
    return {
        "id": run.id,
        "model": model.id,
        "status": run.status,
        "client_ref": run.client_ref,
        "failure_code": run.failure_code,
        "failure_message": run.failure_message,
        "outputs": outputs,
    }


# Checked in order: the first matching class decides the exit code and the message prefix.
_FAILURES: tuple[tuple[type[Exception], int, str], ...] = (
    (UsageError, EXIT_USAGE, "usage error"),
    (ValueError, EXIT_USAGE, "usage error"),  # input the generated model rejected before sending
    (RunFailedError, EXIT_RUN_FAILED, "run failed"),
    (WaitTimeoutError, EXIT_API_ERROR, "gave up waiting"),
    (RunflowError, EXIT_API_ERROR, "error"),
    (OSError, EXIT_API_ERROR, "could not write outputs"),
)


def _run(args: argparse.Namespace) -> int:
    console = Console(stderr=True, soft_wrap=True)
    try:
        run, paths = _run_and_download(args, console)
    except (UsageError, ValueError, RunflowError, OSError) as exc:
        code, label = next((code, label) for kind, code, label in _FAILURES if isinstance(exc, kind))
        console.print(f"[red]{label}:[/] {escape(str(exc))}")
        if isinstance(exc, RunFailedError) and args.json:
            print(json.dumps(_summary(args.model, exc.run, []), indent=2))
        return code
    for path in paths:
        console.print(f"saved {escape(str(path))}")
    if not paths:
        console.print("[yellow]the run succeeded but returned no outputs[/]")
    if args.json:
        print(json.dumps(_summary(args.model, run, paths), indent=2))
    return EXIT_OK


def _run_and_download(args: argparse.Namespace, console: Console) -> tuple[RunView, list[Path]]:
    model: KleinModel = args.model
    model_input = build_input(model, args)
    api_key = os.environ.get(API_KEY_ENV, "").strip()
    if not api_key:
        raise UsageError(f"set {API_KEY_ENV} to your Runflow API key")

    def progress(view: RunView) -> None:
        console.print(f"run [bold]{view.id}[/] {escape(view.status or 'unknown')}")

    with KleinClient(api_key=api_key, base_url=args.base_url) as client:
        with console.status(f"running {model.id}…"):
            run = client.run(
                model, model_input, images=args.image, wait_timeout=args.timeout, on_progress=progress
            )
        paths = [
            client.download(output, directory=args.out, stem=f"{run.id}-{index}")
            for index, output in enumerate(run.outputs)
        ]
    return run, paths


# ---- emulate ----


def _emulate(args: argparse.Namespace) -> int:
    console = Console(stderr=True, soft_wrap=True)
    try:
        # Its own distribution (the runtime wheel does not carry it); imported only by this command.
        from runflow_klein_emulator import EmulatorConfig, serve  # noqa: PLC0415
    except ImportError as exc:
        console.print(
            f"[red]error:[/] the emulator is not installed ({escape(str(exc))}); "
            "install it with: pip install 'runflow-klein[emulator]'"
        )
        return EXIT_API_ERROR
    try:
        config = EmulatorConfig(
            run_seconds=args.run_seconds, fail_rate=args.fail_rate, callback_secret=args.callback_secret
        )
    except ValueError as exc:
        console.print(f"[red]usage error:[/] {escape(str(exc))}")
        return EXIT_USAGE
    console.print(f"emulating the Runflow klein API on http://{args.host}:{args.port} (Ctrl-C to stop)")
    serve(config, host=args.host, port=args.port)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
