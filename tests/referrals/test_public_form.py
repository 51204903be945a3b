"""The public referral form: anyone can ask for help, without an account."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral

REFER_URL = reverse("referrals:refer")
THANKS_URL = reverse("referrals:thanks")


def referral_post(**overrides) -> dict:
    """A complete, valid submission of the public form; override fields by name, None drops one."""
    data = {
        "writer": "customer",
        "name": "Taylor Brooks",
        "email": "taylor@example.com",
        "phone": "",
        "contact_by": "email",
        "business_name": "Sunrise Coffee",
        "occurred_on": (timezone.localdate() - timedelta(days=4)).isoformat(),
        "location": "Main St, Springfield",
        "story": "I yelled at the barista when my order was wrong. Someone filmed it.",
        "police": "no",
        "video_url": "https://video.example/clip",
        "consent_contact": "on",
        "consent_privacy": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(client, **overrides):
    return client.post(REFER_URL, referral_post(**overrides))


def test_the_public_page_explains_the_program_and_needs_no_login(client, db):
    page = client.get(REFER_URL).content.decode()

    assert "we help make things right" in page
    assert "Get in touch" in page
    assert "Privacy notice" in page
    assert 'type="file"' not in page
    assert "multipart/form-data" not in page


def test_an_anonymous_visitor_sends_a_referral_and_sees_a_confirmation(client, db):
    response = submit(client)

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    referral = Referral.objects.get()
    assert referral.state == Referral.State.NEW
    assert referral.name == "Taylor Brooks"
    assert referral.business_name == "Sunrise Coffee"
    assert referral.video_url == "https://video.example/clip"
    assert referral.language == "en"
    assert referral.consented_at is not None
    assert "We have received your message" in client.get(THANKS_URL).content.decode()


def test_the_person_gets_a_confirmation_email_after_the_referral_is_saved(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client)

    (message,) = mailoutbox
    assert message.to == ["taylor@example.com"]
    assert "We received your message" in message.subject
    assert "Dear Taylor Brooks" in message.body
    assert "Sunrise Coffee" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Dear Taylor Brooks" in html


def test_a_person_who_gave_only_a_phone_number_gets_no_email(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, email="", phone="555-123-4567", contact_by="phone")

    assert Referral.objects.get().phone == "555-123-4567"
    assert mailoutbox == []


def test_a_mail_server_failure_does_not_lose_the_referral(client, db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client)

    assert response.status_code == 302
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "", "phone": ""}, "Give an e-mail address or a phone number so that we can reach you."),
        ({"email": "taylor@@example"}, "Enter a valid email address."),
        ({"phone": "call me maybe", "contact_by": "phone"}, "Enter a phone number with at least 7 digits"),
        ({"phone": "12345", "contact_by": "text"}, "Enter a phone number with at least 7 digits"),
        ({"email": "", "phone": "555-123-4567", "contact_by": "email"}, "please give your e-mail address"),
        ({"contact_by": "phone"}, "please give your phone number"),
        ({"video_url": "ftp://video.example/clip"}, "Give a web link that starts with http:// or https://."),
        ({"video_url": "javascript:alert(1)"}, "Give a web link that starts with http:// or https://."),
        ({"story": "x" * 5001}, "Please keep this to 5000 characters (it has 5001)."),
        ({"name": "n" * 201}, "Please keep this to 200 characters (it has 201)."),
        ({"location": "l" * 301}, "Please keep this to 300 characters (it has 301)."),
        ({"story": ""}, "This field is required."),
        ({"writer": None}, "This field is required."),
        ({"writer": "the-mayor"}, "Select a valid choice."),
        ({"occurred_on": "2999-01-01"}, "This date is in the future."),
        ({"consent_contact": None}, "We can only take your message if you agree to be contacted."),
        ({"consent_privacy": None}, "Please read the privacy notice and tick this box."),
    ],
)
def test_bad_input_is_refused_with_a_message_next_to_the_field_and_nothing_is_saved(client, db, overrides, message):
    response = submit(client, **overrides)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Your message has not been sent yet" in page
    assert "invalid-feedback" in page
    assert Referral.objects.count() == 0


def test_everything_typed_is_still_there_after_an_error(client, db):
    page = submit(client, email="broken@", story="He said <b>terrible</b> things & left.").content.decode()

    assert 'value="broken@"' in page
    assert 'value="Taylor Brooks"' in page
    assert 'value="Sunrise Coffee"' in page
    assert "He said &lt;b&gt;terrible&lt;/b&gt; things &amp; left." in page
    assert re.search(r'name="writer" value="customer"[^>]*checked', page)


def test_the_honeypot_shows_the_same_confirmation_but_saves_nothing(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, website="https://cheap-pills.example")

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert Referral.objects.count() == 0
    assert mailoutbox == []


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, db):
    page = client.get(REFER_URL).content.decode()

    assert '<div class="visually-hidden" aria-hidden="true">' in page
    assert 'name="website"' in page
    assert 'tabindex="-1"' in page


def test_more_referrals_than_the_limit_from_one_address_are_refused(client, db, settings):
    settings.REFERRAL_RATE_LIMIT_PER_HOUR = 2
    for number in range(2):
        assert submit(client, name=f"Writer {number}").status_code == 302

    response = submit(client, name="One too many")

    assert response.status_code == 429
    page = response.content.decode()
    assert "several messages from your connection in the last hour" in page
    assert 'value="One too many"' in page
    assert Referral.objects.count() == 2


def test_the_rate_limit_counts_each_address_apart(client, db, settings):
    settings.REFERRAL_RATE_LIMIT_PER_HOUR = 1
    assert client.post(REFER_URL, referral_post(), REMOTE_ADDR="198.51.100.1").status_code == 302

    assert client.post(REFER_URL, referral_post(), REMOTE_ADDR="198.51.100.2").status_code == 302
    assert client.post(REFER_URL, referral_post(), REMOTE_ADDR="198.51.100.1").status_code == 429


def test_behind_a_proxy_the_rate_limit_uses_the_address_the_proxy_saw(client, db, settings):
    settings.REFERRAL_RATE_LIMIT_PER_HOUR = 1
    settings.NUM_PROXIES = 1

    def from_visitor(address: str):
        return client.post(
            REFER_URL, referral_post(), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=f"203.0.113.66, {address}"
        )

    assert from_visitor("198.51.100.1").status_code == 302
    assert from_visitor("198.51.100.2").status_code == 302
    assert from_visitor("198.51.100.1").status_code == 429


def test_the_rate_limit_window_ends_after_an_hour(client, db, settings, time_machine):
    settings.REFERRAL_RATE_LIMIT_PER_HOUR = 1
    time_machine.move_to(timezone.now(), tick=False)
    submit(client)
    assert submit(client).status_code == 429

    time_machine.shift(timedelta(minutes=61))

    assert submit(client).status_code == 302


def test_the_spanish_form_renders(client, db):
    response = client.get(REFER_URL, headers={"accept-language": "es"})

    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "te ayudamos a arreglarlo" in page
    assert "¿Quién escribe?" in page
    assert "Enviar mi mensaje" in page
    assert "Aviso de privacidad" in page


def test_the_language_switch_works_without_javascript(client, db):
    response = client.post(reverse("set_language"), {"language": "es", "next": REFER_URL})

    assert response.status_code == 302
    assert response["Location"] == REFER_URL
    assert "Ponte en contacto" in client.get(REFER_URL).content.decode()


def test_a_referral_in_spanish_gets_messages_and_a_confirmation_in_spanish(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    bad = client.post(REFER_URL, referral_post(email="", phone=""), headers={"accept-language": "es"})
    assert "Indica un correo electrónico o un teléfono" in bad.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(REFER_URL, referral_post(name="Lucía"), headers={"accept-language": "es"})

    assert Referral.objects.get().language == "es"
    (message,) = mailoutbox
    assert "Hemos recibido tu mensaje" in message.subject
    assert "Hola, Lucía" in message.body
