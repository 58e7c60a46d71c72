"""Texts of the digest messages.

Month names are in the form a date needs: Ukrainian genitive ("28 січня").
"""

EN: dict[str, str] = {
    "digest.header": "📰 News · {when}",
    "digest.when": "{day} {month}, {time}",
    "digest.month.1": "January",
    "digest.month.2": "February",
    "digest.month.3": "March",
    "digest.month.4": "April",
    "digest.month.5": "May",
    "digest.month.6": "June",
    "digest.month.7": "July",
    "digest.month.8": "August",
    "digest.month.9": "September",
    "digest.month.10": "October",
    "digest.month.11": "November",
    "digest.month.12": "December",
    "digest.other": "🗂 Other",
    "digest.continued": "{heading} (cont.)",
    "digest.more": "+{count} more not shown: follow fewer /topics, or use /digest more often.",
    "digest.untitled": "(untitled)",
}

UK: dict[str, str] = {
    "digest.header": "📰 Новини · {when}",
    "digest.when": "{day} {month}, {time}",
    "digest.month.1": "січня",
    "digest.month.2": "лютого",
    "digest.month.3": "березня",
    "digest.month.4": "квітня",
    "digest.month.5": "травня",
    "digest.month.6": "червня",
    "digest.month.7": "липня",
    "digest.month.8": "серпня",
    "digest.month.9": "вересня",
    "digest.month.10": "жовтня",
    "digest.month.11": "листопада",
    "digest.month.12": "грудня",
    "digest.other": "🗂 Інше",
    "digest.continued": "{heading} (продовження)",
    "digest.more": (
        "+{count} не показано: оберіть менше тем у /topics або частіше надсилайте /digest."
    ),
    "digest.untitled": "(без назви)",
}
