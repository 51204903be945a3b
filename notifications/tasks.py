"""Celery tasks of the program. They take ids (or nothing), never objects, and call services."""

from celery import shared_task

from . import dispatch
from .reminders import DISPATCH_TASK


@shared_task(name=DISPATCH_TASK, ignore_result=True)
def dispatch_due_reminders() -> str:
    """Send the reminders that are due. Run by beat every minute, and queued on commit when one is due at once."""
    return str(dispatch.reminders_dispatch())
