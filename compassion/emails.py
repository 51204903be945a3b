"""E-mails from templates, in the recipient's language.

An e-mail is a set of three templates: ``emails/<name>_subject.txt``, ``_body.txt`` and
``_body.html``. The referral replies and the reminders are both rendered here.
"""

from collections.abc import Iterable

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

# (file name, content, MIME type)
Attachment = tuple[str, bytes | str, str]


def render_email(
    *,
    template: str,
    to: str,
    language: str,
    context: dict,
    attachments: Iterable[Attachment] = (),
    headers: dict[str, str] | None = None,
    reply_to: str = "",
) -> EmailMultiAlternatives:
    """The e-mail ``template`` rendered in ``language`` for one address, ready to ``send()``."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        text = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={"Content-Language": language, **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message
