"""What notifications add to the staff pages of the core (registered in ``apps.py``)."""

from django.http import HttpRequest
from django.utils import timezone

from cases.hooks import CasePage

from . import selectors
from .services import LINK_EMAIL_RECENT

FAILED_SHOWN = 10  # failed reminders listed above the case list


def case_page_reminders(page: CasePage) -> dict:
    """The case page's reminders section; and, on each participant, the personal-link e-mail last
    asked for them (``link_email``) and whether it was a moment ago (``link_email_recent``): the
    page shows "being sent" at once, and offers "Send again" rather than a silent second press."""
    reminders = selectors.case_reminders(page.case, participants=page.participants)
    since = timezone.now() - LINK_EMAIL_RECENT
    for person in page.participants:
        person.link_email = reminders.link_emails.get(person.pk)
        person.link_email_recent = (
            person.link_email is not None
            and person.link_email.state != person.link_email.State.FAILED
            and person.link_email.due_at >= since
        )
    return {"reminders": reminders}


def case_list_failed_reminders(request: HttpRequest) -> dict:
    """The failed reminders above the case list: the latest few, and how many in all."""
    failed = list(selectors.failed_reminders_for(request.user, counted=True)[:FAILED_SHOWN])
    return {
        "failed_reminders": failed,
        "failed_total": failed[0].total if failed else 0,
        "failed_shown": FAILED_SHOWN,
    }
