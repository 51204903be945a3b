"""E-mails to the people who write to PLI through the referral form.

Rendering and sending live here, in one small function, so that the reminders' mail path
can take them over. E-mails come in sets of templates: ``emails/<name>_subject.txt``,
``_body.txt`` and ``_body.html``, rendered in the person's language.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Referral

logger = logging.getLogger(__name__)


def send_templated(*, template: str, to: str, language: str, context: dict) -> None:
    """Render one set of e-mail templates in ``language`` and send it to one address."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        text = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def referral_email_send(*, referral_id: int, kind: str, personal_message: str = "") -> None:
    """Send the confirmation (``received``) or the kind reply (``declined``) to the referral's writer.

    Runs after the referral was saved: a mail server that fails is logged, and the person's
    referral stays saved and visible in triage.
    """
    referral = Referral.objects.get(pk=referral_id)
    try:
        send_templated(
            template=f"referral_{kind}",
            to=referral.email,
            language=referral.language,
            context={"referral": referral, "personal_message": personal_message},
        )
    except OSError:  # smtplib's errors included
        logger.exception("Could not send the %s e-mail of referral %s.", kind, referral_id)
        return
    if kind == "declined":
        Referral.objects.filter(pk=referral_id).update(reply_sent_at=timezone.now())
