from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        # The one change this project makes to a library, in one visible place: see the module.
        from common import pydyf_references

        pydyf_references.apply()
