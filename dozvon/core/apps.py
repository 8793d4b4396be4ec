from django.apps import AppConfig

# registers the deployment checks (dozvon.W001) at import; it reads settings only when a
# check runs, so importing it with the app config is safe
from dozvon.core import checks  # noqa: F401


class CoreConfig(AppConfig):
    name = "dozvon.core"
    label = "core"
