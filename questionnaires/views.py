"""The supervisors' pages to define questionnaires (404 for anyone else)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases.roles import is_supervisor
from cases.services import WorkflowError

from . import selectors, services
from .forms import QuestionForm, QuestionnaireForm
from .models import Question, Questionnaire


def _supervisors_only(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise Http404("Not found.")


def questionnaire_list(request: HttpRequest) -> HttpResponse:
    _supervisors_only(request)
    return render(request, "questionnaires/list.html", {"questionnaires": selectors.questionnaire_list()})


def questionnaire_new(request: HttpRequest) -> HttpResponse:
    _supervisors_only(request)
    form = QuestionnaireForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                questionnaire = services.questionnaire_create(details=form.details(), by=request.user)
            except WorkflowError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Questionnaire created. Add its questions, then publish it.")
                return redirect("questionnaires:detail", pk=questionnaire.pk)
        status = 400
    return render(request, "questionnaires/new.html", {"form": form}, status=status)


def _detail(request: HttpRequest, questionnaire: Questionnaire, status: int = 200, **forms) -> HttpResponse:
    number = request.GET.get("version")
    version = selectors.version_with_questions(questionnaire, int(number) if (number or "").isdigit() else None)
    if version is None:
        raise Http404("Not found.")
    published = services.published_version(questionnaire)
    context = {
        "questionnaire": questionnaire,
        "version": version,
        "published": published,
        "versions": questionnaire.versions.order_by("-number"),
        "editable": version.number == services.latest_version(questionnaire).number,  # older ones are history
        "form": forms.get("form") or QuestionnaireForm.for_questionnaire(questionnaire),
        "question_form": forms.get("question_form") or QuestionForm(),
    }
    return render(request, "questionnaires/detail.html", context, status=status)


def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    if request.method == "POST":
        form = QuestionnaireForm(request.POST)
        if form.is_valid():
            try:
                services.questionnaire_update(questionnaire=questionnaire, details=form.details(), by=request.user)
            except WorkflowError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Saved.")
                return redirect("questionnaires:detail", pk=pk)
        messages.error(request, "Nothing was saved. Please correct the fields marked below.")
        return _detail(request, questionnaire, status=400, form=form)
    return _detail(request, questionnaire)


@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(questionnaire=questionnaire, details=form.details(), by=request.user)
        except WorkflowError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Question added to the draft.")
            return redirect("questionnaires:detail", pk=pk)
    messages.error(request, "The question was not added. Please correct the fields marked below.")
    return _detail(request, questionnaire, status=400, question_form=form)


def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    question = get_object_or_404(Question.objects.select_related("version__questionnaire"), pk=pk)
    form = QuestionForm.for_question(question) if request.method != "POST" else QuestionForm(request.POST)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.question_change(question=question, details=form.details(), by=request.user)
            except WorkflowError as error:
                form.add_error(None, error)
            else:
                note = " in a new draft version" if changed.version_id != question.version_id else ""
                messages.success(request, f"Question changed{note}. Publish the draft for people to see it.")
                return redirect("questionnaires:detail", pk=changed.version.questionnaire_id)
        status = 400
    return render(request, "questionnaires/question_edit.html", {"form": form, "question": question}, status=status)


@require_POST
def question_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _supervisors_only(request)
    question = get_object_or_404(Question.objects.select_related("version__questionnaire"), pk=pk)
    try:
        if action == "remove":
            services.question_remove(question=question, by=request.user)
            messages.success(request, "Question taken out of the draft.")
        elif action in {"up", "down"}:
            services.question_move(question=question, up=action == "up", by=request.user)
        else:
            raise Http404("Not found.")
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("questionnaires:detail", pk=question.version.questionnaire_id)


@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    try:
        version = services.version_publish(questionnaire=questionnaire, by=request.user)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {version.number} published: people are asked these questions from now on.")
    return redirect("questionnaires:detail", pk=pk)
