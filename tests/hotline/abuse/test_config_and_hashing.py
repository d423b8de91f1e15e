"""The `[abuse]` section refuses what it cannot use, naming the key; the keyed hashes differ
per key and per purpose, and match a value however it is typed."""

from __future__ import annotations

import pytest

from hotline.abuse.config import AbuseConfig, AbuseConfigError, parse_abuse_config
from hotline.abuse.hashing import CallerHasher
from hotline.cases.wording import CALL_OUTCOMES
from hotline.crypto import InvalidDataKey, generate_key
from hotline.telephony.models import CallOutcome


def test_the_defaults_are_the_issues():
    config = parse_abuse_config({})
    assert config == AbuseConfig()
    assert (config.calls_per_hour, config.open_bookings_per_address, config.block_days) == (
        6,
        2,
        30,
    )


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"calls_per_hour": 0}, "abuse.calls_per_hour"),
        ({"calls_per_hour": True}, "abuse.calls_per_hour"),
        ({"flood_withheld_share": 1.5}, "abuse.flood_withheld_share"),
        ({"block_days": 40, "max_block_days": 30}, "abuse.block_days"),
        ({"max_block_days": 400}, "abuse.max_block_days"),
        ({"calls_an_hour": 3}, "abuse.calls_an_hour: unknown key"),
    ],
)
def test_a_value_it_cannot_use_is_refused_naming_the_key(section, named):
    with pytest.raises(AbuseConfigError, match=named):
        parse_abuse_config(section)


def test_hashes_differ_per_key_and_purpose_and_every_key_matches():
    old, new = generate_key(), generate_key()
    before, after = CallerHasher([old]), CallerHasher([new, old])
    number = "+4915123456789"
    assert after.number(number) != before.number(number)
    assert after.number_hashes(number) == (after.number(number), before.number(number))
    assert after.key_ids[1] == before.newest_key_id != after.newest_key_id
    assert before.number(number) != before.email(number)  # purposes never meet
    assert before.email(" Amt@Example.org") == before.email("amt@example.org")
    assert number not in before.number(number) and len(before.number(number)) == 64


def test_a_hash_key_must_be_a_key():
    with pytest.raises(InvalidDataKey):
        CallerHasher(["short"])


def test_every_refusal_has_its_words_on_a_case():
    for outcome in (CallOutcome.BLOCKED, CallOutcome.TOO_MANY_CALLS, CallOutcome.CHALLENGE_FAILED):
        assert CALL_OUTCOMES[outcome].startswith("abgewiesen")
