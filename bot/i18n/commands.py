"""The command menu Telegram shows, per interface language."""

COMMANDS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("start", "Subscribe to news digests"),
        ("digest", "What is new right now"),
        ("topics", "Choose topics"),
        ("languages", "Choose news languages"),
        ("schedule", "When to send digests"),
        ("timezone", "Set your time zone"),
        ("settings", "All settings"),
        ("sources", "Where the news comes from"),
        ("language", "Bot interface language"),
        ("stop", "Unsubscribe (settings are kept)"),
        ("help", "What I can do"),
    ],
    "uk": [
        ("start", "Підписатися на дайджести новин"),
        ("digest", "Що нового просто зараз"),
        ("topics", "Обрати теми"),
        ("languages", "Обрати мови новин"),
        ("schedule", "Коли надсилати дайджести"),
        ("timezone", "Часовий пояс"),
        ("settings", "Усі налаштування"),
        ("sources", "Звідки новини"),
        ("language", "Мова інтерфейсу бота"),
        ("stop", "Відписатися (налаштування збережуться)"),
        ("help", "Що я вмію"),
    ],
}
