"""Texts of the digest messages."""

EN: dict[str, str] = {
    "digest.header": "📰 News · {when}",
}

UK: dict[str, str] = {
    "digest.header": "📰 Новини · {when}",
}
