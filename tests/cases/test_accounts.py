"""Staff accounts: log in, log out, change and reset a password."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

User = get_user_model()


def test_a_caseworker_logs_in_and_lands_on_the_dashboard(client, caseworker):
    response = client.post(reverse("login"), {"username": "casey", "password": "a-good-long-password"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("reporting:dashboard")
    assert "Needs action today" in response.content.decode()


def test_a_wrong_password_is_refused(client, caseworker):
    response = client.post(reverse("login"), {"username": "casey", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logging_out_ends_the_session(caseworker_client):
    caseworker_client.post(reverse("logout"))

    assert caseworker_client.get(reverse("cases:list")).status_code == 302


def test_changing_the_password(caseworker_client, caseworker):
    response = caseworker_client.post(
        reverse("password_change"),
        {
            "old_password": "a-good-long-password",
            "new_password1": "calm-river-stone-42",
            "new_password2": "calm-river-stone-42",
        },
    )

    assert response.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.check_password("calm-river-stone-42")


def test_password_reset_sends_a_working_link(client, caseworker):
    client.post(reverse("password_reset"), {"email": caseworker.email})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "quiet-harbor-lamp-7", "new_password2": "quiet-harbor-lamp-7"})
    caseworker.refresh_from_db()
    assert caseworker.check_password("quiet-harbor-lamp-7")


def test_password_reset_mail_is_written_to_the_mail_folder_with_the_file_backend(
    client, caseworker, settings, tmp_path
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path

    client.post(reverse("password_reset"), {"email": caseworker.email})

    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert "/accounts/reset/" in files[0].read_text()


def test_the_login_page_needs_no_login(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "Staff log in" in response.content.decode()


def test_password_reset_sends_at_most_the_limit_per_account_and_the_page_never_tells(client, caseworker, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_HOUR = 3
    answers = [
        client.post(reverse("password_reset"), {"email": caseworker.email}, REMOTE_ADDR=f"10.0.0.{n}")
        for n in range(5)
    ]

    assert len(mail.outbox) == 3
    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {reverse("password_reset_done")}


def test_password_reset_from_one_address_past_the_limit_asks_to_wait_and_sends_nothing(client, caseworker, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_HOUR = 2
    for n in range(2):
        client.post(reverse("password_reset"), {"email": f"someone{n}@example.org"})

    response = client.post(reverse("password_reset"), {"email": caseworker.email})

    assert response.status_code == 200
    assert "Please wait an hour" in response.content.decode()
    assert caseworker.email in response.content.decode()  # what was typed stays
    assert mail.outbox == []
