"""How many parts (segments) a text is sent in, as the networks count them.

A text that uses only the GSM 03.38 alphabet goes as GSM-7: 160 characters in one part, 153 a
part beyond (the characters of its extension table, such as € [ ] { }, count twice). Any other
character (an á, a curly quote, an emoji) makes the whole text UCS-2: 70 in one part, 67 a part
beyond, counted in UTF-16 code units. Each part is paid for, and phones may show them apart.
"""

import math
from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    length: int  # in the encoding's units
    parts: int


def count(text: str) -> Segments:
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        length = sum(2 if char in GSM7_EXTENSION else 1 for char in text)
        return Segments("GSM-7", length, 1 if length <= 160 else math.ceil(length / 153))
    length = len(text.encode("utf-16-le")) // 2
    return Segments("UCS-2", length, 1 if length <= 70 else math.ceil(length / 67))


# What a text needs to stay GSM-7: the letters outside GSM 03.38 written as their plain letter,
# as gateways' "smart encoding" does. é, ñ, ü, ¿ and ¡ are GSM-7 and stay.
PLAIN = str.maketrans(
    {
        "á": "a", "í": "i", "ó": "o", "ú": "u", "Á": "A", "Í": "I", "Ó": "O", "Ú": "U", "ê": "e", "â": "a",
        "ç": "c", "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " ",
    }
)
MOST_PARTS = 2


def fit(text: str) -> str:
    """The text as sent: as written if it goes in at most two parts; else, if that is what cuts it
    down, with its non-GSM letters made plain (one "á" makes a whole text UCS-2, where two parts
    hold 134 characters instead of 306, fewer than a personal link and a sentence need)."""
    if count(text).parts <= MOST_PARTS:
        return text
    plain = text.translate(PLAIN)
    return plain if count(plain).parts < count(text).parts else text
