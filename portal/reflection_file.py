"""The one file a customer may add to their reflection (a letter they wrote, say): sent with the
reflection form itself, so that nothing they typed is lost when a file is refused. Kept through
the caseworker's record (``casework.services``), with the same limits as the caseworker's files."""

from django.http import HttpRequest

from cases.models import Case, Participant
from casework import services as casework
from casework.models import Attachment
from reconciliation.workflow import WorkflowError

FIELD = "reflection_file"
REMOVE = "reflection_file_remove"


def current(case: Case) -> Attachment | None:
    return case.attachments.filter(source=Attachment.Source.REFLECTION).first()


def take(request: HttpRequest, *, case: Case, participant: Participant) -> str | None:
    """Keep the file sent with the form, or take the current one off; a message if it was refused."""
    upload = request.FILES.get(FIELD)
    if upload is not None:
        try:
            casework.attachment_add(case=case, upload=upload, by_participant=participant)
        except WorkflowError as error:
            return " ".join(error.messages)
        return None
    if request.POST.get(REMOVE):
        casework.reflection_file_remove(case=case, by_participant=participant)
    return None
