from django.apps import AppConfig
from django.urls import register_converter


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from .converters import ReferenceConverter

        # Before any URL configuration is read: every app's addresses about a case use it.
        register_converter(ReferenceConverter, "reference")
