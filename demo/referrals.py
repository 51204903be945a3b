"""Demo referrals for ``manage.py seed_demo``: a few new requests waiting in triage."""

from datetime import timedelta

from django.utils import timezone

from referrals.models import Referral

DEMO_REFERRALS = [
    {
        "hours_ago": 3,
        "days_since_incident": 6,
        "language": "en",
        "writer": Referral.Writer.CUSTOMER,
        "name": "Taylor Brooks",
        "email": "taylor.brooks@example.com",
        "contact_by": Referral.ContactBy.EMAIL,
        "business_name": "Sunrise Coffee",
        "location": "Main St, Springfield",
        "police": Referral.Police.NO,
        "video_url": "https://video.example/sunrise-line",
        "story": "I lost my temper in line when my order was wrong and yelled at the barista. Someone filmed it "
        "and now it is everywhere. I am ashamed and I want to make it right with her and with the shop.",
    },
    {
        "hours_ago": 26,
        "days_since_incident": 10,
        "language": "es",
        "writer": Referral.Writer.STAFF,
        "name": "Lucía Fernández",
        "email": "lucia.fernandez@example.com",
        "phone": "555-0142",
        "contact_by": Referral.ContactBy.PHONE,
        "business_name": "Metro Burger",
        "location": "Station Ave, Springfield",
        "police": Referral.Police.YES,
        "story": "Un cliente me gritó y me amenazó en la ventanilla del autoservicio. Llamamos a la policía. "
        "Mi gerente me habló de este programa y quisiera saber si puede ayudarnos.",
    },
    {
        "hours_ago": 50,
        "days_since_incident": 14,
        "language": "en",
        "writer": Referral.Writer.BUSINESS,
        "name": "Grace Kim",
        "email": "grace@cityhardware.example",
        "phone": "555-0177",
        "contact_by": Referral.ContactBy.EMAIL,
        "business_name": "City Hardware",
        "location": "Oak St, Shelbyville",
        "police": Referral.Police.UNSURE,
        "story": "A regular customer insulted one of our cashiers over a return. He has since apologised to me "
        "and asked if there is a way to do more. Can your program help both of them?",
    },
]


def seed_demo_referrals() -> int:
    """Add the demo referrals that are not there yet (matched by e-mail); returns how many were added."""
    now = timezone.now()
    added = 0
    for demo in DEMO_REFERRALS:
        fields = dict(demo)
        submitted = now - timedelta(hours=fields.pop("hours_ago"))
        occurred_on = timezone.localdate(now - timedelta(days=fields.pop("days_since_incident")))
        if Referral.objects.filter(email=fields["email"]).exists():
            continue
        Referral.objects.create(**fields, occurred_on=occurred_on, consented_at=submitted, submitted_at=submitted)
        added += 1
    return added
