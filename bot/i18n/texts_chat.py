"""Texts of the conversation: commands, buttons, errors.

HTML parse mode: names from the config are escaped by the handlers before they are put in.
"Interface language" (the bot's own, /language) and "news languages" (/languages) are always
called that, so the two are never confused.
"""

EN: dict[str, str] = {
    "start.welcome": (
        "👋 Hello! I send news digests: the headlines of the outlets on /sources "
        "(now {sources}), one line per story.\n\n"
        "You will get: {what}\n"
        "When: {when}\n\n"
        "Choose topics below, or see /help for everything I can do."
    ),
    "start.welcome_back": (
        "👋 Welcome back! Your settings are as you left them.\n\n"
        "You will get: {what}\nWhen: {when}\n\nSee /settings to change them."
    ),
    "start.already": "You are already subscribed.\n\nYou get: {what}\nWhen: {when}",
    "stop.done": "🔕 Unsubscribed. Your settings are kept: send /start to come back.",
    "stop.not_subscribed": "You are not subscribed. Send /start to subscribe.",
    "what": "{topics} in {languages}",
    "topics.all": "all topics",
    "languages.all": "every language",
    "when.times": "every day at {times} ({timezone})",
    "when.instant": "as soon as news arrives",
    "when.off": "only when you send /digest",
    "group.admins_only": "Only this group's administrators can change its settings.",
    "group.hello": (
        "👋 Hello, everyone! I will post news digests here.\n\n"
        "You will get: {what}\nWhen: {when}\n\n"
        "Group administrators can change this with /settings; /help lists everything."
    ),
    "unknown_command": "I don't know the command {command}. Send /help to see what I can do.",
    "unknown_command.suggest": "Did you mean {command}?",
    "unknown_text": "I only understand commands. Send /help to see them.",
    "help": (
        "<b>News digests</b>: headlines from the sources you choose, one line per story.\n\n"
        "/start: subscribe\n"
        "/stop: unsubscribe (settings are kept)\n"
        "/topics: choose topics, or /topics defense politics, /topics all\n"
        "/languages: choose news languages, or /languages uk en\n"
        "/schedule: show or set times: /schedule 08:00 20:00, /schedule instant, /schedule off\n"
        "/timezone: set your time zone: /timezone Europe/Kyiv, /timezone Kyiv, /timezone UTC+2\n"
        "/digest: what is new right now\n"
        "/settings: all settings on one screen\n"
        "/sources: where the news comes from\n"
        "/language: the bot's interface language (en or uk)\n"
        "/help: this message"
    ),
    "error.internal": "Sorry, something went wrong on my side. Please try again in a minute.",
    # buttons
    "button.all": "All",
    "button.done": "Done",
    "button.topics": "🗂 Topics",
    "button.languages": "📰 News languages",
    "button.schedule": "⏰ Schedule",
    "button.timezone": "🕓 Time zone",
    "button.ui": "💬 Interface language",
    "button.instant": "⚡ As news arrives",
    "button.off": "🔕 Only on /digest",
    "callback.admins_only": "Only this group's administrators can change its settings.",
    "callback.stale": "This button is out of date. Send /settings for fresh ones.",
    "callback.unchanged": "Already so: nothing to change.",
    "saved": "✅ Saved.\n\nYou get: {what}\nWhen: {when}",
    # /topics
    "topics.screen": (
        "<b>Topics</b>: tap one to follow or unfollow it (✅ = followed).\n"
        "Or type it: /topics {example}, or /topics all."
    ),
    "topics.set": "✅ Topics: {topics}.",
    "topics.unknown": (
        "I don't know the topic {unknown}. The topics are:\n{valid}\n\n"
        "For example: /topics {example}, or /topics all."
    ),
    "topics.none_configured": "This bot has no topics configured: you get all the news.",
    "topics.keep_one": "Keep at least one topic, or press “All”.",
    # /languages (news)
    "languages.screen": (
        "<b>News languages</b>: tap one to get or skip news in it (✅ = you get it).\n"
        "Or type it: /languages {example}, or /languages all.\n"
        "This is about the news; the language I write in is the interface language: /language."
    ),
    "languages.set": "✅ News languages: {languages}.",
    "languages.unknown": (
        "I don't know the news language {unknown}. The news languages are:\n{valid}\n\n"
        "For example: /languages {example}, or /languages all."
    ),
    "languages.keep_one": "Keep at least one news language, or press “All”.",
    # /schedule
    "schedule.screen": (
        "<b>Schedule</b>: {when}.\n\n"
        "Choose below, or type:\n"
        "/schedule 08:00 20:00: up to {max} times a day, 24-hour\n"
        "/schedule instant: as news arrives\n"
        "/schedule off: only when you send /digest"
    ),
    "schedule.set": "✅ Digests: {when}.",
    "schedule.next": "Next digest: {next}.",
    "schedule.bad": (
        "I could not read {bad} as a time. Send up to {max} times of day, 24-hour, "
        "like /schedule 08:00 20:00; or /schedule instant; or /schedule off."
    ),
    "schedule.too_many": (
        "At most {max} times a day, please; for example /schedule 08:00 13:00 20:00."
    ),
    "schedule.inactive": "You are not subscribed now: send /start to get digests.",
    # /timezone
    "timezone.screen": (
        "<b>Time zone</b>: {timezone} (the time there now: {now}).\n\n"
        "Choose below, or type any zone: /timezone Europe/Kyiv."
    ),
    "timezone.set": "✅ Time zone: {timezone} (the time there now: {now}).\nDigests: {when}.",
    "timezone.unknown": (
        "I don't know the time zone “{given}”. Did you mean:\n{suggestions}\n\n"
        "Tap one below, or type it like /timezone Europe/Kyiv."
    ),
    "timezone.unknown_none": (
        "I don't know the time zone “{given}”. Type a Region/City zone like "
        "/timezone Europe/Kyiv or /timezone America/New_York, a city like /timezone Kyiv, "
        "or an offset like /timezone UTC+2."
    ),
    "timezone.fixed_offset": (
        "A fixed offset does not move for summer time; to follow it, name your city: "
        "/timezone Kyiv."
    ),
    # /settings
    "settings.screen": (
        "<b>Settings</b>\n\n"
        "Subscription: {status}\n"
        "Topics: {topics}\n"
        "News languages: {languages}\n"
        "Schedule: {when}\n"
        "Time zone: {timezone}\n"
        "Interface language: {ui}"
    ),
    "settings.on": "on",
    "settings.off": "off (send /start to subscribe)",
    # /language (interface)
    "ui.screen": (
        "<b>Interface language</b> (the language I write in): {name}.\n"
        "To choose the languages of the news, use /languages."
    ),
    "ui.set": "✅ Interface language: {name}. The news languages are separate: /languages.",
    "ui.unknown": (
        "I can write in English or Ukrainian: /language en or /language uk.\n"
        "To choose the languages of the news, use /languages."
    ),
    # /sources
    "sources.header": "<b>Sources</b> ({count}):",
    "sources.line": "• <b>{name}</b>: {language}; {topics}",
    "sources.detected": "language detected per item",
    "sources.by_keywords": "topics by keywords",
    "sources.topics": "always {topics}",
    "sources.failing": "⚠️ not read since {since}",
    "sources.failing_never": "⚠️ not read yet",
    "sources.failing_note": "⚠️: could not be read lately; I keep retrying.",
    "sources.none": "No sources are configured yet.",
    # names of news languages
    "lang.uk": "Ukrainian",
    "lang.en": "English",
    "lang.de": "German",
    "lang.pl": "Polish",
    "lang.fr": "French",
    "lang.es": "Spanish",
    "lang.it": "Italian",
    "lang.ru": "Russian",
    "lang.be": "Belarusian",
    "lang.ro": "Romanian",
    "lang.cs": "Czech",
    "lang.sk": "Slovak",
    "lang.hu": "Hungarian",
    "lang.lt": "Lithuanian",
    "lang.lv": "Latvian",
    "lang.et": "Estonian",
    "lang.ka": "Georgian",
    "lang.tr": "Turkish",
    "lang.crh": "Crimean Tatar",
    # interface languages, each in its own language (as language pickers show them)
    "ui.name.en": "English",
    "ui.name.uk": "Українська",
}

UK: dict[str, str] = {
    "start.welcome": (
        "👋 Вітаю! Я надсилаю дайджести новин: заголовки видань зі списку /sources "
        "(зараз їх {sources}), один рядок на подію.\n\n"
        "Ви отримуватимете: {what}\n"
        "Коли: {when}\n\n"
        "Оберіть теми нижче або подивіться /help, щоб дізнатися більше."
    ),
    "start.welcome_back": (
        "👋 З поверненням! Ваші налаштування збережено.\n\n"
        "Ви отримуватимете: {what}\nКоли: {when}\n\nЗмінити їх: /settings."
    ),
    "start.already": "Ви вже підписані.\n\nВи отримуєте: {what}\nКоли: {when}",
    "stop.done": (
        "🔕 Підписку скасовано. Налаштування збережено: надішліть /start, щоб повернутися."
    ),
    "stop.not_subscribed": "Ви не підписані. Надішліть /start, щоб підписатися.",
    "what": "{topics}, мови: {languages}",
    "topics.all": "усі теми",
    "languages.all": "усі мови",
    "when.times": "щодня о {times} ({timezone})",
    "when.instant": "щойно з'являються новини",
    "when.off": "лише коли ви надсилаєте /digest",
    "group.admins_only": "Змінювати налаштування групи можуть лише її адміністратори.",
    "group.hello": (
        "👋 Вітаю всіх! Я надсилатиму сюди дайджести новин.\n\n"
        "Ви отримуватимете: {what}\nКоли: {when}\n\n"
        "Адміністратори групи можуть змінити це в /settings; /help покаже все, що я вмію."
    ),
    "unknown_command": ("Я не знаю команди {command}. Надішліть /help, щоб побачити, що я вмію."),
    "unknown_command.suggest": "Можливо, ви мали на увазі {command}?",
    "unknown_text": "Я розумію лише команди. Надішліть /help, щоб їх побачити.",
    "help": (
        "<b>Дайджести новин</b>: заголовки з обраних джерел, один рядок на подію.\n\n"
        "/start: підписатися\n"
        "/stop: відписатися (налаштування збережуться)\n"
        "/topics: обрати теми, або /topics defense politics, /topics all\n"
        "/languages: обрати мови новин, або /languages uk en\n"
        "/schedule: розклад: /schedule 08:00 20:00, /schedule instant, /schedule off\n"
        "/timezone: часовий пояс: /timezone Europe/Kyiv, /timezone Київ, /timezone UTC+2\n"
        "/digest: що нового просто зараз\n"
        "/settings: усі налаштування на одному екрані\n"
        "/sources: звідки новини\n"
        "/language: мова інтерфейсу бота (en або uk)\n"
        "/help: це повідомлення"
    ),
    "error.internal": "Вибачте, у мене щось пішло не так. Спробуйте ще раз за хвилину.",
    "button.all": "Усі",
    "button.done": "Готово",
    "button.topics": "🗂 Теми",
    "button.languages": "📰 Мови новин",
    "button.schedule": "⏰ Розклад",
    "button.timezone": "🕓 Часовий пояс",
    "button.ui": "💬 Мова інтерфейсу",
    "button.instant": "⚡ Щойно з'являються",
    "button.off": "🔕 Лише на /digest",
    "callback.admins_only": "Змінювати налаштування групи можуть лише її адміністратори.",
    "callback.stale": "Ця кнопка застаріла. Надішліть /settings, щоб отримати нові.",
    "callback.unchanged": "Уже так: змінювати нічого.",
    "saved": "✅ Збережено.\n\nВи отримуєте: {what}\nКоли: {when}",
    "topics.screen": (
        "<b>Теми</b>: натисніть, щоб підписатися на тему чи відписатися (✅ = обрано).\n"
        "Або напишіть: /topics {example}, чи /topics all."
    ),
    "topics.set": "✅ Теми: {topics}.",
    "topics.unknown": (
        "Я не знаю теми {unknown}. Є такі теми:\n{valid}\n\n"
        "Наприклад: /topics {example}, або /topics all."
    ),
    "topics.none_configured": "У цього бота не налаштовано тем: ви отримуєте всі новини.",
    "topics.keep_one": "Залиште хоча б одну тему або натисніть «Усі».",
    "languages.screen": (
        "<b>Мови новин</b>: натисніть, щоб отримувати новини цією мовою чи ні (✅ = отримуєте).\n"
        "Або напишіть: /languages {example}, чи /languages all.\n"
        "Це про новини; мова, якою пишу я, це мова інтерфейсу: /language."
    ),
    "languages.set": "✅ Мови новин: {languages}.",
    "languages.unknown": (
        "Я не знаю мови новин {unknown}. Є такі мови новин:\n{valid}\n\n"
        "Наприклад: /languages {example}, або /languages all."
    ),
    "languages.keep_one": "Залиште хоча б одну мову новин або натисніть «Усі».",
    "schedule.screen": (
        "<b>Розклад</b>: {when}.\n\n"
        "Оберіть нижче або напишіть:\n"
        "/schedule 08:00 20:00: до {max} разів на день, 24-годинний формат\n"
        "/schedule instant: щойно з'являються новини\n"
        "/schedule off: лише коли ви надсилаєте /digest"
    ),
    "schedule.set": "✅ Дайджести: {when}.",
    "schedule.next": "Наступний дайджест: {next}.",
    "schedule.bad": (
        "Я не розумію {bad} як час. Надішліть до {max} значень часу у 24-годинному форматі, "
        "як-от /schedule 08:00 20:00; або /schedule instant; або /schedule off."
    ),
    "schedule.too_many": (
        "Не більше {max} разів на день, будь ласка; наприклад /schedule 08:00 13:00 20:00."
    ),
    "schedule.inactive": "Зараз ви не підписані: надішліть /start, щоб отримувати дайджести.",
    "timezone.screen": (
        "<b>Часовий пояс</b>: {timezone} (там зараз {now}).\n\n"
        "Оберіть нижче або напишіть будь-який пояс: /timezone Europe/Kyiv."
    ),
    "timezone.set": "✅ Часовий пояс: {timezone} (там зараз {now}).\nДайджести: {when}.",
    "timezone.unknown": (
        "Я не знаю часового поясу «{given}». Можливо, ви мали на увазі:\n{suggestions}\n\n"
        "Натисніть нижче або напишіть, як-от /timezone Europe/Kyiv."
    ),
    "timezone.unknown_none": (
        "Я не знаю часового поясу «{given}». Напишіть пояс у вигляді Регіон/Місто, як-от "
        "/timezone Europe/Kyiv чи /timezone America/New_York, місто: /timezone Київ, "
        "або зміщення: /timezone UTC+2."
    ),
    "timezone.fixed_offset": (
        "Фіксоване зміщення не змінюється на літній час; щоб ураховувати його, напишіть "
        "місто: /timezone Київ."
    ),
    "settings.screen": (
        "<b>Налаштування</b>\n\n"
        "Підписка: {status}\n"
        "Теми: {topics}\n"
        "Мови новин: {languages}\n"
        "Розклад: {when}\n"
        "Часовий пояс: {timezone}\n"
        "Мова інтерфейсу: {ui}"
    ),
    "settings.on": "увімкнено",
    "settings.off": "вимкнено (надішліть /start, щоб підписатися)",
    "ui.screen": (
        "<b>Мова інтерфейсу</b> (мова, якою пишу я): {name}.\n"
        "Щоб обрати мови новин, скористайтеся /languages."
    ),
    "ui.set": "✅ Мова інтерфейсу: {name}. Мови новин обираються окремо: /languages.",
    "ui.unknown": (
        "Я можу писати англійською чи українською: /language en або /language uk.\n"
        "Щоб обрати мови новин, скористайтеся /languages."
    ),
    "sources.header": "<b>Джерела</b> ({count}):",
    "sources.line": "• <b>{name}</b>: {language}; {topics}",
    "sources.detected": "мова визначається для кожної новини",
    "sources.by_keywords": "теми за ключовими словами",
    "sources.topics": "завжди {topics}",
    "sources.failing": "⚠️ не вдається прочитати з {since}",
    "sources.failing_never": "⚠️ ще не прочитано",
    "sources.failing_note": "⚠️: останнім часом не вдається прочитати; я пробую знову.",
    "sources.none": "Джерел ще не налаштовано.",
    "lang.uk": "Українська",
    "lang.en": "Англійська",
    "lang.de": "Німецька",
    "lang.pl": "Польська",
    "lang.fr": "Французька",
    "lang.es": "Іспанська",
    "lang.it": "Італійська",
    "lang.ru": "Російська",
    "lang.be": "Білоруська",
    "lang.ro": "Румунська",
    "lang.cs": "Чеська",
    "lang.sk": "Словацька",
    "lang.hu": "Угорська",
    "lang.lt": "Литовська",
    "lang.lv": "Латиська",
    "lang.et": "Естонська",
    "lang.ka": "Грузинська",
    "lang.tr": "Турецька",
    "lang.crh": "Кримськотатарська",
    "ui.name.en": "English",
    "ui.name.uk": "Українська",
}
