"""The program's steps, in order: what each step is, in one object per step.

A ``Step`` says everything the rest of the code needs to know about one step of the program:
its place and name, when it is done (``missing``: what is still missing, in plain words; done
when nothing is), the actions of the case page that belong to it, the forms its panel offers
while the case is at it, the reminders it wants sent, and what its participants could do now
on the portal. Each step lives in its own module under ``reconciliation/steps/``; the list of
them, in order, is ``reconciliation/program.py``, loaded into ``REGISTRY`` at start-up.

The workflow, the case page's panels, the portal's to-do list, the reminders' rules and the
dashboard loop over ``REGISTRY``; nothing else names a step by its number. Adding a step is
adding a module and a line in ``program.py`` (``docs/adding-a-step.md``).
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cases.models import Case, Participant

from .snapshot import CaseSnapshot


@dataclass(frozen=True)
class Action:
    """Something a caseworker does on the case page: the form that reads it, the service it calls
    (``perform(case, cleaned_data, user)``) and what the page says afterwards."""

    form: type
    perform: Callable[[Case, dict, Any], object]
    done: str


@dataclass
class Offer:
    """What a step's panel offers while the case is at that step, built by ``Step.offer``.

    ``form(action, form_class, **initial)`` gives the form to show for ``action``: a fresh one,
    or the one that just failed, bound, with its errors and what was typed.
    """

    snap: CaseSnapshot
    now: datetime
    form: Callable[..., Any]
    offered: dict[str, Any] = field(default_factory=dict)

    def add(self, action: str, form_class: type, *, key: str | None = None, **initial) -> None:
        self.offered[key or action] = self.form(action, form_class, **initial)


@dataclass(frozen=True)
class RuleRows:
    """What the reminders' rules read besides the snapshot: the case's open shifts, its check-ins,
    its open personal time, the time."""

    shifts: list = field(default_factory=list)
    checkins: list = field(default_factory=list)
    personal_times: list = field(default_factory=list)
    now: datetime | None = None


def _nothing(*args, **kwargs) -> list:
    return []


@dataclass(frozen=True)
class Step:
    """One step of the program. ``number`` is its place, given by the registry (1 is the first)."""

    slug: str
    label: str
    missing: Callable[[CaseSnapshot], list[str]]  # what is missing for "done"; done when nothing is
    panel_template: str  # how the case page draws the step
    actions: Mapping[str, Action] = field(default_factory=dict)  # the case page's actions of this step
    offer: Callable[[Offer], None] = _nothing  # the forms its panel offers while the case is at it
    reminders: Callable[[CaseSnapshot, RuleRows], list] = _nothing  # the reminders it wants (``Wanted``)
    todo: Callable[[Case, Participant], list[tuple[str, str]]] = _nothing  # portal: (message, page name)
    number: int = 0

    def __str__(self) -> str:
        return f"Step {self.number}: {self.label}"


class Registry:
    """The steps in order, numbered by their place from 1; each action belongs to one step."""

    def __init__(self, steps: list[Step] | None = None) -> None:
        self._steps: list[Step] = []
        if steps:
            self.load(steps)

    def load(self, steps: list[Step]) -> None:
        if not steps:
            raise ValueError("A program has at least one step.")
        steps = [replace(step, number=place) for place, step in enumerate(steps, start=1)]
        slugs = [step.slug for step in steps]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"Two steps have the same name: {slugs}.")
        names = [name for step in steps for name in step.actions]
        if len(set(names)) != len(names):
            raise ValueError("An action belongs to one step only.")
        self._steps = list(steps)

    @contextmanager
    def replaced(self, steps: list[Step]) -> Iterator["Registry"]:
        """The program with other steps for a while (tests try a program with a step more)."""
        before = self._steps
        self.load(steps)
        try:
            yield self
        finally:
            self._steps = before

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def __getitem__(self, number: int) -> Step:
        """The step with this number (1 is the first)."""
        if not 1 <= number <= len(self._steps):
            raise KeyError(number)
        return self._steps[number - 1]

    def named(self, slug: str) -> Step:
        return next(step for step in self._steps if step.slug == slug)

    def current(self, case: Case) -> Step:
        """The step the case is at."""
        return self[case.step]

    @property
    def last(self) -> Step:
        return self._steps[-1]

    def choices(self) -> list[tuple[int, str]]:
        return [(step.number, step.label) for step in self._steps]

    def actions(self) -> dict[str, tuple[Step, Action]]:
        """Every step action of the case page, by name, with the step it belongs to."""
        return {name: (step, action) for step in self._steps for name, action in step.actions.items()}


REGISTRY = Registry()
