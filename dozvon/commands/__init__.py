"""The `dozvon` command's own commands (demo, setup, serve, worker, token, mailsink,
makemessages): a surface, like the web pages and the API — they parse their arguments and
call the engine's services, finding the playbooks' parts through dozvon.core.plugins."""
