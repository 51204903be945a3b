from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "reconciliation"
    verbose_name = "Reconciliation program"

    def ready(self) -> None:
        from cases import hooks

        from . import checks, panels, program, workflow  # noqa: F401 - checks: registered with Django
        from .registry import REGISTRY

        REGISTRY.load(program.STEPS)  # the program's steps, in order
        hooks.case_page_query.register(panels.with_panel_rows)  # the case page reads the steps' rows with the case
        hooks.case_page.register(panels.case_page_panels)  # the step panels on the case page
