"""Reads for the audit pages: the history of one case, and of staff accounts' access.

Both pages run the same number of queries whatever the number of history rows: the rows of a
page are picked by one UNION over the history tables (newest first), then each table's rows of
that page are read in one query with the version before each of them in one more, and the names
shown (staff, participants, plan versions) in one query each. What changed is worked out in
Python from each row and the one before it (``changes_between``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.utils import timezone

from cases.history import STAFF_M2M_FIELDS
from cases.models import AccessLink, Case, Participant
from casework.models import Note
from compassion.people import staff_name
from reconciliation.models import Commitment, PlanSignoff, ReconciliationPlan, RestorativeMeeting, RoleSwapShift

PAGE_SIZE = 50
TEXT_SHOWN = 300  # characters of a long text shown in a change
# Stamped on every save (the row's date says the same), or the case itself, on the case's page.
NOT_SHOWN = {"updated_at", "case"}
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}

User = get_user_model()


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class AuditEntry:
    when: datetime
    who: str
    via_link: bool  # made by a participant through their personal link
    what: str
    action: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""


# ---------------------------------------------------------------- changes


def changes_between(record, previous, *, users: dict[int, str]) -> list[Change]:
    """What differs from ``previous`` (None: everything the row holds) to ``record``.

    Its own comparison rather than simple-history's ``diff_against``, which leaves out fields
    that are not editable in forms (a participant's ``erased_at``, a link's ``created_at``).
    """
    changes = []
    for tracked in type(record).tracked_fields:
        if tracked.primary_key or tracked.name in NOT_SHOWN:
            continue
        new = getattr(record, tracked.attname)
        old = getattr(previous, tracked.attname) if previous is not None else None
        if previous is None and new in (None, ""):
            continue
        if previous is not None and _same(old, new):
            continue
        original = record.instance_type._meta.get_field(tracked.name)
        changes.append(
            Change(
                field=str(original.verbose_name),
                old=shown(original, old, users=users) if previous is not None else "",
                new=shown(original, new, users=users),
            )
        )
    return changes


def _same(old, new) -> bool:
    # A form saves times to the second: a row saved again from the admin loses its microseconds.
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old.replace(microsecond=0) == new.replace(microsecond=0)
    return old == new


def shown(original: models.Field, value, *, users: dict[int, str]) -> str:
    """A value as a person reads it: choices by their label, staff by their name, dates local."""
    if value is None or value == "":
        return "—"
    if original.choices:
        return str(dict(original.flatchoices).get(value, value))
    if isinstance(original, models.ForeignKey):
        if original.related_model is User:
            return users.get(value, f"staff #{value}")
        return f"#{value}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"


def _user_fk_values(records: list) -> set[int]:
    ids = set()
    for record in records:
        for tracked in type(record).tracked_fields:
            original = record.instance_type._meta.get_field(tracked.name)
            if isinstance(original, models.ForeignKey) and original.related_model is User:
                value = getattr(record, tracked.attname)
                if value is not None:
                    ids.add(value)
    return ids


def _staff_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        user.pk: staff_name(user)
        for user in User.objects.filter(pk__in=ids).only("username", "first_name", "last_name")
    }


def _who(record) -> tuple[str, bool]:
    if record.history_user_id:
        user = record.history_user
        return staff_name(user), False
    participant = getattr(record, "history_participant", None)
    if participant is not None:
        return f"{participant.name} ({participant.get_role_display().lower()})", True
    return "System", False


# ---------------------------------------------------------------- paging over several history tables


def _page_of(sources: dict[str, QuerySet], page_number) -> tuple[Page, dict[str, list]]:
    """The page of history rows of ``sources`` (name: history queryset), newest first, and each
    source's rows of that page, read with who made them and the version before each."""
    keys = [
        queryset.order_by()  # history tables are ordered by date: no ORDER BY inside a UNION
        .annotate(source=Value(name, output_field=CharField()))
        .values_list("source", "history_id", "history_date")
        for name, queryset in sources.items()
    ]
    combined = keys[0].union(*keys[1:], all=True) if len(keys) > 1 else keys[0]
    page = Paginator(combined.order_by("-history_date", "-history_id"), PAGE_SIZE).get_page(page_number)
    wanted: dict[str, list[int]] = defaultdict(list)
    for source, history_id, _date in page.object_list:
        wanted[source].append(history_id)
    rows: dict[str, list] = {}
    for source, ids in wanted.items():
        model = sources[source].model
        related = ["history_user"] + (["history_participant"] if hasattr(model, "history_participant") else [])
        before = model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
        records = list(
            model.objects.filter(history_id__in=ids)
            .select_related(*related)
            .annotate(previous_id=Subquery(before.values("history_id")[:1]))
        )
        previous = model.objects.in_bulk([r.previous_id for r in records if r.previous_id])
        for record in records:
            record.previous = previous.get(record.previous_id)
        rows[source] = records
    return page, rows


def _in_page_order(page: Page, rows: dict[str, list]) -> list:
    by_key = {(source, record.history_id): record for source, records in rows.items() for record in records}
    return [(source, by_key[(source, history_id)]) for source, history_id, _date in page.object_list]


# ---------------------------------------------------------------- a case


def case_history_sources(case: Case) -> dict[str, QuerySet]:
    """The history rows of a case and of every row that belongs to it, by kind."""
    participant_ids = Participant.history.filter(case_id=case.pk).values("id")
    plan_ids = ReconciliationPlan.history.filter(case_id=case.pk).values("id")
    return {
        "case": Case.history.filter(id=case.pk),
        "participant": Participant.history.filter(case_id=case.pk),
        "link": AccessLink.history.filter(participant_id__in=participant_ids),
        "plan": ReconciliationPlan.history.filter(case_id=case.pk),
        "signoff": PlanSignoff.history.filter(plan_id__in=plan_ids),
        "shift": RoleSwapShift.history.filter(case_id=case.pk),
        "meeting": RestorativeMeeting.history.filter(case_id=case.pk),
        "commitment": Commitment.history.filter(case_id=case.pk),
        "note": Note.history.filter(case_id=case.pk),
    }


def case_history_page(case: Case, *, page: str | int | None) -> tuple[Page, list[AuditEntry]]:
    """One page of everything recorded about a case's rows, newest first, with what changed."""
    page_obj, rows = _page_of(case_history_sources(case), page)
    records = [record for records in rows.values() for record in records]
    everyone = records + [r.previous for r in records if r.previous is not None]
    users = _staff_names(_user_fk_values(everyone))
    people = dict(Participant.objects.filter(case=case).values_list("pk", "name"))
    versions = dict(ReconciliationPlan.objects.filter(case=case).values_list("pk", "version"))
    entries = []
    for source, record in _in_page_order(page_obj, rows):
        who, via_link = _who(record)
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=who,
                via_link=via_link,
                what=_what(source, record, people=people, versions=versions),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=[] if record.history_type == "-" else changes_between(record, record.previous, users=users),
            )
        )
    return page_obj, entries


def _what(source: str, record, *, people: dict[int, str], versions: dict[int, int]) -> str:
    if source == "case":
        return f"Case {record.reference}"
    if source == "participant":
        return f"Participant {record.name} ({record.get_role_display().lower()})"
    if source == "link":
        return f"Personal link of {people.get(record.participant_id, f'participant #{record.participant_id}')}"
    if source == "plan":
        return f"Plan version {record.version}"
    if source == "signoff":
        person = people.get(record.participant_id, f"participant #{record.participant_id}")
        return f"Sign-off of plan version {versions.get(record.plan_id, '?')} by {person}"
    if source == "shift":
        return f"Role-swap shift of {timezone.localtime(record.starts_at):%Y-%m-%d %H:%M}"
    if source == "meeting":
        return "Restorative meeting"
    if source == "note":
        return f"{Note.Kind(record.kind).label} of {timezone.localtime(record.happened_at):%Y-%m-%d %H:%M}"
    return "Commitments"


# ---------------------------------------------------------------- staff accounts


def staff_history_model():
    return apps.get_model("cases", "HistoricalUser")


def staff_history_page(*, page: str | int | None) -> tuple[Page, list[AuditEntry]]:
    """One page of changes to staff accounts (groups, permissions, staff, superuser and active
    flags, names), newest first."""
    history = staff_history_model()
    page_obj, rows = _page_of({"user": history.objects.all()}, page)
    records = rows.get("user", [])
    ids = [r.history_id for r in records] + [r.previous.history_id for r in records if r.previous is not None]
    members = _m2m_of(ids)
    users = _staff_names(_user_fk_values(records))
    entries = []
    for _source, record in _in_page_order(page_obj, rows):
        who, _via_link = _who(record)
        changes = [] if record.history_type == "-" else changes_between(record, record.previous, users=users)
        for name in STAFF_M2M_FIELDS:
            now = members[name].get(record.history_id, set())
            before = members[name].get(record.previous.history_id, set()) if record.previous else set()
            if record.previous is None and not now:
                continue
            if now != before:
                label = str(User._meta.get_field(name).verbose_name)
                old, new = ", ".join(sorted(before)) or "—", ", ".join(sorted(now)) or "—"
                changes.append(Change(field=label, old=old, new=new))
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=who,
                via_link=False,
                what=f"Staff account {record.username}",
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
                note="" if changes else "Nothing recorded changed (for example, a new password).",
            )
        )
    return page_obj, entries


def _m2m_of(history_ids: list[int]) -> dict[str, dict[int, set[str]]]:
    """The groups and permissions each staff history row recorded: one query each."""
    groups = apps.get_model("cases", "HistoricalUser_groups")
    permissions = apps.get_model("cases", "HistoricalUser_user_permissions")
    out: dict[str, dict[int, set[str]]] = {name: defaultdict(set) for name in STAFF_M2M_FIELDS}
    for history_id, name in groups.objects.filter(history_id__in=history_ids).values_list("history_id", "group__name"):
        out["groups"][history_id].add(name)
    for history_id, app_label, codename in permissions.objects.filter(history_id__in=history_ids).values_list(
        "history_id", "permission__content_type__app_label", "permission__codename"
    ):
        out["user_permissions"][history_id].add(f"{app_label}.{codename}")
    return out
