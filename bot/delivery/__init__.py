"""Outbox processing: sending digests at Telegram's rate, handling its errors, alerting admins."""

from bot.delivery.admin import AdminAlerts
from bot.delivery.sender import Sender, SenderStats
from bot.delivery.service import Delivery, attach

__all__ = ["AdminAlerts", "Delivery", "Sender", "SenderStats", "attach"]
