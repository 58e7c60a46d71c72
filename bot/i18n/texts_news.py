"""Texts of /digest and the headlines offered after /start."""

EN: dict[str, str] = {
    "news.nothing_new": "Nothing new since {when}. I will send news as soon as it arrives.",
    "news.nothing_new_next": "Nothing new since {when}. Next digest: {next}.",
    "news.nothing_new_off": (
        "Nothing new since {when}. Your schedule is off: send /digest again later, "
        "or set times with /schedule."
    ),
    "news.nothing_new_matching": (
        "Nothing new for your topics and languages since {when}. "
        "See /topics and /languages to widen them."
    ),
    "news.not_subscribed": "This chat is not subscribed. Send /start first.",
    "news.latest_intro": "Meanwhile, the latest headlines for you:",
    "news.coming": "Here is what is new:",
}

UK: dict[str, str] = {
    "news.nothing_new": "Нічого нового з {when}. Я надішлю новини, щойно вони з'являться.",
    "news.nothing_new_next": "Нічого нового з {when}. Наступний дайджест: {next}.",
    "news.nothing_new_off": (
        "Нічого нового з {when}. Розклад вимкнено: надішліть /digest пізніше "
        "або встановіть час у /schedule."
    ),
    "news.nothing_new_matching": (
        "Нічого нового за вашими темами та мовами з {when}. Розширити їх: /topics і /languages."
    ),
    "news.not_subscribed": "Цей чат не підписаний. Спершу надішліть /start.",
    "news.latest_intro": "А поки що останні заголовки для вас:",
    "news.coming": "Ось що нового:",
}
