"""A form is handled once however often it is sent: the second post of a double click leads where
the first led, and creates or sends nothing more."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from cases.models import Case
from compassion.models import SentForm
from compassion.once import FIELD
from referrals.models import Referral
from tests.cases.test_intake import INTAKE_URL, intake_post
from tests.referrals.test_public_form import REFER_URL, THANKS_URL, referral_post

TOKEN = re.compile(
    r'name="csrfmiddlewaretoken" value="[^"]*"><input type="hidden" name="' + FIELD + r'" value="([^"]+)">'
)


def tokens(client, url) -> list[str]:
    return TOKEN.findall(client.get(url).content.decode())


def test_every_form_on_a_page_gets_its_own_one_time_token(caseworker_client):
    first, second = tokens(caseworker_client, INTAKE_URL), tokens(caseworker_client, INTAKE_URL)

    assert first
    assert len(set(first)) == len(first)
    assert not set(first) & set(second)  # drawn anew for every page


def test_opening_a_case_twice_with_one_token_opens_one_case_and_both_answers_lead_to_it(caseworker_client):
    token = tokens(caseworker_client, INTAKE_URL)[-1]
    data = intake_post(**{FIELD: token})

    first = caseworker_client.post(INTAKE_URL, data)
    second = caseworker_client.post(INTAKE_URL, data)

    assert Case.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == Case.objects.get().get_absolute_url()


def test_a_double_tap_on_the_referral_form_sends_one_referral(client, db, mailoutbox):
    token = tokens(client, REFER_URL)[-1]
    data = referral_post(**{FIELD: token})

    for _ in range(2):
        response = client.post(REFER_URL, data)
        assert response.status_code == 302
        assert response["Location"] == THANKS_URL

    assert Referral.objects.count() == 1


def test_a_new_page_sends_again(caseworker_client):
    for _ in range(2):
        token = tokens(caseworker_client, INTAKE_URL)[-1]
        caseworker_client.post(INTAKE_URL, intake_post(**{FIELD: token}))

    assert Case.objects.count() == 2


def test_a_second_post_of_a_form_whose_answer_was_a_page_goes_back_with_a_note(caseworker_client):
    token = tokens(caseworker_client, INTAKE_URL)[-1]
    refused = intake_post(**{FIELD: token, "customer-name": ""})

    assert caseworker_client.post(INTAKE_URL, refused).status_code == 200
    again = caseworker_client.post(INTAKE_URL, refused, HTTP_REFERER="http://testserver" + INTAKE_URL, follow=True)

    assert again.redirect_chain == [("http://testserver" + INTAKE_URL, 302)]
    assert "This was already sent a moment ago" in again.content.decode()
    assert Case.objects.count() == 0


def test_a_post_without_a_token_is_handled_as_before(caseworker_client):
    caseworker_client.post(INTAKE_URL, intake_post())
    caseworker_client.post(INTAKE_URL, intake_post())

    assert Case.objects.count() == 2
    assert not SentForm.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_open_one_case(caseworker):
    page = Client()
    page.force_login(caseworker)
    token = tokens(page, INTAKE_URL)[-1]
    data = intake_post(**{FIELD: token})
    answers, start = [], threading.Barrier(2)

    def send():
        client = Client()
        client.force_login(caseworker)
        start.wait()
        try:
            answers.append(client.post(INTAKE_URL, data)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Case.objects.count() == 1
    assert answers == [Case.objects.get().get_absolute_url()] * 2
