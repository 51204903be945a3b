"""Staff pages of the caseworker's record: notes and contacts. Thin: a form, a service, a page."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.models import Participant
from cases.roles import staff_only
from cases.timeline import WorkflowError
from cases.views import detail_context

from . import documents, selectors, services
from .forms import AttachmentForm, NoteForm, TaskForm

NOTES_PAGE = 50
FILES_PAGE = 50


@require_POST
def note_add(request: HttpRequest, reference: str) -> HttpResponse:
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    form = NoteForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.note_add(case=case, details=form.details(), by=request.user)
        except WorkflowError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Note saved.")
            return redirect(f"{case.get_absolute_url()}#notes")
    messages.error(request, "The note was not saved: please look at the notes form.")
    case = case_selectors.case_for_page(user=request.user, reference=reference)
    return render(request, "cases/case_detail.html", detail_context(request, case, note_form=form), status=400)


def note_list(request: HttpRequest, reference: str) -> HttpResponse:
    """Every note and contact of a case that the staff member may read, newest first."""
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    page = Paginator(selectors.notes_visible_to(request.user, case), NOTES_PAGE).get_page(request.GET.get("page"))
    notes = services.notes_marked_editable(list(page.object_list), request.user)
    return render(request, "casework/note_list.html", {"case": case, "page": page, "notes": notes})


def note_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Its author corrects a note, within the edit window."""
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    note = get_object_or_404(selectors.notes_visible_to(request.user, case), pk=pk)
    if request.method == "POST":
        form = NoteForm(request.POST, case=case)
        if form.is_valid():
            try:
                services.note_edit(note=note, details=form.details(), by=request.user)
            except WorkflowError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Note corrected.")
                return redirect(note)
        status = 400
    else:
        form = NoteForm.for_note(note)
        status = 200
    services.notes_marked_editable([note], request.user)
    context = {
        "case": case,
        "note": note,
        "form": form,
        "editable": note.can_edit,
        "edit_minutes": settings.NOTE_EDIT_MINUTES,
    }
    return render(request, "casework/note_edit.html", context, status=status)


@require_POST
def task_add(request: HttpRequest, reference: str) -> HttpResponse:
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    form = TaskForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.task_create(case=case, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Task set.")
            return redirect(f"{case.get_absolute_url()}#tasks")
    messages.error(request, "The task was not set: please look at the tasks form.")
    case = case_selectors.case_for_page(user=request.user, reference=reference)
    return render(request, "cases/case_detail.html", detail_context(request, case, task_form=form), status=400)


@require_POST
def task_done(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    task = get_object_or_404(case.tasks, pk=pk)
    try:
        services.task_done(task=task, by=request.user)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Done: {task.title}")
    if request.POST.get("next") == "dashboard":  # ticked on the dashboard: back there
        return redirect(reverse("reporting:dashboard") + "#tasks")
    return redirect(f"{case.get_absolute_url()}#tasks")


@require_POST
def attachment_add(request: HttpRequest, reference: str) -> HttpResponse:
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    form = AttachmentForm(request.POST, request.FILES, case=case)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                case=case,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                participant=form.cleaned_data["participant"],
                by=request.user,
            )
        except WorkflowError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"File kept: {attachment.name}.")
            return redirect(f"{case.get_absolute_url()}#files")
    messages.error(request, "The file was not kept: please look at the files form.")
    case = case_selectors.case_for_page(user=request.user, reference=reference)
    return render(request, "cases/case_detail.html", detail_context(request, case, attachment_form=form), status=400)


def attachment_list(request: HttpRequest, reference: str) -> HttpResponse:
    """Every file of a case, newest first, for staff who may see the case (404 for anyone else)."""
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    page = Paginator(selectors.case_attachments(case), FILES_PAGE).get_page(request.GET.get("page"))
    context = {"case": case, "page": page, "attachments": page.object_list}
    return render(request, "casework/attachment_list.html", context)


def attachment_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A file of a case, for staff who may see the case only (404 for anyone else), always as a
    download: never shown in the browser, never sniffed into another type."""
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    attachment = get_object_or_404(case.attachments, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is no longer kept.") from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def attachment_delete(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    attachment = get_object_or_404(case.attachments, pk=pk)
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"File removed: {attachment.name}.")
    return redirect(f"{case.get_absolute_url()}#files")


def document(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """A document of the case as a PDF (the plan as agreed, the commitments, the completion letter), in
    the customer's language or ``?language=``; for staff who may see the case."""
    staff_only(request)
    case = case_selectors.case_for_user(user=request.user, reference=reference)
    asked = request.GET.get("language", "")
    language = asked if asked in dict(Participant.Language.choices) else documents.language_for(case)
    try:
        pdf = documents.render_pdf(case, kind, language=language)
    except documents.DocumentUnavailable as error:
        raise Http404(str(error)) from error
    return pdf_response(pdf, documents.filename(case, kind))


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
