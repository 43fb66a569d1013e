"""Why a claim cannot be settled (a value, not a crash: the claim is rejected with the message)."""


class NotSettleable(Exception):
    """The claim cannot be settled under its rule set; the message says why."""
