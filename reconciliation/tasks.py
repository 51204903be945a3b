"""Celery tasks of the program. They take ids (or nothing), never objects, and call services."""

from celery import shared_task

from . import dispatch


@shared_task(name="reconciliation.dispatch_due_reminders", ignore_result=True)
def dispatch_due_reminders() -> str:
    """Send the reminders that are due. Run by beat every minute, and queued on commit when one is due at once."""
    return str(dispatch.reminders_dispatch())
