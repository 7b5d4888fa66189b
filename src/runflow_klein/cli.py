"""``runflow-klein``: run a klein model from the shell, wait for a run, or start the local emulator.

Exit codes: 0 the run succeeded, 1 the run failed or was canceled, 2 usage error (bad option, input the
model's schema refuses, missing ``RUNFLOW_API_KEY``, unreadable image), 3 API, network or output-file
error, 4 gave up waiting (``--timeout``; the run goes on, ``runflow-klein wait RUN_ID`` picks it up),
5 internal error (a bug), 130 interrupted (Ctrl-C). Expected failures print one line on stderr (with
``--json`` also a JSON error object on stdout), never a traceback; retries say on stderr what they wait
for. The console script enters through :mod:`runflow_klein.launcher`, which turns a Ctrl-C at any moment
and a bug into one line too.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from . import __version__
from .client import KleinClient
from .constants import API_KEY_ENV, DEADLINE_GRACE, DEFAULT_WAIT_TIMEOUT, MAX_UPLOAD_BYTES
from .duration_cache import default_path, load_durations, save_durations
from .errors import ConfigurationError, RunFailedError, RunflowError, WaitTimeoutError
from .images import ImageInput, is_reference, load_image
from .input_schema import input_problems
from .klein_models import MODELS, KleinModel, model_named_by, resolve_model
from .launcher import EXIT_INTERNAL_ERROR, EXIT_INTERRUPTED
from .runs import RunView
from .workflows import new_client_ref

__all__ = ["run_cli"]

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_WAIT_TIMEOUT = 4

_SIZES = ("square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3", "landscape_16_9")
_FORMATS = ("jpeg", "png", "webp")


class UsageError(Exception):
    """A problem with the command line that argparse cannot see (exit code 2)."""


class OutputError(Exception):
    """The run succeeded but its images could not be saved (exit code 3)."""


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


def _port(value: str) -> int:
    number = _non_negative_int(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number (0-65535), got {value}")
    return number


def _non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return number


_EXIT_CODES = (
    "Exit codes: 0 succeeded, 1 run failed/canceled, 2 usage error, 3 API, network or output error, "
    f"4 gave up waiting (the run goes on), {EXIT_INTERNAL_ERROR} internal error (a bug: please report it), "
    f"{EXIT_INTERRUPTED} interrupted."
)


def _add_waiting_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path(), metavar="DIR", help="download directory (default: .)"
    )
    parser.add_argument(
        "--base-url", help="API base URL (default: $RUNFLOW_BASE_URL or https://api.runflow.io)"
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_WAIT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up after this long, whatever the server does (default: {DEFAULT_WAIT_TIMEOUT:g}; "
        f"the last request may take up to {DEADLINE_GRACE:g} s more)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON summary (or error object) on stdout"
    )


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
        f"{API_KEY_ENV}. {_EXIT_CODES}",
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
    _add_waiting_options(run)
    run.set_defaults(handler=_run)

    wait = commands.add_parser(
        "wait",
        help="wait for a run dispatched earlier and download its images",
        description=f"Wait for a run (e.g. one an interrupted `run` left behind) and download its images. "
        f"The API key is read from {API_KEY_ENV}. {_EXIT_CODES}",
    )
    wait.add_argument("--version", action="version", version=version)
    wait.add_argument("run_id", metavar="RUN_ID", help="the run's id")
    _add_waiting_options(wait)
    wait.set_defaults(handler=_wait)

    emulate = commands.add_parser(
        "emulate",
        help="serve a local emulator of the klein API",
        description="Serve a local emulator of the Runflow klein API until interrupted (Ctrl-C).",
    )
    emulate.add_argument("--version", action="version", version=version)
    emulate.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    emulate.add_argument("--port", type=_port, default=8787, help="port (default: 8787; 0: any)")
    emulate.add_argument(
        "--run-seconds", type=float, default=2.0, help="how long each run takes (default: 2)"
    )
    emulate.add_argument(
        "--fail-rate", type=float, default=0.0, help="share of runs that fail, 0-1 (default: 0)"
    )
    emulate.add_argument("--callback-secret", help="sign callbacks with this secret (whsec_…)")
    emulate.add_argument(
        "--api-key", help="accept only this bearer token (default: any non-empty one), e.g. to demo a 401"
    )
    emulate.set_defaults(handler=_emulate)
    return parser


def run_cli(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit code. A Ctrl-C outside a command's own
    handling (parsing, the emulator) and bugs are left to :func:`runflow_klein.launcher.main`."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return int(args.handler(args))


# ---- run and wait ----


def build_input(model: KleinModel, args: argparse.Namespace) -> dict[str, Any]:
    """Map the options onto the model's own input field names, checked against the model's input schema
    (the images as they will be sent: URLs as given, local files as data URIs or asset references)."""
    if model.is_edit and not args.image:
        raise UsageError(f"{model.short_id} edits images: give at least one --image")
    if not model.is_edit and args.image:
        raise UsageError(f"{model.short_id} is text-to-image: --image needs an /edit model")
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
    as_sent = [image if is_reference(image) else "data:image/png;base64," for image in args.image]
    problems = input_problems(model, {**model_input, "image_urls": as_sent} if args.image else model_input)
    if problems:
        raise UsageError("; ".join(problems))
    return model_input


def read_images(values: Sequence[str]) -> list[ImageInput]:
    """URLs as given, local files read now: an unreadable or non-image file is a usage error, found before
    anything is sent."""
    images: list[ImageInput] = []
    for value in values:
        if is_reference(value):
            images.append(value)
            continue
        try:
            images.append(load_image(value, max_bytes=MAX_UPLOAD_BYTES).data)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise UsageError(f"--image {value!r}: {reason}") from None
    return images


def _summary(model: KleinModel | None, run: RunView, paths: Sequence[Path]) -> dict[str, Any]:
    outputs = [
        {
            # The user's own stdout: the full presigned URL, which works (logs and errors redact it).
            "url": output.url,
            "type": output.type,
            "path": str(paths[index]) if index < len(paths) else None,
        }
        for index, output in enumerate(run.outputs)
    ]
    # The model's id, as ``run`` names it; a run that names its model only by UUID has none.
    named = model or model_named_by(run.raw)
    return {
        "id": run.id,
        "model": named.id if named is not None else None,
        "status": run.status,
        "client_ref": run.client_ref,
        "failure_code": run.failure_code,
        "failure_message": run.failure_message,
        "outputs": outputs,
    }


# Checked in order: the first matching class decides the exit code and the message prefix.
_FAILURES: tuple[tuple[type[Exception], int, str], ...] = (
    (UsageError, EXIT_USAGE, "usage error"),
    (ConfigurationError, EXIT_USAGE, "usage error"),
    (RunFailedError, EXIT_RUN_FAILED, "run failed"),
    (WaitTimeoutError, EXIT_WAIT_TIMEOUT, "gave up waiting"),
    (RunflowError, EXIT_API_ERROR, "error"),
    (OutputError, EXIT_API_ERROR, "could not write outputs"),
)


@dataclass
class _Session:
    """What one ``run``/``wait`` command knows so far, for its final line: the console, the options, the
    ``client_ref`` once a dispatch may be under way, and the run's id once the dispatch answered."""

    console: Console
    args: argparse.Namespace
    client_ref: str | None = None
    run_id: str | None = None

    def progress(self, view: RunView) -> None:
        self.run_id = view.id
        self.console.print(f"run [bold]{view.id}[/] {escape(view.status or 'unknown')}")

    def resume_hint(self) -> str:
        return f"runflow-klein wait {self.run_id} --out {self.args.out}"


class _StderrLog(logging.Handler):
    """Shows the runtime's retry notes (``retrying in 2 s after 503``) on the console."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.INFO)
        self._console = console

    def emit(self, record: logging.LogRecord) -> None:
        self._console.print(f"[yellow]{escape(record.getMessage())}[/]")


@contextmanager
def _retry_notes(console: Console) -> Iterator[None]:
    logger = logging.getLogger("runflow_klein")
    handler, level = _StderrLog(console), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _run(args: argparse.Namespace) -> int:
    model: KleinModel = args.model

    def start(client: KleinClient, session: _Session) -> RunView:
        model_input = build_input(model, args)
        images = read_images(args.image)
        # Ours, not run()'s: a Ctrl-C during the dispatch can then say how to find the run.
        session.client_ref = new_client_ref(None)
        with session.console.status(f"running {model.id}…"):
            return client.run(
                model,
                model_input,
                images=images,
                client_ref=session.client_ref,
                wait_timeout=args.timeout,
                on_progress=session.progress,
            )

    return _execute(args, model, start)


def _wait(args: argparse.Namespace) -> int:
    def start(client: KleinClient, session: _Session) -> RunView:
        session.run_id = args.run_id
        with session.console.status(f"waiting for {args.run_id}…"):
            return client.wait(args.run_id, wait_timeout=args.timeout, on_progress=session.progress)

    return _execute(args, None, start)


def _execute(
    args: argparse.Namespace, model: KleinModel | None, start: Callable[[KleinClient, _Session], RunView]
) -> int:
    """Run ``start`` with a client, download the outputs, and report: the one place exit codes,
    error lines, ``--json`` objects and Ctrl-C are handled for ``run`` and ``wait``."""
    session = _Session(Console(stderr=True, soft_wrap=True), args)
    console = session.console
    try:
        with _retry_notes(console):
            run, paths = _run_and_download(args, session, start)
    except KeyboardInterrupt:
        if session.client_ref is not None and session.run_id is None:
            console.print(
                f"[red]interrupted[/] during the dispatch: a run may have been created "
                f"(client_ref {escape(session.client_ref)})"
            )
        elif session.run_id is None:
            console.print("[red]interrupted[/] (no run was created)")
        else:
            console.print(
                f"[red]interrupted:[/] run {session.run_id} goes on at Runflow; "
                f"resume with: {escape(session.resume_hint())}"
            )
        _print_error(args, "interrupted", EXIT_INTERRUPTED, session, "interrupted")
        return EXIT_INTERRUPTED
    except (UsageError, RunflowError, OutputError) as exc:
        code, label = next((code, label) for kind, code, label in _FAILURES if isinstance(exc, kind))
        message = str(exc)
        if isinstance(exc, WaitTimeoutError) and exc.run_id is not None:
            session.run_id = exc.run_id
            message += f"; the run goes on: {session.resume_hint()}"
        console.print(f"[red]{label}:[/] {escape(message)}")
        if isinstance(exc, RunFailedError) and args.json:
            print(json.dumps(_summary(model, exc.run, []), indent=2))
        else:
            _print_error(args, label, code, session, message)
        return code
    for path in paths:
        console.print(f"saved {escape(str(path))}")
    if not paths:
        console.print("[yellow]the run succeeded but returned no outputs[/]")
    if args.json:
        print(json.dumps(_summary(model, run, paths), indent=2))
    return EXIT_OK


def _print_error(args: argparse.Namespace, kind: str, code: int, session: _Session, message: str) -> None:
    if args.json:
        error = {
            "kind": kind,
            "exit_code": code,
            "run_id": session.run_id,
            "client_ref": session.client_ref,
            "message": message,
        }
        print(json.dumps({"error": error}))


def _run_and_download(
    args: argparse.Namespace, session: _Session, start: Callable[[KleinClient, _Session], RunView]
) -> tuple[RunView, list[Path]]:
    cache = default_path()
    durations = load_durations(cache)
    try:
        # The key and base URL come from the environment unless given; the client checks both
        # (ConfigurationError, a usage error here).
        with KleinClient(base_url=args.base_url, durations=durations) as client:
            run = start(client, session)
            try:
                paths = [
                    client.download(output, directory=args.out, stem=f"{run.id}-{index}")
                    for index, output in enumerate(run.outputs)
                ]
            except OSError as exc:
                raise OutputError(str(exc)) from exc
    finally:
        save_durations(cache, durations)
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
            run_seconds=args.run_seconds,
            fail_rate=args.fail_rate,
            callback_secret=args.callback_secret,
            api_key=args.api_key,
        )
    except ValueError as exc:
        console.print(f"[red]usage error:[/] {escape(str(exc))}")
        return EXIT_USAGE
    console.print(f"emulating the Runflow klein API on http://{args.host}:{args.port} (Ctrl-C to stop)")
    serve(config, host=args.host, port=args.port)
    return EXIT_OK
