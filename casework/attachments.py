"""What a file added to a case may be: its type told by its content, never by its name, its size,
and the name it is kept and offered under.

Types come from the first bytes (``filetype``, pure Python: no system library to install): PDF,
JPEG, PNG, HEIC and Word (DOCX); plain text is what no such signature matches and reads as UTF-8
text with no control characters. Anything else is refused with a sentence a person understands.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import KIND_LABELS

# Detected MIME type: the extension a kept file gets (its label: models.KIND_LABELS).
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "image/heif": "heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
}
ALLOWED_SAID = gettext_lazy("a PDF, a picture (JPEG, PNG or HEIC), a Word document (DOCX) or plain text")
NAME_MAX = 100
SNIFF_BYTES = 8192
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class FileRefused(ValueError):
    """The file cannot be kept; the message says why, for the person who chose it."""


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    label: str
    size: int


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def check(upload: UploadedFile) -> Checked:
    """The file's type by its content, its size and a clean name; ``FileRefused`` if it may not be kept."""
    size = upload.size or 0
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if size > max_bytes():
        raise FileRefused(
            _("The file is %(size)s MB; a file can be at most %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": settings.ATTACHMENT_MAX_MB}
        )
    content_type = sniff(upload)
    if content_type not in EXTENSIONS:
        raise FileRefused(
            _(
                "This file's content is not a kind that can be kept: please choose %(kinds)s. "
                "(Renaming a file does not change what it is.)"
            )
            % {"kinds": ALLOWED_SAID}
        )
    extension = EXTENSIONS[content_type]
    return Checked(
        name=clean_name(upload.name or "", extension),
        content_type=content_type,
        label=KIND_LABELS[content_type],
        size=size,
    )


def sniff(upload: UploadedFile) -> str:
    """The MIME type the file's content says (its name is not asked)."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    # No known signature: plain text if the whole of it is readable text.
    upload.seek(0)
    body = upload.read()
    upload.seek(0)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "application/octet-stream" if TEXT_CONTROL.search(text) else "text/plain"


def clean_name(name: str, extension: str) -> str:
    """The name shown and offered for download: no folders, no control or odd characters, at most
    ``NAME_MAX`` characters, ending in the extension of what the file really is."""
    name = PureWindowsPath(PurePosixPath(name).name).name  # "C:\\x\\y.pdf" and "../y.pdf" alike
    name = unicodedata.normalize("NFKC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C"})
    name = re.sub(r"[\\/:*?\"<>|;]+", "_", name).strip(" ._")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"\s+", " ", stem).strip(" ._") or "file"
    stem = stem[: NAME_MAX - len(extension) - 1].rstrip(" ._") or "file"
    return f"{stem}.{extension}"
