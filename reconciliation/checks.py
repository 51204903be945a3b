"""System checks of the program: its steps agree with the steps a case can be at."""

from django.core import checks

from cases.models import Case

from .registry import REGISTRY


@checks.register()
def steps_match_the_case_model(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``Case.Step`` (what the database holds and the core shows) names the same steps as the registry."""
    ours = [(step.number, str(step.label)) for step in REGISTRY]
    model = [(number, str(label)) for number, label in Case.Step.choices]
    if ours == model:
        return []
    return [
        checks.Error(
            f"The program's steps {ours} differ from Case.Step {model}.",
            hint="Add the step to Case.Step (cases/models.py) as well as to reconciliation/program.py.",
            id="reconciliation.E001",
        )
    ]
