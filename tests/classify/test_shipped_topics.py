"""The topic set shipped in config.example.toml, on headlines like the ones we serve."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.classify.topics import TopicMatcher, classify_topics, keyword_problem
from bot.domain import Topic

ROOT = Path(__file__).parent.parent.parent
FIXTURE = ROOT / "tests" / "data" / "headlines_topics.tsv"


def _topic(raw: dict[str, Any]) -> Topic:
    """One [[topics]] table as bot.domain.Topic (what the config layer hands to classify)."""
    return Topic(
        id=raw["id"],
        names=dict(raw["name"]),
        keywords={lang: tuple(words) for lang, words in raw.get("keywords", {}).items()},
        categories=tuple(raw.get("categories", ())),
        emoji=raw.get("emoji", ""),
    )


def _shipped() -> tuple[Topic, ...]:
    with (ROOT / "config.example.toml").open("rb") as f:
        return tuple(_topic(raw) for raw in tomllib.load(f)["topics"])


TOPICS = _shipped()
MATCHER = TopicMatcher(TOPICS)


def _topics_of(title: str, summary: str = "", categories: tuple[str, ...] = ()) -> set[str]:
    return set(MATCHER.match(title, summary, categories))


def _fixture() -> list[Any]:
    rows = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        must, may, title, summary = line.split("\t")
        rows.append(
            pytest.param(
                set() if must == "-" else set(must.split(",")),
                set() if may == "-" else set(may.split(",")),
                title,
                "" if summary == "-" else summary,
                id=title[:50],
            )
        )
    return rows


def test_shipped_topics_are_complete() -> None:
    ids = [t.id for t in TOPICS]
    required = ["defense", "politics", "economy", "world", "society", "culture", "education"]
    required += ["technology", "sport", "health", "science"]
    assert set(required) <= set(ids)
    assert len(ids) == len(set(ids))
    for topic in TOPICS:
        assert topic.names.get("en") and topic.names.get("uk"), topic.id
        assert len(topic.emoji) == 1, topic.id
        assert {"en", "uk", "ru"} <= set(topic.keywords), topic.id
        assert topic.categories, topic.id
        for words in topic.keywords.values():
            assert len(words) == len(set(words)), topic.id
            assert all(keyword_problem(w) is None for w in words), topic.id


def test_fixture_is_big_enough() -> None:
    assert len(_fixture()) >= 27


@pytest.mark.parametrize(("must", "may", "title", "summary"), _fixture())
def test_headline_lands_where_a_reader_expects(
    must: set[str], may: set[str], title: str, summary: str
) -> None:
    got = _topics_of(title, summary)
    assert must <= got, f"missing {must - got}"
    assert got <= must | may, f"unexpected {got - must - may}"


@pytest.mark.parametrize(
    ("title", "must", "may"),
    [
        (
            "NATO to share classified data with EU and defense industry to boost production "
            "and standardization",
            {"defense", "world"},
            set(),
        ),
        (
            "Міноборони працює над полегшеними бронежилетами та зимовим одягом "
            "для жінок-військових",
            {"defense"},
            set(),
        ),
        (
            "Глави МЗС України та Іспанії підписали угоду про співпрацю в галузі освіти",
            {"education"},
            {"politics", "world"},
        ),
        (
            "Фіцо назвав Зеленського ворогом Словаччини та пригрозив заблокувати допомогу Україні "
            "від ЄС",
            {"politics"},
            {"world"},
        ),
        (
            "Зеленський доручив урядовцям дати звіт щодо програм підтримки США, які призупинені",
            {"politics"},
            {"world"},
        ),
        ("У Львові відкрили перший в Україні Культурний хаб ЮНЕСКО", {"culture"}, set()),
        ("У супермаркетах Канади облаштували полички з українськими товарами", {"economy"}, set()),
    ],
)
def test_seed_headline_alone_lands_where_a_reader_expects(
    title: str, must: set[str], may: set[str]
) -> None:
    got = _topics_of(title)
    assert must <= got <= must | may


@pytest.mark.parametrize(
    ("title", "not_topic"),
    [
        ("Software update makes award-winning app faster", "defense"),
        ("Warsaw hosts a jazz festival", "defense"),
        ("Warner Bros. announces new series", "defense"),
        ("Powerful storm hits the coast", "defense"),
        ("Think tank publishes annual report", "defense"),
        ("Танкер з нафтою прибув до порту", "defense"),
        ("Окупність проєкту склала три роки", "defense"),
        ("Туристи підкорили полонину Боржава", "defense"),
        ("Фронтенд-розробники отримали нові курси", "defense"),
        ("Сайт газети оновили", "economy"),
        ("Товариство Червоного Хреста відкрило новий пункт", "economy"),
        ("Подорожі Україною: п'ять маршрутів на вихідні", "economy"),
        ("Ліцензування таксі спростять", "education"),
        ("Кулеба про вступ до НАТО", "education"),
        ("Українки вибороли золото на чемпіонаті Європи", "politics"),
        ("Сторони погодилися продовжити розмову", "society"),
        ("Усик переміг одноголосним рішенням суддів", "society"),
        ("Health Ministry launches e-prescriptions", "politics"),
        ("Збірник віршів молодих авторів", "sport"),
    ],
)
def test_near_misses_stay_out(title: str, not_topic: str) -> None:
    assert not_topic not in _topics_of(title)


def test_boilerplate_war_in_a_summary_does_not_make_defense_news() -> None:
    summary = "The economy continued to recover despite Russia's full-scale war."
    assert "defense" not in _topics_of("Ukraine's GDP grew 3%", summary)
    assert "defense" in _topics_of("War in Ukraine: day 1000")
    assert "defense" not in _topics_of("ВВП зріс на 3%", "попри повномасштабну війну")
    assert "defense" in _topics_of("Війна в Україні: 1000 днів")


def test_feed_categories_in_both_languages() -> None:
    assert "defense" in _topics_of("Day 1000", categories=("Війна",))
    assert "politics" in _topics_of("Day 1000", categories=("  POLITICS ",))
    assert "economy" in _topics_of("Day 1000", categories=("Економіка",))
    assert "health" in _topics_of("Day 1000", categories=("Здоровʼя",))  # another apostrophe


def test_source_topics_are_carried_through_the_function() -> None:
    got = classify_topics("Головне за добу", "", [], topics=TOPICS, fixed=("economy",))
    assert got == ("economy",)
