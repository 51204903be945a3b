"""Make a staff account a supervisor: the first account after `createsuperuser`, or a later one."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.roles import SUPERVISOR_GROUP


class Command(BaseCommand):
    help = (
        "Make an existing account a supervisor: it joins the supervisor group (sees every case, "
        "assigns cases, approves safety gates, can be chosen as a case's caseworker) and gets "
        "access to the admin. Create the account first, for example with createsuperuser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the account's username")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No account with the username {username!r}: create it first.") from None
        group, _ = Group.objects.get_or_create(name=SUPERVISOR_GROUP)
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        self.stdout.write(self.style.SUCCESS(f"{username} is a supervisor."))
