"""Webhooks: rows written with the change, delivered signed to a real receiver, retried, failed, logged."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api import services, webhooks
from api.models import WebhookDelivery, WebhookEvent
from cases import services as case_services
from cases.services import WorkflowError
from tests.factories import CaseFactory, full_case
from tests.reconciliation.journey import walk_to_plan

from .receiver import Receiver
from .test_referrals import REFERRAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def subscribed(receiver, supervisor, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    subscription = services.subscription_create(url=receiver.url, events=list(WebhookEvent.values), by=supervisor)
    receiver.secret = subscription.secret
    return subscription


def test_a_step_done_is_delivered_signed_with_ids_and_references_only(
    subscribed, receiver, caseworker, django_capture_on_commit_callbacks
):
    case = full_case(caseworker=caseworker)

    with django_capture_on_commit_callbacks(execute=True):
        walk_to_plan(case, caseworker)

    assert [hit["event"] for hit in receiver.received] == ["case.step_completed"]
    hit = receiver.received[0]
    assert hit["signed"]
    assert hit["body"]["data"] == {
        "case": {"id": case.pk, "reference": case.reference, "status": "open", "step": 2},
        "step": 1,
        "next_step": 2,
    }
    body = str(hit["body"])
    for person in case.participants.all():
        assert person.name not in body
        assert person.email not in body
    assert WebhookDelivery.objects.get().state == "sent"


def test_the_delivery_is_written_in_the_same_transaction_as_the_change(subscribed, caseworker, supervisor):
    case = CaseFactory(caseworker=caseworker)

    with transaction.atomic():
        case_services.case_change_status(case=case, action="withdraw", by=supervisor, reason="Moved away.")
        written = WebhookDelivery.objects.filter(event="case.withdrawn").exists()
        transaction.set_rollback(True)  # the change does not happen: nor does its delivery

    assert written
    assert not WebhookDelivery.objects.exists()


def test_a_receiver_that_answers_500_gets_it_again_later_and_then_it_is_sent(
    subscribed, receiver, caseworker, supervisor, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    case = CaseFactory(caseworker=caseworker)

    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_change_status(case=case, action="withdraw", by=supervisor, reason="Moved away.")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert webhooks.deliveries_send() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet: back-off
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert webhooks.deliveries_send()["sent"] == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert [hit["event"] for hit in receiver.received] == ["case.withdrawn", "case.withdrawn"]


def test_after_the_last_try_a_delivery_is_failed_and_the_log_says_so(subscribed, receiver, supervisor_client, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answers = [500, 503]
    webhooks.deliveries_write("referral.received", {"referral": {"id": 7}}, occurred_at=timezone.now())

    webhooks.deliveries_send()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        webhooks.deliveries_send()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("failed", 2, 503)
    page = supervisor_client.get(reverse("api:webhook_deliveries", args=[subscribed.pk])).content.decode()
    assert "Failed" in page
    assert "Referral 7" in page
    assert "1 failed" in supervisor_client.get(reverse("api:webhooks")).content.decode()


def test_a_referral_received_is_delivered(subscribed, receiver, caseworker_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        caseworker_api.post(reverse("api:referrals"), REFERRAL, format="json")

    assert list(receiver.received[0]["body"]["data"]) == ["referral"]
    assert receiver.received[0]["event"] == "referral.received"
    assert "Dana" not in str(receiver.received[0]["body"])


def test_a_webhook_to_a_private_address_or_to_the_app_itself_is_refused(supervisor, settings):
    settings.SITE_URL = "https://cases.example.org"
    settings.ALLOWED_HOSTS = ["cases.example.org"]
    for url, reason in [
        ("http://127.0.0.1:9000/hook", "private network"),
        ("http://10.0.0.8/hook", "private network"),
        ("https://cases.example.org/api/", "this app itself"),
        ("ftp://example.org/", "https://"),
    ]:
        with pytest.raises(WorkflowError, match=reason):
            services.subscription_create(url=url, events=["case.opened"], by=supervisor)


def test_in_production_a_webhook_must_use_https(supervisor, settings):
    settings.PRODUCTION = True
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True

    with pytest.raises(WorkflowError, match="https://"):
        services.subscription_create(url="http://127.0.0.1:9000/hook", events=["case.opened"], by=supervisor)


def test_a_supervisor_adds_a_webhook_on_its_page_and_sees_the_secret_once(supervisor_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    response = supervisor_client.post(
        reverse("api:webhooks"), {"url": "http://127.0.0.1:9/hook", "events": ["case.opened"]}
    )

    assert response.status_code == 200
    secret = response.context["new"].secret
    assert secret in response.content.decode()
    assert secret not in supervisor_client.get(reverse("api:webhooks")).content.decode()


def test_a_refused_webhook_address_keeps_what_was_typed(supervisor_client):
    response = supervisor_client.post(
        reverse("api:webhooks"), {"url": "http://192.168.1.5/hook", "events": ["case.opened"]}
    )

    assert response.status_code == 400
    assert "http://192.168.1.5/hook" in response.content.decode()


def test_webhooks_are_for_supervisors_only(caseworker_client):
    assert caseworker_client.get(reverse("api:webhooks")).status_code == 404


def test_the_delivery_log_asks_the_same_number_of_queries_for_1_and_50_rows(subscribed, supervisor_client):
    url = reverse("api:webhook_deliveries", args=[subscribed.pk])
    webhooks.deliveries_write("case.opened", {"case": {"id": 1}}, occurred_at=timezone.now())
    with CaptureQueriesContext(connection) as one:
        supervisor_client.get(url)
    for _ in range(49):
        webhooks.deliveries_write("case.opened", {"case": {"id": 1}}, occurred_at=timezone.now())
    with CaptureQueriesContext(connection) as fifty:
        supervisor_client.get(url)

    assert len(fifty) == len(one)
