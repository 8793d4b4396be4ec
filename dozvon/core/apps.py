from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dozvon.core"
    label = "core"
