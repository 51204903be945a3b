"""The customer's documents as PDFs from their personal page, once their case is complete: the
plan as agreed, their commitments and the letter of completion, in their language."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cases.models import Case, Participant
from casework import documents

from .access import participant_view


@require_GET
@participant_view(Participant.Role.CUSTOMER)
def document(request: HttpRequest, kind: str) -> HttpResponse:
    participant, case = request.participant, request.participant.case
    if case.status != Case.Status.COMPLETED or kind not in documents.available(case):
        raise Http404("Not yet.")
    try:
        pdf = documents.render_pdf(case, kind, language=documents.language_for(case, participant))
    except documents.DocumentUnavailable as error:
        raise Http404(str(error)) from error
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(case, kind)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
