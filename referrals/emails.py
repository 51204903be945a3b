"""E-mails to the people who write to PLI through the referral form.

They are rendered like every e-mail of the app (``compassion.emails``): a set of templates
``emails/referral_<kind>_subject.txt``, ``_body.txt`` and ``_body.html``, in the person's
language.
"""

import logging

from django.conf import settings
from django.utils import timezone

from compassion.emails import render_email

from .models import Referral

logger = logging.getLogger(__name__)


def referral_email_send(*, referral_id: int, kind: str, personal_message: str = "") -> None:
    """Send the confirmation (``received``) or the kind reply (``declined``) to the referral's writer.

    Runs after the referral was saved: a mail server that fails is logged, and the person's
    referral stays saved and visible in triage.
    """
    referral = Referral.objects.get(pk=referral_id)
    try:
        render_email(
            template=f"referral_{kind}",
            to=referral.email,
            language=referral.language,
            context={"referral": referral, "personal_message": personal_message},
            # Replies reach a person at PLI, never the no-reply sender.
            reply_to=settings.PLI_REPLY_TO_EMAIL,
        ).send()
    except OSError:  # smtplib's errors included
        logger.exception("Could not send the %s e-mail of referral %s.", kind, referral_id)
        return
    if kind == "declined":
        Referral.objects.filter(pk=referral_id).update(reply_sent_at=timezone.now())
