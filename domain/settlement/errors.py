"""Why a claim cannot be settled (a value, not a crash: the claim is rejected with the message)."""

from __future__ import annotations

from domain.messages import Message, as_message


class NotSettleable(Exception):
    """The claim cannot be settled under its rule set; ``reason`` (a catalogue message) says why."""

    def __init__(self, reason: str | Message) -> None:
        self.reason = as_message(reason)
        super().__init__(self.reason.render())
