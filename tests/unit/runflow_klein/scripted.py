"""Drive a workflow with scripted outcomes: no HTTP, no threads, no real time.

Why: the decisions of the runtime (retries, dispatch reconciliation, waiting) live in the workflow
generators of ``runflow_klein.workflows``. Driving one step by step, asserting each effect it yields and
answering with a scripted outcome, pins those decisions exactly (which request, which sleep, in what
order) where a fake server could only show their end result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from runflow_klein.effects import Effect, Sleep, Workflow
from runflow_klein.errors import RunflowError

T = TypeVar("T")


class ScriptedClock:
    """The workflow's clock: it moves only when the scripted driver performs an effect."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass(frozen=True)
class Step:
    """An effect the workflow must yield next, and what performing it gives back.

    ``outcome`` is sent into the workflow, or thrown into it if it is a :class:`RunflowError` (as the
    real drivers do with a performer's errors). ``takes`` is how far the clock moves while the effect is
    performed; by default a :class:`Sleep` takes its duration and anything else no time.
    """

    effect: Effect
    outcome: object = None
    takes: float | None = None

    def duration(self) -> float:
        if self.takes is not None:
            return self.takes
        return self.effect.seconds if isinstance(self.effect, Sleep) else 0.0


def drive_scripted(workflow: Workflow[T], script: Sequence[Step], clock: ScriptedClock | None = None) -> T:
    """Run ``workflow`` against ``script``; return its result or let its error propagate.

    Fails if an effect differs from the scripted one (compared with ``==``: every field), if the workflow
    yields more effects than scripted, or if it returns or raises before the script is used up.
    """
    position = 0

    def script_used_up() -> None:
        if position < len(script):
            raise AssertionError(f"the workflow ended after {position} of {len(script)} scripted steps")

    try:
        effect = next(workflow)
        while True:
            if position == len(script):
                raise AssertionError(f"unscripted effect after {position} steps: {effect!r}")
            step = script[position]
            if effect != step.effect:
                raise AssertionError(f"step {position}: expected {step.effect!r}, got {effect!r}")
            position += 1
            if clock is not None:
                clock.now += step.duration()
            if isinstance(step.outcome, RunflowError):
                effect = workflow.throw(step.outcome)
            else:
                effect = workflow.send(step.outcome)
    except StopIteration as finished:
        script_used_up()
        return cast(T, finished.value)
    except AssertionError:
        raise
    except Exception:
        script_used_up()
        raise
    finally:
        workflow.close()
