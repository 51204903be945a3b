"""Anonymise the participants of cases kept past the retention period (RETENTION_DAYS)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from privacy import services as privacy


class Command(BaseCommand):
    help = (
        "Anonymise every participant of the cases kept past the retention period: closed cases whose "
        "closing is older than RETENTION_DAYS (now %(days)s days), and withdrawn cases without any "
        "activity for as long. Names become 'Erased participant N', e-mail addresses and phones go, "
        "what they wrote is blanked, in the rows and in the audit history; the cases' steps, statuses, "
        "dates and hours stay for the reports. Participants already anonymised are left as they are, so "
        "running it again does nothing more. Run it daily (cron or a systemd timer). It prints counts, "
        "never names."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        self.help = self.help % {"days": settings.RETENTION_DAYS}
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many cases and participants would be anonymised, and change nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        result = privacy.purge_expired(now=timezone.now(), dry_run=dry_run)
        cutoff = f"{timezone.localtime(result.cutoff):%Y-%m-%d}"
        verb = "would be anonymised (dry run: nothing changed)" if dry_run else "anonymised"
        self.stdout.write(
            f"purge_expired: retention {settings.RETENTION_DAYS} days (closed, or withdrawn and untouched, "
            f"before {cutoff}): {result.cases} case(s), {result.participants} participant(s) {verb}."
        )
