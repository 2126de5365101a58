"""The unified social credit code validator (GB 32100-2015)."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programs.directory import credit_code

# Codes printed on real business licences (public records).
REAL_CODES = [
    "91350100M000100Y43",
    "91110000802100433B",  # Beijing
    "914403001922038216",  # Shenzhen
    "91310000132200821H",  # Shanghai
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code):
    assert credit_code.validate(code) == code


def test_spaces_hyphens_and_lower_case_are_forgiven():
    assert credit_code.validate(" 91350100-m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize("code", REAL_CODES)
def test_any_single_changed_character_is_caught(code):
    for position in range(18):
        for replacement in credit_code.ALPHABET:
            if replacement == code[position]:
                continue
            typo = code[:position] + replacement + code[position + 1 :]
            assert not credit_code.is_valid(typo), typo


def test_swapped_neighbours_are_caught():
    code = REAL_CODES[0]
    for i in range(17):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not credit_code.is_valid(swapped), swapped


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9135010", "18 characters"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100M0001O0Y43", "never used"),  # letter O
        ("91350100M000100Y44", "last character"),
    ],
)
def test_each_mistake_is_named(code, fragment):
    with pytest.raises(credit_code.CreditCodeError) as caught:
        credit_code.validate(code)
    assert fragment in caught.value.reason


def test_generated_check_characters_validate():
    rng = random.Random(7)
    for _ in range(500):
        first17 = (
            "91"
            + "".join(rng.choice("0123456789") for _ in range(6))
            + "".join(rng.choice(credit_code.ALPHABET) for _ in range(9))
        )
        assert credit_code.is_valid(first17 + credit_code.check_character(first17))


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes(text):
    assert credit_code.is_valid(text) in (True, False)
