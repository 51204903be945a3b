"""Celery: webhook deliveries, queued on commit and by beat every minute (the retries)."""

from celery import shared_task

from . import webhooks


@shared_task(name=webhooks.DELIVER_TASK, ignore_result=True)
def deliver_webhooks() -> str:
    """Send the webhook deliveries that are due."""
    return str(webhooks.deliveries_send())
