"""Texts of the conversation: commands, buttons, errors."""

EN: dict[str, str] = {
}

UK: dict[str, str] = {
}
