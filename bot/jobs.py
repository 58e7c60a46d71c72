"""Scheduling: the poll cycle and the digest cycle, run by PTB's JobQueue."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.context import Runtime


async def schedule(app: Application[Any, Any, Any, Any, Any, Any], rt: Runtime) -> None:
    """Register the repeating jobs (added as the ingestion and digest cycles land)."""
    del app, rt
