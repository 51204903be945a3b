from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "The caseworker's record"

    def ready(self) -> None:
        from cases import hooks
        from notifications import hooks as reminder_hooks

        from . import pages

        hooks.case_page.register(pages.case_page_notes)  # notes and contacts on the case page
        hooks.case_page_query.register(pages.with_tasks)  # whether the case has tasks, with the case
        hooks.case_page.register(pages.case_page_tasks)  # tasks on the case page
        hooks.case_page.register(pages.case_page_attachments)  # files on the case page
        reminder_hooks.reminder_email.register(pages.task_of_reminder)  # the task an "overdue" e-mail is about
        hooks.case_search.register(pages.cases_with_notes_matching)  # the case list's search reads notes too
