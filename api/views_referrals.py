"""The API's referrals: anyone with the scope sends one as the public form does; supervisors list and decide."""

from django import forms
from django.http import Http404
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, pagination, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import Participant
from cases.roles import is_supervisor
from cases.selectors import cases_visible_to
from cases.services import WorkflowError
from referrals import selectors, services
from referrals.forms import DeclineForm, DuplicateForm, ReferralForm
from referrals.models import Referral

from . import errors, inputs
from .models import Scope
from .serializers import (
    DeclineSerializer,
    DuplicateSerializer,
    ErrorSerializer,
    ReferralCreateSerializer,
    ReferralReceivedSerializer,
    ReferralSerializer,
)

REFUSALS = {
    400: OpenApiResponse(ErrorSerializer, description="Field errors"),
    409: OpenApiResponse(ErrorSerializer, description="Refused by the rules, with the reason"),
}


class ReferralPages(pagination.CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class ReferralCreateForm(ReferralForm):
    """The public form's fields and checks; the API may also say the person's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]  # the public form's trap for bots
        self.fields["language"] = forms.ChoiceField(choices=Participant.Language.choices, required=False)

    @property
    def is_bot(self) -> bool:
        return False


class ReferralListView(generics.ListCreateAPIView):
    """Referrals: POST sends one, as the public form does; GET lists them by state (supervisors)."""

    required_scope = Scope.WRITE_REFERRALS
    serializer_class = ReferralSerializer
    pagination_class = ReferralPages

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or is_supervisor(self.request.user):
            state = self.request.query_params.get("state", Referral.State.NEW)
            return selectors.referral_list(user=self.request.user, state=state)
        raise Http404("Not found.")

    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=Referral.State.values)],
        tags=["referrals"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        state = request.query_params.get("state", Referral.State.NEW)
        if is_supervisor(request.user) and state not in Referral.State.values:
            return Response(
                {"detail": errors.FIELDS_REFUSED, "errors": {"state": [f"One of {', '.join(Referral.State.values)}."]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={201: ReferralReceivedSerializer, **REFUSALS, 429: ErrorSerializer},
        tags=["referrals"],
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        data, refused = inputs.form_data(request.data, ReferralCreateForm)
        form = ReferralCreateForm(data)
        if refused or not form.is_valid():
            for field, messages in refused.items():
                for message in messages:
                    form.add_error(None if field == "__all__" else field, message)
            return errors.form_errors(form)
        try:
            referral = services.referral_submit(
                details=form.details(),
                language=form.cleaned_data.get("language") or get_language(),
                client_address=f"api-token:{request.auth.pk}",
            )
        except services.ReferralRateLimited as error:
            return errors.refused(error, code=status.HTTP_429_TOO_MANY_REQUESTS)
        except WorkflowError as error:
            return errors.refused(error)
        return Response(ReferralReceivedSerializer(referral).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["referrals"])
class ReferralDetailView(generics.RetrieveAPIView):
    """One referral (supervisors)."""

    required_scope = Scope.WRITE_REFERRALS
    serializer_class = ReferralSerializer

    def get_object(self) -> Referral:
        return selectors.referral_for_user(user=self.request.user, pk=self.kwargs["pk"])


class ReferralDecisionView(generics.GenericAPIView):
    required_scope = Scope.WRITE_REFERRALS
    serializer_class = ReferralSerializer
    form_class: type = DeclineForm

    def form_kwargs(self, request: Request) -> dict:
        return {}

    def decide(self, referral: Referral, form, by) -> Referral:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        referral = selectors.referral_for_user(user=request.user, pk=pk)
        data, refused = inputs.form_data(request.data, self.form_class, **self.form_kwargs(request))
        form = self.form_class(data, **self.form_kwargs(request))
        if refused or not form.is_valid():
            for field, messages in refused.items():
                for message in messages:
                    form.add_error(None if field == "__all__" else field, message)
            return errors.form_errors(form)
        try:
            self.decide(referral, form, request.user)
        except WorkflowError as error:
            return errors.refused(error)
        return Response(ReferralSerializer(selectors.referral_for_user(user=request.user, pk=pk)).data)


@extend_schema(request=DeclineSerializer, responses={200: ReferralSerializer, **REFUSALS}, tags=["referrals"])
class ReferralDeclineView(ReferralDecisionView):
    """Decline a new referral with a reason; optionally send the person a kind reply by e-mail."""

    form_class = DeclineForm

    def decide(self, referral, form, by):
        return services.referral_decline(referral=referral, by=by, **form.cleaned_data)


@extend_schema(request=DuplicateSerializer, responses={200: ReferralSerializer, **REFUSALS}, tags=["referrals"])
class ReferralDuplicateView(ReferralDecisionView):
    """Mark a new referral as about an existing case (by its reference)."""

    form_class = DuplicateForm

    def form_kwargs(self, request: Request) -> dict:
        return {"cases": cases_visible_to(request.user)}

    def decide(self, referral, form, by):
        return services.referral_mark_duplicate(
            referral=referral, case=form.cleaned_data["case"], note=form.cleaned_data["note"], by=by
        )
