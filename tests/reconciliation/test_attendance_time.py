"""Time worked on a shift: typed as hours and minutes, kept in whole minutes, checked against the
shift's real length, recorded once the shift has ended, and said in plain words."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from cases import links
from compassion.durations import duration
from reconciliation import services, workflow
from reconciliation.models import RoleSwapShift

from .journey import person, propose_shift, soon, walk_to_role_swap


def confirmed(case, by, *, start=24, minutes=15):
    shift = propose_shift(case, by, start=start, end=start + minutes / 60)
    services.shift_confirm(shift=shift, by=by)
    return shift


@pytest.mark.parametrize(
    ("minutes", "english", "spanish"),
    [
        (15, "15 minutes", "15 minutos"),
        (60, "1 hour", "1 hora"),
        (61, "1 hour 1 minute", "1 hora y 1 minuto"),
        (90, "1 hour 30 minutes", "1 hora y 30 minutos"),
        (480, "8 hours", "8 horas"),
    ],
)
def test_a_duration_is_said_in_plain_words_in_both_languages(minutes, english, spanish):
    assert duration(minutes) == english
    with translation.override("es"):
        assert duration(minutes) == spanish


def test_more_than_a_fifteen_minute_shift_is_refused_in_plain_numbers(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    shift = confirmed(open_case, caseworker, minutes=15)

    with time_machine.travel(soon(25)):
        with pytest.raises(workflow.WorkflowError) as refused:
            services.shift_record_attendance(shift=shift, attended=True, minutes=60, by=caseworker)
        assert str(refused.value.messages[0]) == (
            "The time worked must be more than nothing and at most the shift's length, 15 minutes."
        )
        shift.refresh_from_db()
        assert (shift.state, shift.minutes_attended) == (RoleSwapShift.State.CONFIRMED, None)

        services.shift_record_attendance(shift=shift, attended=True, minutes=15, by=caseworker)
    shift.refresh_from_db()
    assert (shift.state, shift.minutes_attended) == (RoleSwapShift.State.ATTENDED, 15)
    assert open_case.events.filter(message__contains="attended, 15 minutes.").exists()


def test_time_worked_waits_for_the_shifts_end_but_a_no_show_can_be_said_from_its_start(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    worked = confirmed(open_case, caseworker, start=24, minutes=240)
    missed = confirmed(open_case, caseworker, start=48, minutes=240)

    with time_machine.travel(soon(24) + (soon(1) - soon(0)) / 60):  # one minute into the shift
        with pytest.raises(workflow.WorkflowError, match="once the shift has ended, at"):
            services.shift_record_attendance(shift=worked, attended=True, minutes=240, by=caseworker)
    with time_machine.travel(soon(48.1)):
        services.shift_record_attendance(shift=missed, attended=False, by=caseworker)
    with time_machine.travel(soon(28)):
        services.shift_record_attendance(shift=worked, attended=True, minutes=240, by=caseworker)

    worked.refresh_from_db()
    missed.refresh_from_db()
    assert (worked.state, missed.state) == (RoleSwapShift.State.ATTENDED, RoleSwapShift.State.NO_SHOW)


def test_three_twenty_minute_shifts_make_exactly_one_hour(open_case, caseworker):
    walk_to_role_swap(open_case, caseworker, role_swap_hours=Decimal(1))
    shifts = [confirmed(open_case, caseworker, start=start, minutes=20) for start in (24, 48, 72)]

    with time_machine.travel(soon(80)):
        for shift in shifts:
            services.shift_record_attendance(shift=shift, attended=True, minutes=20, by=caseworker)

    open_case.refresh_from_db()
    assert open_case.step == open_case.Step.MEETING


def test_the_case_page_takes_hours_and_minutes_and_shows_them_in_words(caseworker_client, open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    shift = confirmed(open_case, caseworker, minutes=120)
    act = reverse("reconciliation:act", args=[open_case.reference, "shift-attendance"])

    with time_machine.travel(soon(27)):
        response = caseworker_client.post(
            act, {"shift": shift.pk, "attended": "yes", "hours": "1.5", "minutes": ""}, follow=True
        )
        assert "Enter a whole number." in response.content.decode()
        caseworker_client.post(act, {"shift": shift.pk, "attended": "yes", "hours": "1", "minutes": "45"})
        page = caseworker_client.get(open_case.get_absolute_url()).content.decode()

    shift.refresh_from_db()
    assert shift.minutes_attended == 105
    assert "Attended: 1 hour 45 minutes." in page


def test_the_business_records_minutes_in_its_own_language(client, open_case, caseworker):
    walk_to_role_swap(open_case, caseworker)
    shift = confirmed(open_case, caseworker, minutes=30)
    business = person(open_case, "business")
    business.preferred_language = "es"
    business.save()
    _link, token = links.link_issue(participant=business, by=None)
    page = reverse("portal:shifts", kwargs={"token": token})

    with time_machine.travel(soon(25)):
        response = client.post(
            page, {"action": "attendance", "shift": shift.pk, "attended": "yes", "hours": "1", "minutes": "0"}
        )
        assert "como máximo lo que dura el turno, 30 minutos" in response.content.decode()
        client.post(page, {"action": "attendance", "shift": shift.pk, "attended": "yes", "hours": "0", "minutes": "30"})

    shift.refresh_from_db()
    assert shift.minutes_attended == 30
