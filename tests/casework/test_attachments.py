"""Files on a case: kept only when their content is an allowed kind and not too large, under a
clean name, served only to staff who may see the case, always as a download."""

from pathlib import Path

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CaseEvent
from cases.timeline import WorkflowError
from casework import attachments, services
from casework.models import Attachment
from tests.factories import full_case

from . import files

pytestmark = pytest.mark.django_db


def _add(client, case, name, content, **fields):
    data = {"file-file": files.upload(name, content), "file-description": "", "file-participant": ""}
    data.update({f"file-{key}": value for key, value in fields.items()})
    return client.post(reverse("casework:attachment_add", args=[case.reference]), data)


@pytest.mark.parametrize(
    ("name", "content", "kept_as", "content_type"),
    [
        ("police report.pdf", files.PDF, "police report.pdf", "application/pdf"),
        ("photo.PNG", files.PNG, "photo.png", "image/png"),
        ("photo.jpeg", files.JPEG, "photo.jpg", "image/jpeg"),
        ("IMG_0001.HEIC", files.HEIC, "IMG_0001.heic", "image/heic"),
        ("letter.docx", files.docx(), "letter.docx", files.DOCX_TYPE),
        ("notes.txt", "Él llamó el martes.\n".encode(), "notes.txt", "text/plain"),
        ("scan", files.PDF, "scan.pdf", "application/pdf"),  # no extension: it gets the one of what it is
    ],
)
def test_each_allowed_kind_is_kept_by_its_content(caseworker_client, caseworker, name, content, kept_as, content_type):
    case = full_case(caseworker=caseworker)

    response = _add(caseworker_client, case, name, content, description="Police report")

    assert response.status_code == 302
    attachment = case.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (kept_as, content_type, len(content))
    assert attachment.file.read() == content
    assert case.events.get(kind=CaseEvent.Kind.NOTE).message.startswith(f"File added: {kept_as}")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", files.EXE),  # a program under a PDF's name
        ("photo.jpg", b"<html><script>alert(1)</script></html>\x00"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100),  # a zip, not a Word document
        ("binary.txt", bytes(range(256))),
    ],
)
def test_a_disguised_file_is_refused_and_nothing_is_kept(caseworker_client, caseworker, settings, name, content):
    case = full_case(caseworker=caseworker)

    response = _add(caseworker_client, case, name, content)

    assert response.status_code == 400
    assert "not a kind that can be kept" in response.content.decode()
    assert not Attachment.objects.exists()
    location = Path(Attachment._meta.get_field("file").storage.location)
    assert not [path for path in location.rglob("*") if path.is_file()]


def test_an_oversized_file_is_refused_with_its_size_and_the_limit(caseworker_client, caseworker, settings):
    settings.ATTACHMENT_MAX_MB = 1
    case = full_case(caseworker=caseworker)

    response = _add(caseworker_client, case, "big.pdf", files.PDF + b"0" * (1024 * 1024 + 1), description="Keep me")

    assert response.status_code == 400
    page = response.content.decode()
    assert "a file can be at most 1 MB" in page
    assert "Keep me" in page  # what was typed stays
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\dana\\My report.pdf", "My report.pdf"),
        ("re\x00port\u202e.pdf", "report.pdf"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
        ("...", "file.pdf"),
        ("invoice.exe", "invoice.pdf"),
    ],
)
def test_file_names_are_cleaned(given, kept):
    assert attachments.clean_name(given, "pdf") == kept


def test_the_download_is_an_attachment_never_sniffed(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    _add(caseworker_client, case, "notes.txt", b"Hello <b>there</b>\n")
    attachment = case.attachments.get()

    response = caseworker_client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert b"".join(response.streaming_content) == b"Hello <b>there</b>\n"


def test_nobody_who_may_not_see_the_case_gets_the_file(client, caseworker, outsider_caseworker):
    case = full_case(caseworker=caseworker)
    attachment = services.attachment_add(case=case, upload=files.upload("a.pdf", files.PDF), by=caseworker)
    url = attachment.get_absolute_url()

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(outsider_caseworker)
    assert client.get(url).status_code == 404
    other = full_case(caseworker=outsider_caseworker)
    assert client.get(reverse("casework:attachment", args=[other.reference, attachment.pk])).status_code == 404


def test_who_added_a_file_or_a_supervisor_removes_it(client, caseworker, supervisor, settings):
    case = full_case(caseworker=caseworker)
    mine = services.attachment_add(case=case, upload=files.upload("a.pdf", files.PDF), by=supervisor)
    path = mine.file.path

    with pytest.raises(WorkflowError):
        services.attachment_delete(attachment=mine, by=caseworker)
    client.force_login(supervisor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("casework:attachment_delete", args=[case.reference, mine.pk]))

    assert response.status_code == 302
    assert not case.attachments.exists()
    assert not Path(path).exists()
    assert case.events.filter(message="File removed: a.pdf.").exists()


def test_the_case_page_lists_the_files_within_its_query_budget(supervisor_client, caseworker):
    case = full_case(caseworker=caseworker)
    added = [
        services.attachment_add(case=case, upload=files.upload(f"scan {n}.pdf", files.PDF), by=caseworker)
        for n in range(25)
    ]

    with CaptureQueriesContext(connection) as captured:
        page = supervisor_client.get(case.get_absolute_url()).content.decode()

    assert len(captured) <= 15
    assert added[-1].get_absolute_url() in page
    assert added[15].get_absolute_url() in page
    assert added[14].get_absolute_url() not in page
    assert f'<a href="{reverse("casework:files", args=[case.reference])}">All 25 files</a>' in page


def test_the_case_page_offers_no_files_page_while_it_lists_them_all(supervisor_client, caseworker):
    case = full_case(caseworker=caseworker)
    for n in range(10):
        services.attachment_add(case=case, upload=files.upload(f"scan {n}.pdf", files.PDF), by=caseworker)

    page = supervisor_client.get(case.get_absolute_url()).content.decode()

    assert page.count('download>scan ') == 10
    assert f'href="{reverse("casework:files", args=[case.reference])}"' not in page


def test_the_files_page_lists_every_file_in_pages(client, caseworker, outsider_caseworker):
    case = full_case(caseworker=caseworker)
    added = [
        services.attachment_add(case=case, upload=files.upload(f"scan {n}.pdf", files.PDF), by=caseworker)
        for n in range(55)
    ]
    url = reverse("casework:files", args=[case.reference])

    client.force_login(caseworker)
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert added[-1].get_absolute_url() in first
    assert added[5].get_absolute_url() in first
    assert added[4].get_absolute_url() not in first
    assert added[4].get_absolute_url() in second
    assert added[0].get_absolute_url() in second
    assert reverse("casework:attachment_delete", args=[case.reference, added[0].pk]) in second
    client.force_login(outsider_caseworker)
    assert client.get(url).status_code == 404
