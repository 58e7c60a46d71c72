"""Reading news sources: fetch (HTTP), parse (feeds and pages), normalise (clean entries).

Pure of SQL and Telegram; imports only `bot.domain`. Entry points:
`fetch.fetch`, `parse.parse` / `parse.parse_off_loop` (raise `ParseError`),
`normalise.normalise` (returns `NormalEntry | None`).
"""
