"""The audit history: who changed what, and when (django-simple-history).

Each audited model (a case, its participants and personal links, its plans and sign-offs, shifts,
meeting and commitments) has a ``history`` of ``HistoricalRecords``: every save writes a copy of the
row to its own history table with the date, the kind of change (``+`` created, ``~`` changed, ``-``
deleted) and who did it:

- ``history_user``: the staff member logged in (``HistoryRequestMiddleware`` hands the request to
  simple-history), in the app and in the admin alike;
- ``history_participant``: the participant of the personal link, for a change made in the portal
  (``portal.access.participant_view`` puts them on the request; ``_participant_of_the_request``
  copies them onto the history row);
- neither: the system (the reminders' dispatcher, management commands).

Staff accounts have a history too (``register_staff_access_history``): their groups, permissions,
staff, superuser and active flags, never their password hash. Nothing in the app writes or
deletes history rows except ``cases.privacy``, which anonymises an erased participant's data in
them as well (an erase that left the old values in the history would be no erase).
"""

import simple_history
from django.contrib.auth import get_user_model
from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class ParticipantActed(models.Model):
    """The history rows' "who" when it is a participant acting through their personal link."""

    history_participant = models.ForeignKey(
        "cases.Participant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        help_text="The participant who made the change through their personal link.",
    )

    class Meta:
        abstract = True


def audited(**options) -> HistoricalRecords:
    """The ``history`` of an audited model of a case."""
    return HistoricalRecords(bases=[ParticipantActed], **options)


@receiver(pre_create_historical_record)
def _participant_of_the_request(sender, history_instance, **kwargs) -> None:
    request = getattr(HistoricalRecords.context, "request", None)
    participant = getattr(request, "participant", None)
    if participant is not None and hasattr(history_instance, "history_participant_id"):
        history_instance.history_participant_id = participant.pk


# ---------------------------------------------------------------- staff accounts

# What a staff account's history leaves out: the password hash (a secret) and the time of the
# last login (a save on every login, which changes nothing of what someone may do).
STAFF_UNTRACKED_FIELDS = ("password", "last_login")
STAFF_M2M_FIELDS = ("groups", "user_permissions")


class StaffAccessHistory(HistoricalRecords):
    """A staff account's history, without a row for each login."""

    def post_save(self, instance, created, using=None, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(STAFF_UNTRACKED_FIELDS):
            return
        super().post_save(instance, created, using=using, **kwargs)


def register_staff_access_history() -> None:
    """Give the user model a ``history``, kept in the cases app (where the roles are)."""
    simple_history.register(
        get_user_model(),
        app="cases",
        records_class=StaffAccessHistory,
        excluded_fields=list(STAFF_UNTRACKED_FIELDS),
        m2m_fields=list(STAFF_M2M_FIELDS),
    )
