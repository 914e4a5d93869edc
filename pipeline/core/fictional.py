"""Contact details that may stand in illustrative outputs: only clearly fictional ones.

An output built on illustrative data must never send a reader to a real mailbox, web site or
telephone: a county board that tries the project's example would otherwise write to the agency's
real public address. Fictional means:

* e-mail and web addresses on the domains reserved for examples (RFC 2606: example.org,
  example.com, example.net and the top-level domains .example, .test, .invalid, .localhost);
* telephone numbers whose digits after the leading 0 (or +46) are all zeros ("000-000 00 00"),
  and postal codes of zeros ("000 00 Exempelstad").

`real_looking_contacts` finds everything else that reads as a contact: an e-mail address, a web
address (with or without http:// or www.), a bare domain of the kind an agency has (a word, a dot
and se, nu, org, com, net, eu or gov), and a Swedish telephone number (an area code, a dash or a
space, digits) or postal code ("601 70 Norrköping").
"""

from __future__ import annotations

import re

RESERVED_DOMAINS = ("example.org", "example.com", "example.net")
RESERVED_TOP_LEVEL = (".example", ".test", ".invalid", ".localhost")

_EMAIL = re.compile(r"[\w.+-]+@((?:[\w-]+\.)+[a-z]{2,})", re.IGNORECASE)
_DOMAIN = re.compile(r"(?<![\w@.-])((?:[a-z0-9-]+\.)+(?:se|nu|org|com|net|eu|gov|example|test|"
                     r"invalid|localhost))\b(?![.@-]?\w)", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w,.+-])(?:\+46[ -]?|0)(\d{1,3})[ -](\d[\d -]{3,}\d)(?![\w,-])")
_POSTAL_CODE = re.compile(r"(?<!\d )(?<![\w,.])(\d{3}) (\d{2})(?= [A-ZÅÄÖ][a-zåäö]+)")


def real_looking_contacts(text: str) -> list[str]:
    """Every e-mail address, web domain and telephone number in `text` that is not fictional."""
    found = [match.group(0) for match in _EMAIL.finditer(text)
             if not fictional_domain(match.group(1))]
    without_emails = _EMAIL.sub(" ", text)
    found += [match.group(1) for match in _DOMAIN.finditer(without_emails)
              if not fictional_domain(match.group(1))]
    found += [match.group(0).strip() for match in _PHONE.finditer(without_emails)
              if set(re.sub(r"\D", "", match.group(1) + match.group(2))) != {"0"}]
    found += [match.group(0) for match in _POSTAL_CODE.finditer(without_emails)
              if set(match.group(1) + match.group(2)) != {"0"}]
    return found


def fictional_domain(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return (domain in RESERVED_DOMAINS or domain.endswith(RESERVED_TOP_LEVEL)
            or any(domain.endswith("." + reserved) for reserved in RESERVED_DOMAINS))
