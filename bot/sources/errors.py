"""The one exception the parsing side raises, so callers catch exactly one thing."""


class ParseError(ValueError):
    """The body is not a feed or page we can read; the message says why, in plain words."""
