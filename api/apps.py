from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and webhooks"

    def ready(self) -> None:
        from cases import hooks as case_hooks
        from referrals import hooks as referral_hooks

        from . import authentication, tasks, webhooks  # noqa: F401 - the token scheme and the Celery task register here

        case_hooks.event_recorded.register(webhooks.on_case_event)
        referral_hooks.referral_received.register(webhooks.on_referral_received)
