"""Argument parsing: times, id lists, time zones, callback tokens."""

from __future__ import annotations

from datetime import time
from zoneinfo import available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.handlers.buttons import Refused, toggle
from bot.handlers.parse import (
    MAX_TIMES,
    ParseError,
    choose,
    format_times,
    from_token,
    is_all,
    parse_time,
    parse_times,
    resolve_timezone,
    token,
    words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:00", time(8)), ("8:00", time(8)), ("8.00", time(8)), ("20:30", time(20, 30)),
     ("8", time(8)), ("23:59", time(23, 59)), ("0:05", time(0, 5)), ("7h30", time(7, 30))],
)  # fmt: skip
def test_times_people_type_are_understood(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "8:60", "8:0", "eight", "", "8:00pm", "-1", "123"])
def test_times_that_are_not_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_times_are_sorted_deduplicated_and_the_bad_words_named() -> None:
    assert parse_times(["20:00", "8.00", "08:00"]) == (time(8), time(20))
    with pytest.raises(ParseError) as error:
        parse_times(["08:00", "noon", "25:00"])
    assert error.value.bad == ("noon", "25:00")


def test_at_most_six_times() -> None:
    assert len(parse_times([f"{h}:00" for h in range(MAX_TIMES)])) == MAX_TIMES
    with pytest.raises(ParseError) as error:
        parse_times([f"{h}:00" for h in range(MAX_TIMES + 1)])
    assert error.value.bad == ()


@given(st.lists(st.times().map(lambda x: x.replace(second=0, microsecond=0)), max_size=6))
def test_formatted_times_parse_back(times: list[time]) -> None:
    expected = tuple(sorted(set(times)))
    if expected:
        assert parse_times(words([format_times(expected)])) == expected


@given(st.text(max_size=12))
def test_parse_time_never_fails_other_than_value_error(text: str) -> None:
    try:
        result = parse_time(text)
    except ValueError:
        return
    assert isinstance(result, time)


def test_words_split_on_commas_and_spaces() -> None:
    assert words(["uk,en", " de ", ""]) == ["uk", "en", "de"]
    assert is_all(["ALL"]) and not is_all(["all", "uk"])


def test_choose_keeps_config_order_and_names_unknown_ids() -> None:
    valid = ("defense", "politics", "culture")
    assert choose(["Politics", "defense", "defense"], valid) == ("defense", "politics")
    with pytest.raises(ParseError) as error:
        choose(["defense", "sport", "sport"], valid)
    assert error.value.bad == ("sport",)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("Europe/Kyiv", "Europe/Kyiv"), ("europe/kyiv", "Europe/Kyiv"), ("Kyiv", "Europe/Kyiv"),
     ("Київ", "Europe/Kyiv"), ("Europe/Kiev", "Europe/Kyiv"), ("kiev", "Europe/Kyiv"),
     ("new york", "America/New_York"), ("UTC", "UTC"), ("berlin", "Europe/Berlin"),
     ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires")],
)  # fmt: skip
def test_time_zones_people_type_are_understood(typed: str, zone: str) -> None:
    assert resolve_timezone(typed).zone == zone


def test_a_wrong_zone_gets_close_suggestions() -> None:
    match = resolve_timezone("Europe/Kyyiv")
    assert match.zone is None
    assert "Europe/Kyiv" in match.suggestions
    assert resolve_timezone("Mars/Olympus_Mons_Base_Camp_Nine").zone is None
    assert resolve_timezone("   ").zone is None


def test_every_iana_zone_resolves_to_itself_or_its_current_name() -> None:
    zones = available_timezones()
    for zone in zones:
        found = resolve_timezone(zone).zone
        assert found is not None and found in zones


@given(st.text(min_size=1, max_size=80))
def test_callback_tokens_fit_and_map_back(value: str) -> None:
    tok = token(value)
    assert len(f"t:{tok}".encode()) <= 64
    assert from_token(tok, ["other", value]) == value


def test_toggle_flips_keeps_order_and_never_empties() -> None:
    valid = ("a", "b", "c")
    assert toggle(None, "b", valid) == ("a", "c")
    assert toggle(("c",), "a", valid) == ("a", "c")
    assert toggle(("a", "gone"), "b", valid) == ("a", "b")
    with pytest.raises(Refused):
        toggle(("a",), "a", valid)
