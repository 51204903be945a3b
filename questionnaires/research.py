"""What questionnaires give to research: figures before and after, and the answers for the export.

Only answers of people whose research consent stands now are read here; everyone else's
answers serve their own case only. Free-text answers never leave. Any figure, and any export
cell, drawn from fewer than ``RESEARCH_MIN_CELL`` people is suppressed, with a note saying why.

Before and after: a person's first answer at a "before" moment (before the reflection, before
the plan) and their first at an "after" moment (after the meeting, at completion), to the same
question (its key, which stays across versions). A person counts in the date range when their
"after" answer was given in it.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Participant

from .models import AFTER_MOMENTS, BEFORE_MOMENTS, Answer, Invitation, Question

SCALES = (Question.Kind.SCALE_5, Question.Kind.SCALE_10)


def min_cell() -> int:
    return settings.RESEARCH_MIN_CELL


def suppressed_note() -> str:
    return str(_("Fewer than %(n)s people: not shown, so that nobody can be recognised.") % {"n": min_cell()})


def consented(prefix: str = "invitation__participant__") -> Q:
    """Answers (or invitations, with ``prefix``) of people whose yes to research stands now."""
    return Q(**{f"{prefix}research_consent__agreed": True})


def _latest_questions(keys) -> dict[str, Question]:
    """The latest wording of each question key (a later version may have reworded it)."""
    latest: dict[str, Question] = {}
    for question in (
        Question.objects.filter(key__in=set(keys))
        .select_related("version__questionnaire")
        .order_by("key", "-version__number")
    ):
        latest.setdefault(question.key, question)
    return latest


# ---------------------------------------------------------------- before and after


@dataclass(frozen=True)
class Change:
    questionnaire: str
    question: str
    low: int
    high: int
    role: str
    role_label: str
    people: int
    before: float | None
    after: float | None
    position: int = 0

    @property
    def suppressed(self) -> bool:
        return self.people < min_cell()

    @property
    def change(self) -> float | None:
        if self.suppressed or self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


def before_after(cases: QuerySet[Case], *, since: datetime, until: datetime) -> list[Change]:
    """Each scale question's mean before and after, by role, for people who answered both (see the module).

    Two queries whatever the number of answers: the grouped figures, and the questions' wording.
    """
    same_question = {
        "invitation__participant": OuterRef("invitation__participant"),
        "question__key": OuterRef("question__key"),
        "number__isnull": False,
        "invitation__state": Invitation.State.ANSWERED,
    }
    before = (
        Answer.objects.filter(**same_question, invitation__moment__in=BEFORE_MOMENTS)
        .order_by("invitation__answered_at", "pk")
        .values("number")[:1]
    )
    earlier_after = Answer.objects.filter(
        **same_question,
        invitation__moment__in=AFTER_MOMENTS,
        invitation__answered_at__lt=OuterRef("invitation__answered_at"),
    )
    rows = (
        Answer.objects.filter(
            consented(),
            invitation__case__in=cases.order_by().values("pk"),
            invitation__state=Invitation.State.ANSWERED,
            invitation__moment__in=AFTER_MOMENTS,
            invitation__answered_at__gte=since,
            invitation__answered_at__lt=until,
            question__kind__in=SCALES,
            number__isnull=False,
        )
        .annotate(before=Subquery(before), earlier=Exists(earlier_after))
        .filter(before__isnull=False, earlier=False)
        .values("question__key", role=F("invitation__participant__role"))
        .annotate(
            people=Count("invitation__participant", distinct=True),
            before_mean=Avg("before"),
            after_mean=Avg("number"),
        )
        .order_by()
    )
    rows = list(rows)
    questions = _latest_questions(row["question__key"] for row in rows)
    roles = list(Participant.Role.values)
    changes = []
    for row in rows:
        question = questions[row["question__key"]]
        low, high = question.scale_range
        hidden = row["people"] < min_cell()
        changes.append(
            Change(
                questionnaire=question.version.questionnaire.title,
                question=question.text,
                low=low,
                high=high,
                role=row["role"],
                role_label=str(Participant.Role(row["role"]).label),
                people=row["people"],
                before=None if hidden else round(row["before_mean"], 2),
                after=None if hidden else round(row["after_mean"], 2),
                position=question.position,
            )
        )
    changes.sort(key=lambda c: (c.questionnaire, c.position, roles.index(c.role)))
    return changes


# ---------------------------------------------------------------- the export


ANSWERS_HEADER = [
    "case",
    "person",
    "role",
    "moment",
    "questionnaire",
    "version",
    "question",
    "question_text",
    "kind",
    "answer",
    "people_in_cell",
    "note",
]


def answer_rows(cases: QuerySet[Case], *, case_pseudonym, person_pseudonym) -> Iterator[list]:
    """One row per answer to a scale or a choice, of people who agreed to research, pseudonymised.

    A cell (question, moment and role) answered by fewer than ``RESEARCH_MIN_CELL`` people has
    its answers left out, with a note. Free text never leaves. Rows come in pseudonym order.
    """
    answers = Answer.objects.filter(
        consented(),
        invitation__case__in=cases.order_by().values("pk"),
        invitation__state=Invitation.State.ANSWERED,
        question__kind__in=[*SCALES, Question.Kind.CHOICE],
    )
    sizes = {
        (row["question__key"], row["invitation__moment"], row["invitation__participant__role"]): row["people"]
        for row in answers.values("question__key", "invitation__moment", "invitation__participant__role")
        .annotate(people=Count("invitation__participant", distinct=True))
        .order_by()
    }
    rows = []
    for answer in answers.select_related("question__version__questionnaire", "invitation__participant").iterator(
        chunk_size=2000
    ):
        invitation, question = answer.invitation, answer.question
        people = sizes[(question.key, invitation.moment, invitation.participant.role)]
        hidden = people < min_cell()
        value = answer.number if answer.number is not None else answer.choice_label_en
        rows.append(
            [
                case_pseudonym(invitation.case_id),
                person_pseudonym(invitation.participant_id),
                invitation.participant.role,
                invitation.moment,
                question.version.questionnaire.title,
                question.version.number,
                question.key,
                question.text,
                question.kind,
                "" if hidden else value,
                people,
                suppressed_note() if hidden else "",
            ]
        )
    rows.sort(key=lambda row: (row[0], row[1], row[3], row[6]))
    yield from rows
