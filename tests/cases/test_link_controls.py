"""The caseworker's controls for personal links on the case page: issue, e-mail, revoke."""

from django.contrib.sessions.models import Session
from django.urls import reverse

from cases import links
from cases.models import AccessLink, CaseEvent, Participant


def control(client, case, participant, action, **kwargs):
    return client.post(
        reverse("cases:participant_link", args=[case.reference, participant.pk, action]), follow=True, **kwargs
    )


def customer_of(case) -> Participant:
    return case.participants.get(role="customer")


def test_issuing_shows_the_new_link_once_and_it_opens_the_portal(caseworker_client, case):
    first = control(caseworker_client, case, customer_of(case), "issue").content.decode()
    again = caseworker_client.get(case.get_absolute_url()).content.decode()

    url = first.split('id="issued-link" rows="3" readonly autofocus>')[1].split("<")[0]
    assert "/p/" in url
    assert url not in again
    assert caseworker_client.get(url.replace("http://testserver", "")).status_code == 200


def test_the_new_link_is_kept_nowhere_on_the_server(caseworker_client, case):
    """A copy of the database (sessions included) opens no portal page."""
    page = control(caseworker_client, case, customer_of(case), "issue").content.decode()
    token = page.split('id="issued-link" rows="3" readonly autofocus>')[1].split("<")[0].rsplit("/p/", 1)[1]
    token = token.strip("/").split("/")[0]

    sessions = " ".join(Session.objects.values_list("session_data", flat=True))
    decoded = " ".join(str(session.get_decoded()) for session in Session.objects.all())
    assert token not in sessions
    assert token not in decoded


def test_e_mailing_a_link_sends_a_fresh_one_and_says_so_on_the_timeline(
    caseworker_client, case, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = control(caseworker_client, case, customer_of(case), "email")

    assert "on its way to" in response.content.decode()
    assert len(mailoutbox) == 1
    assert customer_of(case).email in mailoutbox[0].to[0]
    token = mailoutbox[0].body.split("/p/")[1].split("/")[0]
    assert links.link_resolve(token).participant == customer_of(case)
    assert case.events.filter(kind=CaseEvent.Kind.LINK, message__contains="e-mailed").exists()


def test_a_participant_without_an_e_mail_address_gets_no_e_mail_and_the_reason_is_shown(caseworker_client, case):
    Participant.objects.filter(pk=customer_of(case).pk).update(email="")

    response = control(caseworker_client, case, customer_of(case), "email")

    assert "has no e-mail address" in response.content.decode()
    assert not AccessLink.objects.exists()


def test_revoking_stops_every_link_of_the_participant(caseworker_client, case, caseworker):
    _link, token = links.link_issue(participant=customer_of(case), by=caseworker)

    control(caseworker_client, case, customer_of(case), "revoke")

    assert links.link_resolve(token) is None


def test_another_caseworker_cannot_touch_the_links(client, outsider_caseworker, case):
    client.force_login(outsider_caseworker)

    for action in ("issue", "email", "revoke"):
        assert control(client, case, customer_of(case), action).status_code == 404
    assert not AccessLink.objects.exists()
