"""Whom a participant asks: their caseworker, by name, phone and e-mail; or PLI's contact line.

Every portal page, e-mail and text names this person. The phone is the caseworker's work phone
(``StaffContact``, set in the admin) or PLI's line (``PLI_CONTACT_PHONE``); the e-mail the
caseworker's own or PLI's (``PLI_CONTACT_EMAIL``). A case whose caseworker's account was
deactivated gives PLI's line and inbox, never the address of someone who left.
"""

from dataclasses import dataclass

from django.conf import settings

from compassion.people import staff_name
from compassion.phones import phone_display

from .models import Case, StaffContact


@dataclass(frozen=True)
class Contact:
    name: str  # the caseworker's full name; "" when it is PLI's line
    first_name: str
    phone: str  # as people write it
    email: str

    @property
    def is_caseworker(self) -> bool:
        return bool(self.name)


def pli_contact() -> Contact:
    return Contact(name="", first_name="", phone=settings.PLI_CONTACT_PHONE, email=settings.PLI_CONTACT_EMAIL)


def case_contact(case: Case) -> Contact:
    """Whom the case's participants ask (one query for the work phone, none when it was read with
    ``select_related("caseworker__staff_contact")``)."""
    caseworker = case.caseworker if case.caseworker_id else None
    if caseworker is None or not caseworker.is_active:
        return pli_contact()
    try:
        work_phone = caseworker.staff_contact.phone
    except StaffContact.DoesNotExist:
        work_phone = ""
    name = staff_name(caseworker)
    return Contact(
        name=name,
        first_name=caseworker.first_name or name,
        phone=phone_display(work_phone) if work_phone else settings.PLI_CONTACT_PHONE,
        email=caseworker.email or settings.PLI_CONTACT_EMAIL,
    )


def reply_to(case: Case | None) -> str:
    """Where a reply to an e-mail about the case goes: the caseworker's address, else PLI's inbox."""
    if case is not None and case.caseworker_id and case.caseworker.is_active and case.caseworker.email:
        return case.caseworker.email
    return settings.PLI_REPLY_TO_EMAIL
