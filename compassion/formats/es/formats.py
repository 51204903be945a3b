"""Dates in Spanish as the participants read them: "miércoles 25 de noviembre de 2026 a las 14:00".

Django's own Spanish formats leave out the weekday; the program's messages name it, as the
English ones do. ``FORMAT_MODULE_PATH`` in the settings points here.
"""

DATE_FORMAT = r"l j \d\e F \d\e Y"
DATETIME_FORMAT = r"l j \d\e F \d\e Y \a \l\a\s H:i"
