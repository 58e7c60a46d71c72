"""The bot token never appears in any log line, even at DEBUG with httpx logging URLs."""

from __future__ import annotations

import logging

import pytest

from bot import logs
from tests.e2e.harness import make_config, running_bot
from tests.fakes.telegram import FakeTelegram


async def test_token_never_logged(
    fake_telegram: FakeTelegram, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = fake_telegram
    fake.add_private_chat(5, "Ann")
    config = make_config(fake, db_url)
    logs.setup("DEBUG", config.token)
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # as if someone turned it up
    try:
        async with running_bot(config, fake):
            await fake.user_sends(5, 5, "/start")
            await fake.wait_for_message(5)
            logging.getLogger("probe").info("request to %s/getMe", f"{fake.base_url}{fake.token}")
    finally:
        logging.getLogger().handlers.clear()
    err = capsys.readouterr().err
    assert "getMe" in err, "the probe line was logged"
    secret = fake.token.split(":", 1)[1]
    assert secret not in err
    assert "[REDACTED]" in err


def test_redaction_of_any_bot_url() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "POST %s",
        ("https://x/bot123:ABC-def_9/sendMessage",),
        None,
    )
    assert logs.RedactToken("").filter(record)
    assert record.getMessage() == "POST https://x/bot[REDACTED]/sendMessage"
