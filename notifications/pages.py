"""What notifications add to the staff pages of the core (registered in ``apps.py``)."""

from django.http import HttpRequest

from cases.hooks import CasePage

from . import selectors

FAILED_SHOWN = 10  # failed reminders listed above the case list


def case_page_reminders(page: CasePage) -> dict:
    """The case page's reminders section."""
    return {"reminders": selectors.case_reminders(page.case)}


def case_list_failed_reminders(request: HttpRequest) -> dict:
    """The failed reminders above the case list: the latest few, and how many in all."""
    failed = list(selectors.failed_reminders_for(request.user, counted=True)[:FAILED_SHOWN])
    return {
        "failed_reminders": failed,
        "failed_total": failed[0].total if failed else 0,
        "failed_shown": FAILED_SHOWN,
    }
