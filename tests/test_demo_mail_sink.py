"""The demo's mail sink and refresh (issue 24 item 8): the sink takes a free port of its
own (two demos on one machine never share one), listens before the worker starts (no
"connection refused" at start), logs to var/, not the terminal; --fresh starts over."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
from django.core.management.base import CommandError

from dozvon.commands.management.commands import demo
from dozvon.messaging.sink import stored


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


def stop(sink):
    sink.terminate()
    sink.wait(10)


def test_two_demo_sinks_take_different_free_ports_and_listen_at_once(var_dir):
    # given two demos started on one machine
    first, first_port = demo.start_mailsink()
    second, second_port = demo.start_mailsink()
    try:
        # then each has its own port, and each accepts SMTP as soon as it is returned
        assert first_port != second_port
        for port in (first_port, second_port):
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                assert smtp.noop()[0] == 250
    finally:
        stop(first)
        stop(second)


def test_demo_sink_stores_what_it_receives_and_keeps_its_log_off_the_terminal(var_dir):
    # given the demo's sink
    sink, port = demo.start_mailsink()
    try:
        # when an email is sent to it
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "x"
        message.set_content("тест")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)
    finally:
        stop(sink)
    # then it is stored in var/mail, and what the sink logged went to var/mailsink.log
    assert len(stored(var_dir / "mail")) == 1
    assert demo.sink_log_path() == var_dir / "mailsink.log"
    assert (var_dir / "mailsink.log").exists()


def test_fresh_deletes_only_the_embedded_sqlite_database(var_dir, tmp_path):
    # given an embedded database file under var/
    database = var_dir / "dozvon.sqlite3"
    database.write_bytes(b"old demo")
    engine = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}
    # when the demo starts over, the file is gone
    assert demo.delete_embedded_database(engine) == database
    assert not database.exists()
    # and a database elsewhere, or PostgreSQL, is never deleted
    outside = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path.parent / "x.db")}
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "dozvon"}
    for database_settings in (outside, postgres):
        with pytest.raises(CommandError):
            demo.delete_embedded_database(database_settings)
