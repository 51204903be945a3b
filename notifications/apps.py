from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        from cases import hooks

        from . import pages, reminders, tasks  # noqa: F401 - tasks: the Celery task, registered in every process

        hooks.case_changed.register(reminders.sync_case)  # reminders follow every change of a case
        hooks.case_page.register(pages.case_page_reminders)
        hooks.case_list_page.register(pages.case_list_failed_reminders)
