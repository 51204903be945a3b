"""The shape of a case reference in addresses: ``CCP-2026-0042``.

Every address about a case takes its reference through this converter, so an address with
anything else in that place (a NUL byte, a thousand characters) is a plain 404 before any
view or query runs.
"""


class ReferenceConverter:
    regex = r"CCP-[0-9]{4}-[0-9]{4,10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
