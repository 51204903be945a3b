"""Personal links: random tokens, stored only as hashes, expiring and revocable."""

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from cases import links, services
from cases.models import AccessLink, Case, CaseEvent, Participant


def customer_of(case) -> Participant:
    return case.participants.get(role=Participant.Role.CUSTOMER)


def test_a_link_resolves_to_its_participant_and_records_its_use(case, caseworker):
    link, token = links.link_issue(participant=customer_of(case), by=caseworker)

    resolved = links.link_resolve(token)

    assert resolved == link
    assert resolved.participant == customer_of(case)
    links.link_mark_used(resolved)
    assert AccessLink.objects.get(pk=link.pk).last_used_at is not None


def test_the_token_is_long_random_and_never_stored_in_clear(case, caseworker):
    link, token = links.link_issue(participant=customer_of(case), by=caseworker)
    _other_link, other = links.link_issue(participant=customer_of(case), by=caseworker)

    assert len(token) >= 43  # 32 bytes, url-safe base64
    assert token != other
    stored = AccessLink.objects.values_list("token_hash", flat=True)
    assert token not in stored
    assert link.token_hash == links.token_hash(token)


def test_an_expired_link_no_longer_works(case, caseworker, settings):
    settings.ACCESS_LINK_DAYS = 30
    _link, token = links.link_issue(participant=customer_of(case), by=caseworker)

    with time_machine.travel(timezone.now() + timezone.timedelta(days=31)):
        assert links.link_resolve(token) is None


def test_revoked_links_no_longer_work(case, caseworker):
    _link, token = links.link_issue(participant=customer_of(case), by=caseworker)

    links.links_revoke(participant=customer_of(case), by=caseworker)

    assert links.link_resolve(token) is None


def test_renewing_revokes_the_old_link(case, caseworker):
    _old, old_token = links.link_issue(participant=customer_of(case), by=caseworker)
    _new, new_token = links.link_issue(participant=customer_of(case), by=caseworker, replace=True)

    assert links.link_resolve(old_token) is None
    assert links.link_resolve(new_token) is not None
    assert "renewed" in case.events.filter(kind=CaseEvent.Kind.LINK).first().message


def test_wrong_tokens_resolve_to_nothing(db):
    assert links.link_resolve("not-a-token") is None
    assert links.link_resolve("") is None
    assert links.link_resolve("x" * 5000) is None


@pytest.mark.parametrize("action", ["withdraw", "close"])
def test_ending_a_case_revokes_every_link_and_the_portal_says_the_program_has_ended(
    client, case, caseworker, action
):
    _link, token = links.link_issue(participant=customer_of(case), by=caseworker)
    links.link_issue(participant=customer_of(case), by=caseworker)  # a second one, e-mailed say

    services.case_change_status(case=case, action=action, reason="The customer moved away.", by=caseworker)

    assert not AccessLink.objects.filter(participant__case=case, revoked_at__isnull=True).exists()
    assert case.events.filter(message__endswith="Personal links revoked: 2.").exists()
    response = client.get(links.portal_path(token))
    assert response.status_code == 410
    assert "The program has ended for this case." in response.content.decode()
    assert case.reference not in response.content.decode()
    assert settings.PLI_CONTACT_PHONE in response.content.decode()


def test_a_link_of_an_ended_case_opens_nothing_even_if_it_was_never_revoked(case, caseworker):
    _link, token = links.link_issue(participant=customer_of(case), by=caseworker)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)  # as rows from before this rule

    assert links.link_resolve(token) is None
