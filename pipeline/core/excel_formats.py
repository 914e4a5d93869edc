"""Excel number formats for Swedish readers.

Every format carries the Swedish locale tag [$-41D], so LibreOffice shows a decimal comma and a
space as thousands separator ("1 000,00") whatever the reader's own locale; Excel shows the
separators of a Swedish system. The cells themselves hold plain numbers.
"""

SWEDISH = "[$-41D]"


def number_format(decimals: int, *, grouped: bool = False, signed: bool = False) -> str:
    """'[$-41D]0.00'-style format; `grouped` adds thousands grouping, `signed` a + before
    positive numbers (for changes)."""
    body = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    if signed:
        return f"{SWEDISH}+{body};{SWEDISH}-{body};{SWEDISH}{body}"
    return SWEDISH + body
