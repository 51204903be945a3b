"""factory-boy factories for the project's models."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cases.models import Business, Case, CaseEvent, Incident, Participant
from cases.roles import CASEWORKER_GROUP, SUPERVISOR_GROUP

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@pli.example")
    password = factory.django.Password("a-good-long-password")


class CaseworkerFactory(UserFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=CASEWORKER_GROUP)[0])


class SupervisorFactory(UserFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=SUPERVISOR_GROUP)[0])


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Business {n}")
    address = "1 Main St"
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"owner{n}@business.example")


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    business = factory.SubFactory(BusinessFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    location = "checkout line"
    description = "The customer shouted at the cashier."
    severity = Incident.Severity.VERBAL
    source = Incident.Source.BUSINESS


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"CCP-2000-{n + 1:04d}")
    incident = factory.SubFactory(IncidentFactory)
    caseworker = factory.SubFactory(CaseworkerFactory)

    @factory.post_generation
    def customer(self, create, extracted, **kwargs):
        """Every case has its customer, as intake makes sure."""
        if create and extracted is not False:
            ParticipantFactory(case=self, role=Participant.Role.CUSTOMER, **kwargs)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    case = factory.SubFactory(CaseFactory, customer=False)
    role = Participant.Role.AGENT
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.com")


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    kind = CaseEvent.Kind.NOTE
    message = "A note."


def full_case(caseworker=None, **case_fields) -> Case:
    """A case with its customer, a business representative and a consenting agent."""
    case = CaseFactory(**({"caseworker": caseworker} if caseworker else {}), **case_fields)
    ParticipantFactory(case=case, role=Participant.Role.BUSINESS, name="Dana Owner")
    ParticipantFactory(case=case, role=Participant.Role.AGENT, name="Jamie Agent", consent=Participant.Consent.GIVEN)
    return case


# ---------------------------------------------------------------- referrals

from referrals.models import Referral  # noqa: E402 - appended section, kept apart from the case factories


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    writer = Referral.Writer.CUSTOMER
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"writer{n}@example.com")
    contact_by = Referral.ContactBy.EMAIL
    business_name = "Sunrise Coffee"
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    location = "Main St, Springfield"
    story = "I shouted at the barista when my order was wrong."
    police = Referral.Police.NO
    consented_at = factory.LazyFunction(timezone.now)
