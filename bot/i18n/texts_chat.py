"""Texts of the conversation: commands, buttons, errors."""

EN: dict[str, str] = {
    "start.welcome": (
        "👋 Hello! I send news digests: headlines from {sources} sources, "
        "one line per story.\n\n"
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
    "unknown_command": "I don't know that command. Send /help to see what I can do.",
    "unknown_text": "I only understand commands. Send /help to see them.",
    "help": (
        "<b>News digests</b>: headlines from the sources you choose, one line per story.\n\n"
        "/start: subscribe\n"
        "/stop: unsubscribe (settings are kept)\n"
        "/topics: choose topics, or /topics defense politics, /topics all\n"
        "/languages: choose news languages, or /languages uk en\n"
        "/schedule: show or set times: /schedule 08:00 20:00, /schedule instant, /schedule off\n"
        "/timezone: set your time zone, e.g. /timezone Europe/Kyiv\n"
        "/digest: what is new right now\n"
        "/settings: all settings on one screen\n"
        "/sources: where the news comes from\n"
        "/language: the bot's interface language (en or uk)\n"
        "/help: this message"
    ),
    "error.internal": "Sorry, something went wrong on my side. Please try again in a minute.",
}

UK: dict[str, str] = {
    "start.welcome": (
        "👋 Вітаю! Я надсилаю дайджести новин: заголовки з {sources} джерел, "
        "один рядок на подію.\n\n"
        "Ви отримуватимете: {what}\n"
        "Коли: {when}\n\n"
        "Оберіть теми нижче або подивіться /help, щоб дізнатися більше."
    ),
    "start.welcome_back": (
        "👋 З поверненням! Ваші налаштування збережено.\n\n"
        "Ви отримуватимете: {what}\nКоли: {when}\n\nЗмінити їх: /settings."
    ),
    "start.already": "Ви вже підписані.\n\nВи отримуєте: {what}\nКоли: {when}",
    "stop.done": "🔕 Підписку скасовано. Налаштування збережено: надішліть /start, щоб повернутися.",
    "stop.not_subscribed": "Ви не підписані. Надішліть /start, щоб підписатися.",
    "what": "{topics}, мови: {languages}",
    "topics.all": "усі теми",
    "languages.all": "усі мови",
    "when.times": "щодня о {times} ({timezone})",
    "when.instant": "щойно з'являються новини",
    "when.off": "лише коли ви надсилаєте /digest",
    "group.admins_only": "Змінювати налаштування групи можуть лише її адміністратори.",
    "unknown_command": "Я не знаю такої команди. Надішліть /help, щоб побачити, що я вмію.",
    "unknown_text": "Я розумію лише команди. Надішліть /help, щоб їх побачити.",
    "help": (
        "<b>Дайджести новин</b>: заголовки з обраних джерел, один рядок на подію.\n\n"
        "/start: підписатися\n"
        "/stop: відписатися (налаштування збережуться)\n"
        "/topics: обрати теми, або /topics defense politics, /topics all\n"
        "/languages: обрати мови новин, або /languages uk en\n"
        "/schedule: розклад: /schedule 08:00 20:00, /schedule instant, /schedule off\n"
        "/timezone: часовий пояс, напр. /timezone Europe/Kyiv\n"
        "/digest: що нового просто зараз\n"
        "/settings: усі налаштування на одному екрані\n"
        "/sources: звідки новини\n"
        "/language: мова інтерфейсу бота (en або uk)\n"
        "/help: це повідомлення"
    ),
    "error.internal": "Вибачте, у мене щось пішло не так. Спробуйте ще раз за хвилину.",
}
