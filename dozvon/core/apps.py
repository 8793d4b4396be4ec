from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dozvon.core"
    label = "core"

    def ready(self) -> None:
        from dozvon.core import checks  # noqa: F401 - registers the deployment checks
