"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Eighteen characters: registration authority (1), organisation type (1), administrative division
(6 digits), organisation code (9) and a final check character computed over the first
seventeen with weights 3^i mod 31. (The organisation code's own GB 11714 check character is not
enforced: codes issued from old registrations do not all follow it.) Letters I, O, S, V and Z
are never used, so a code with them was mistyped.
"""

from __future__ import annotations

import re

from programs.i18n import N_

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class CreditCodeError(ValueError):
    """A code that cannot be right; `reason` is a message id for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise(code: str) -> str:
    """Upper-case and strip spaces and hyphens, the way people copy codes from licences."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def check_character(first17: str) -> str:
    """The 18th character for the first seventeen."""
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(code: str) -> str:
    """Return the normalised code, or raise CreditCodeError saying what is wrong with it."""
    value = normalise(code)
    if len(value) != 18:
        raise CreditCodeError(N_("A unified social credit code has 18 characters."))
    if not _SHAPE.match(value):
        raise CreditCodeError(
            N_("The code contains characters that are never used (I, O, S, V, Z or punctuation).")
        )
    if check_character(value[:17]) != value[17]:
        raise CreditCodeError(
            N_("The last character does not match: please check the code on the business licence.")
        )
    return value


def is_valid(code: str) -> bool:
    """True when `validate` would accept the code."""
    try:
        validate(code)
    except CreditCodeError:
        return False
    return True
