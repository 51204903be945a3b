from django.core.management.base import BaseCommand

from notifications.dispatch import reminders_dispatch


class Command(BaseCommand):
    help = (
        "Send the reminders and notifications that are due now, once: the same pass Celery beat runs "
        "every minute. Safe to run while workers run (each reminder is sent once). Prints what happened."
    )

    def handle(self, *args, **options) -> None:
        result = reminders_dispatch()
        self.stdout.write(f"Reminders: {result}.")
