"""Case reference numbers: typed on a keypad, read out digit by digit, mistakes caught."""

from __future__ import annotations

import pytest

from hotline.cases.references import (
    InvalidCaseReference,
    damm_check_digit,
    display_case_reference,
    new_case_reference,
    normalise_case_reference,
)


def is_valid_case_reference(typed: str) -> bool:
    try:
        normalise_case_reference(typed)
    except InvalidCaseReference:
        return False
    return True


def test_new_references_are_eight_digits_valid_and_random():
    references = {new_case_reference() for _ in range(2000)}
    assert len(references) > 1990  # random, not sequential: collisions are rare
    for reference in references:
        assert len(reference) == 8 and reference.isdigit() and reference[0] != "0"
        assert is_valid_case_reference(reference)
    assert sorted(references) != list(references)


def test_every_single_wrong_digit_is_caught():
    reference = new_case_reference()
    for position in range(8):
        for digit in "0123456789":
            if digit != reference[position]:
                typo = reference[:position] + digit + reference[position + 1 :]
                assert not is_valid_case_reference(typo), typo


def test_every_swap_of_neighbouring_digits_is_caught():
    for _ in range(200):
        reference = new_case_reference()
        for i in range(7):
            swapped = reference[:i] + reference[i + 1] + reference[i] + reference[i + 2 :]
            if swapped != reference:
                assert not is_valid_case_reference(swapped), swapped


def test_known_damm_vector():
    assert damm_check_digit("572") == "4"  # the textbook example


@pytest.mark.parametrize("typed", ["1234", "123456789", "abcdefgh", "", "１２３４５６７８"])
def test_malformed_input_is_refused_with_a_reason(typed):
    with pytest.raises(InvalidCaseReference):
        normalise_case_reference(typed)


def test_grouped_forms_are_accepted_and_displayed_grouped():
    reference = new_case_reference()
    grouped = display_case_reference(reference)
    assert grouped == f"{reference[:4]} {reference[4:]}"
    assert normalise_case_reference(grouped) == reference
    assert normalise_case_reference(grouped.replace(" ", "-")) == reference
