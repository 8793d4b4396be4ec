"""The admin's own templates in our words (issue 24 item 6): listed first in
INSTALLED_APPS (`dozvon.core.thirdparty_apps.AdminRuConfig`) so its `templates/admin/…`
take the place of Django's — e.g. a list's count agreeing with its noun ("5 записей", not
"5 сценарии")."""
