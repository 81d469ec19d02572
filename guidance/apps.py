from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = "Guidance"

    def ready(self) -> None:
        # Check the reviewed content once at start-up: a broken flow or a dangling resource
        # must stop the site from starting, not surprise a visitor halfway through.
        from guidance.engine import ContentError, content

        try:
            content()
        except ContentError as error:
            raise ImproperlyConfigured(str(error)) from error
