"""Shared fixtures of the governance tests: a local SMTP server (aiosmtpd) that captures what reminders send, and
a mailbox for every post."""

from __future__ import annotations

import email
import json
import socket

import pytest
from aiosmtpd.controller import Controller

from scorecard.governance import reminders


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller
    controller.stop()


@pytest.fixture
def boxes(real_register, tmp_path):
    posts = {m.metric_responsibility for m in real_register.measures} | {t.responsibility for t in real_register.themes}
    posts |= {f"assistant_director:{d.id}" for d in real_register.directorates} | {reminders.BI}
    found = {post: f"post{i}@example.gov.uk" for i, post in enumerate(sorted(posts))}
    path = tmp_path / "mailboxes.json"
    path.write_text(json.dumps(found), encoding="utf-8")
    return found, path


def smtp_to(controller) -> reminders.Smtp:
    return reminders.Smtp("127.0.0.1", controller.port, "none", "scorecard@example.gov.uk")
