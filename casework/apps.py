from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "The caseworker's record"

    def ready(self) -> None:
        from cases import hooks

        from . import pages

        hooks.case_page.register(pages.case_page_notes)  # notes and contacts on the case page
        hooks.case_search.register(pages.cases_with_notes_matching)  # the case list's search reads notes too
