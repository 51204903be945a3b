"""Where the floors above the core react to a case, and add to its pages, without the core importing them.

The core (this app) stands below the program, notifications and the apps people use, so it
never imports them. Where it must let them take part, it reads one of the hook lists below;
each app above registers into them in its ``AppConfig.ready()``, so the whole wiring of the
house is the ``ready()`` of a handful of ``apps.py`` files, and these lists are read here only.

- ``case_changed``: called inside the transaction of every service that changed a case (its
  status, its assignment, a step, a person's consent, ...), with the case. Notifications keeps
  the case's reminders in line with it.
- ``case_page``: adds to the staff case page; called with a ``CasePage`` and returns a dict
  merged into the template's context (the program's step panels, the case's reminders).
- ``case_page_query``: widens the query that reads the case for its page; called with a
  queryset of cases, returns one (the program reads its steps' rows in the same query).
- ``case_list_page``: adds to the staff case list; called with the request, returns a dict.
- ``event_recorded``: called inside the transaction of ``event_record`` with each new timeline
  event. The API writes its webhook deliveries (an outbox) from it.
- ``case_search``: widens the case list's search; called with ``user`` and ``value`` (keywords),
  returns a query of ``case_id`` values of the cases it finds (the caseworker's notes).

A hook is a plain function. Hooks run in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Case, Participant


class HookList:
    """An ordered list of functions the core calls at one moment; registered at start-up."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._hooks: list[Callable] = []

    def register(self, hook: Callable) -> Callable:
        if hook not in self._hooks:  # ready() may run twice in tests that reload apps
            self._hooks.append(hook)
        return hook

    def __iter__(self):
        return iter(list(self._hooks))

    def __repr__(self) -> str:
        return f"<HookList {self.name}: {[f'{h.__module__}.{h.__qualname__}' for h in self._hooks]}>"


@dataclass
class CasePage:
    """What the case page's hooks are given: who asks, which case, its participants (read once for the
    whole page, with their links), and what a failed form post wants shown again."""

    request: HttpRequest
    case: Case
    participants: list[Participant]
    extra: dict = field(default_factory=dict)

    @property
    def form_asked(self) -> str:
        """The form of a rarely used action asked for with ``?form=<name>`` (see ``asks_for``)."""
        return self.request.GET.get("form", "")

    def asks_for(self, name: str) -> bool:
        """Forms of rarely used actions (a note, a file, a reassignment, ...) are drawn only when asked
        for, through a link on the case page (``?form=<name>``), or when they come back with an error:
        drawing every one of them on every visit was most of the page's cost."""
        return self.form_asked == name


case_changed = HookList("case_changed")
case_page = HookList("case_page")
case_page_query = HookList("case_page_query")
case_list_page = HookList("case_list_page")
event_recorded = HookList("event_recorded")
case_search = HookList("case_search")


def notify_case_changed(case: Case) -> None:
    """Tell every app above that ``case`` changed (inside the service's transaction)."""
    for hook in case_changed:
        hook(case)


def notify_event_recorded(event) -> None:
    """Tell every app above of a new line on a case's timeline (inside the service's transaction)."""
    for hook in event_recorded:
        hook(event)


def case_page_context(page: CasePage) -> dict:
    context: dict = {}
    for hook in case_page:
        context.update(hook(page))
    return context


def case_page_queryset(cases: QuerySet[Case]) -> QuerySet[Case]:
    for hook in case_page_query:
        cases = hook(cases)
    return cases


def case_list_context(request: HttpRequest) -> dict:
    context: dict = {}
    for hook in case_list_page:
        context.update(hook(request))
    return context


def case_search_matches(*, user, value: str) -> list[QuerySet]:
    """What the ``case_search`` hooks find for ``value``: querysets of ``case_id`` values."""
    return [hook(user=user, value=value) for hook in case_search]
