"""The demo's mail server (aiosmtpd): accepts every email on loopback and stores it as an
`.eml` file (open it with any mail client), so the demo sends real SMTP without a real
mail server. Not for production: it relays nothing and authenticates nobody."""

from __future__ import annotations

import os
from pathlib import Path
from uuid import uuid4

from django.utils import timezone


class MailSink:
    """aiosmtpd handler: each message received is written to `directory` as
    `<UTC time>-<random>.eml`, the envelope's sender and recipients in front."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        header = (
            f"X-Sink-Mail-From: {envelope.mail_from}\r\n"
            f"X-Sink-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        name = f"{timezone.now():%Y%m%dT%H%M%S.%f}-{uuid4().hex[:8]}.eml"
        partial = self.directory / f".{name}.part"
        partial.write_bytes(header + content)
        os.replace(partial, self.directory / name)  # a reader never sees half a file
        return "250 Message accepted for delivery"


def stored(directory: Path) -> list[Path]:
    """The messages stored so far, oldest first."""
    return sorted(Path(directory).glob("*.eml"))
