"""Forms of the supervisors' questionnaire pages. They check the shape of input only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Participant

from .models import MAX_TEXT_ANSWER, Moment, Question, Questionnaire, QuestionnaireVersion
from .services import AnswerValue, QuestionDetails, QuestionnaireDetails

USE_CHOICES = [
    (f"{role}:{moment}", f"{role_label}, {str(moment_label).lower()}")
    for role, role_label in Participant.Role.choices
    for moment, moment_label in Moment.choices
]


class QuestionnaireForm(forms.Form):
    title = forms.CharField(max_length=200)
    title_es = forms.CharField(label="Title in Spanish", max_length=200, required=False)
    intro = forms.CharField(
        label="A line before the questions",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Say why you ask and that every question may be skipped.",
    )
    intro_es = forms.CharField(
        label="The line in Spanish", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    uses = forms.MultipleChoiceField(
        label="Who is asked, and when",
        choices=USE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each person is asked once at each moment ticked for their role.",
    )
    active = forms.BooleanField(
        label="Ask it",
        required=False,
        initial=True,
        help_text="Untick to stop asking it: questions waiting for people are withdrawn, with their reminders.",
    )

    @classmethod
    def for_questionnaire(cls, questionnaire: Questionnaire) -> "QuestionnaireForm":
        return cls(
            initial={
                "title": questionnaire.title,
                "title_es": questionnaire.title_es,
                "intro": questionnaire.intro,
                "intro_es": questionnaire.intro_es,
                "active": questionnaire.active,
                "uses": [f"{use.role}:{use.moment}" for use in questionnaire.uses.all()],
            }
        )

    def details(self) -> QuestionnaireDetails:
        data = self.cleaned_data
        return QuestionnaireDetails(
            title=data["title"],
            title_es=data["title_es"],
            intro=data["intro"],
            intro_es=data["intro_es"],
            active=data["active"],
            uses=tuple(tuple(value.split(":", 1)) for value in data["uses"]),
        )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of question", choices=Question.Kind.choices)
    text = forms.CharField(label="Question", max_length=300)
    text_es = forms.CharField(label="Question in Spanish", max_length=300, required=False)
    low_label = forms.CharField(label="Low end (scales)", max_length=80, required=False, help_text="e.g. Not at all")
    low_label_es = forms.CharField(label="Low end in Spanish", max_length=80, required=False)
    high_label = forms.CharField(label="High end (scales)", max_length=80, required=False, help_text="e.g. Completely")
    high_label_es = forms.CharField(label="High end in Spanish", max_length=80, required=False)
    choices = forms.CharField(
        label="Choices, one a line (a choice)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    choices_es = forms.CharField(
        label="Choices in Spanish, in the same order",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_question(cls, question: Question, *args, **kwargs) -> "QuestionForm":
        names = QuestionDetails.__dataclass_fields__
        return cls(*args, initial={name: getattr(question, name) for name in names}, **kwargs)

    def details(self) -> QuestionDetails:
        return QuestionDetails(**{name: self.cleaned_data[name] for name in QuestionDetails.__dataclass_fields__})


# ---------------------------------------------------------------- answering, in the portal


class AnswersForm(forms.Form):
    """A person's answers to one published version: one optional field per question.

    Field names are ``q<question id>``; the version travels with the form, so answers keep the
    version the person was shown even if a new one is published while they answer.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    share = forms.BooleanField(
        label=_("My caseworker may read my answers."),
        required=False,
        help_text=_("If you leave this unticked, your caseworker sees only that you answered, not what."),
    )

    research = forms.ChoiceField(
        label=_("May PLI also use your answers for its research?"),
        choices=[("yes", _("Yes, for research too")), ("no", _("No, only for my case"))],
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Research uses answers without names, and shows only figures drawn from several people. "
            "You can change your mind at any time on your page."
        ),
    )

    def __init__(self, *args, version: QuestionnaireVersion, ask_research: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.questions = list(version.questions.order_by("position", "id"))
        self.fields["version"].initial = version.pk
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field(question)
        if not ask_research:  # asked once; afterwards it is changed on its own page
            del self.fields["research"]
        # The consents come last, after the questions.
        self.order_fields([f"q{question.pk}" for question in self.questions] + ["version", "share", "research"])

    def research_answer(self) -> bool | None:
        """Yes (True), no (False), or not answered (None: nothing is recorded, and nothing leaves)."""
        value = self.cleaned_data.get("research") or ""
        return {"yes": True, "no": False}.get(value)

    @staticmethod
    def _field(question: Question) -> forms.Field:
        label = question.text_in()
        if question.is_scale:
            return forms.TypedChoiceField(
                label=label,
                choices=[(value, str(value)) for value in question.scale_values()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Please pick one of the numbers, or leave it out.")},
            )
        if question.kind == Question.Kind.CHOICE:
            return forms.TypedChoiceField(
                label=label,
                choices=list(enumerate(question.choice_list())),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Please pick one of the choices, or leave it out.")},
            )
        return forms.CharField(
            label=label,
            max_length=MAX_TEXT_ANSWER,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT_ANSWER}),
        )

    def rows(self) -> list[tuple[Question, forms.BoundField]]:
        """Each question with its field, for the template (scales draw their end labels)."""
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def answers(self) -> list[AnswerValue]:
        values = []
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.is_scale:
                values.append(AnswerValue(question_id=question.pk, number=value))
            elif question.kind == Question.Kind.CHOICE:
                values.append(AnswerValue(question_id=question.pk, choice=value))
            else:
                values.append(AnswerValue(question_id=question.pk, text=value or ""))
        return values


class ResearchConsentForm(forms.Form):
    """The research page: yes or no."""

    research = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])

    def agreed(self) -> bool:
        return self.cleaned_data["research"] == "yes"
