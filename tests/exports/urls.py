"""The main URLs plus the two export views the lead wires into their apps' urls.py (the
DUN worklist's and the SUB registry's files, issue 24): tests reach them through
`@pytest.mark.urls("tests.exports.urls")` whether or not the wiring has landed yet."""

from django.urls import path

from dozvon.dunning.export import worklist_export
from dozvon.subscriptions.export import registry_export
from dozvon.urls import urlpatterns as main

urlpatterns = [
    path("p/<slug:slug>/worklist.<str:fmt>", worklist_export, name="test_worklist_export"),
    path(
        "p/<slug:slug>/subscriptions/registry.<str:fmt>",
        registry_export,
        name="test_registry_export",
    ),
    *main,
]
