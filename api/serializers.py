"""What the API answers: cases, their timeline, referrals. Read-only shapes; input goes through the pages' forms."""

from rest_framework import serializers

from cases.models import Case, CaseEvent, Participant
from referrals.models import Referral


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "role", "name", "email", "phone", "preferred_language", "consent", "no_contact"]


class CaseRowSerializer(serializers.ModelSerializer):
    """A row of the case list: what the page's list shows, from its one query."""

    step_label = serializers.CharField(source="get_step_display")
    caseworker = serializers.CharField(source="caseworker.get_username")
    business = serializers.CharField(source="incident.business.name")
    customer = serializers.CharField(source="customer_name", allow_null=True)

    class Meta:
        model = Case
        fields = [
            "reference",
            "status",
            "step",
            "step_label",
            "risk",
            "caseworker",
            "business",
            "customer",
            "opened_at",
            "completed_at",
            "closed_at",
            "last_activity_at",
        ]


class StepStateSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    label = serializers.CharField()
    done = serializers.BooleanField()
    skipped = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField(), help_text="What is missing for done, in words.")


class IncidentSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    location = serializers.CharField()
    severity = serializers.CharField()
    police_involved = serializers.BooleanField()
    source = serializers.CharField()


class CaseDetailSerializer(serializers.Serializer):
    """A case: its row, the incident, its participants, the current step and what is missing."""

    case = CaseRowSerializer()
    status_reason = serializers.CharField()
    incident = IncidentSerializer()
    participants = ParticipantSerializer(many=True)
    current_step = StepStateSerializer()
    steps = StepStateSerializer(many=True)


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    by_participant_role = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "created_at", "kind", "message", "actor", "by_participant_role", "from_value", "to_value"]

    def get_actor(self, event: CaseEvent) -> str | None:
        return event.actor.get_username() if event.actor_id else None

    def get_by_participant_role(self, event: CaseEvent) -> str | None:
        return event.actor_participant.role if event.actor_participant_id else None


class ReferralSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "state",
            "writer",
            "name",
            "email",
            "phone",
            "contact_by",
            "language",
            "business_name",
            "occurred_on",
            "location",
            "story",
            "police",
            "video_url",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "case",
        ]

    def get_decided_by(self, referral: Referral) -> str | None:
        return referral.decided_by.get_username() if referral.decided_by_id else None


class ReferralReceivedSerializer(serializers.ModelSerializer):
    """What the sender of a referral learns back: that it arrived, not what others decide."""

    class Meta:
        model = Referral
        fields = ["id", "state", "submitted_at"]


# ---------------------------------------------------------------- requests, for the documentation


class ReferralCreateSerializer(serializers.Serializer):
    writer = serializers.ChoiceField(choices=Referral.Writer.choices)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False)
    contact_by = serializers.ChoiceField(choices=Referral.ContactBy.choices)
    business_name = serializers.CharField()
    occurred_on = serializers.DateField(required=False)
    location = serializers.CharField(required=False)
    story = serializers.CharField(max_length=5000)
    police = serializers.ChoiceField(choices=Referral.Police.choices)
    video_url = serializers.URLField(required=False)
    language = serializers.ChoiceField(choices=Participant.Language.choices, required=False)
    consent_contact = serializers.BooleanField(help_text="The person agreed to be contacted.")
    consent_privacy = serializers.BooleanField(help_text="The person read the privacy notice.")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why, for PLI staff.")
    send_reply = serializers.BooleanField(required=False)
    reply_message = serializers.CharField(required=False)


class DuplicateSerializer(serializers.Serializer):
    case = serializers.CharField(help_text="The reference of the existing case.")
    note = serializers.CharField(required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="Field errors."
    )
