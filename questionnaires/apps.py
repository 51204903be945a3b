from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = "Questionnaires and research consent"

    def ready(self) -> None:
        from cases import hooks

        from . import invitations, pages

        hooks.event_recorded.register(invitations.on_event)  # the moments come with the case's timeline
        hooks.case_page_query.register(pages.with_invitations)  # one more column in the case page's query
        hooks.case_page.register(pages.case_page_questionnaires)
