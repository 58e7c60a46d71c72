"""Which items a chat's digest holds: its languages and its topics."""

from __future__ import annotations

from bot.digest import select_items
from bot.domain import ChatSettings, StoredItem

from .helpers import at, item


def ids(items: list[StoredItem]) -> list[int]:
    return [it.id for it in items]


def test_no_languages_chosen_means_every_language() -> None:
    items = [item(1, lang="uk"), item(2, lang="en"), item(3, lang="de")]
    assert ids(select_items(items, ChatSettings(1))) == [1, 2, 3]


def test_only_the_chats_languages() -> None:
    items = [item(1, lang="uk"), item(2, lang="en"), item(3, lang="de")]
    assert ids(select_items(items, ChatSettings(1, languages=("uk", "en")))) == [1, 2]


def test_chat_following_all_topics_gets_items_without_topics_too() -> None:
    items = [item(1, topics=("defense",)), item(2, topics=())]
    assert ids(select_items(items, ChatSettings(1, topics=None))) == [1, 2]


def test_chat_with_topics_gets_items_carrying_one_of_them() -> None:
    items = [
        item(1, topics=("defense", "economy")),
        item(2, topics=("economy",)),
        item(3, topics=()),
        item(4, topics=("politics",)),
    ]
    chat = ChatSettings(1, topics=("politics", "defense"))
    assert ids(select_items(items, chat)) == [1, 4]


def test_chat_following_no_topic_gets_nothing() -> None:
    assert select_items([item(1), item(2, topics=())], ChatSettings(1, topics=())) == []


def test_languages_and_topics_both_apply() -> None:
    items = [
        item(1, lang="uk", topics=("defense",)),
        item(2, lang="en", topics=("education",)),
        item(3, lang="de", topics=("defense",)),
    ]
    chat = ChatSettings(1, languages=("uk", "en"), topics=("defense",))
    assert ids(select_items(items, chat)) == [1]


def test_since_keeps_only_items_stored_after_it() -> None:
    items = [item(1, published=at(8)), item(2, published=at(9)), item(3, published=at(10))]
    assert ids(select_items(items, ChatSettings(1), since=at(9))) == [3]
