"""The caseworker's record in a real browser: a note, a task ticked done, a file kept and downloaded,
and the plan signed in the portal by typing a name, then opened as a PDF and read."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cases import links
from reconciliation import services as steps
from tests.factories import CaseworkerFactory, full_case
from tests.reconciliation.journey import PLAN, person, walk_to_plan

from .browser import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"


def test_a_note_a_task_a_file_and_the_signed_plan_as_a_pdf(open_page, tmp_path):
    caseworker = CaseworkerFactory(username="casey", first_name="Casey", last_name="Rivera")
    case = walk_to_plan(full_case(caseworker=caseworker, customer__name="Alex Morgan"), caseworker)
    plan = steps.plan_create_version(case=case, by=caseworker, **PLAN)
    staff = open_page()
    login(staff, "casey")
    staff.goto(f"/cases/{case.reference}/")

    # A contact with the business, on the record.
    notes = staff.locator("#notes")
    notes.get_by_text("Add a note or a contact").click()
    notes.locator("#id_note-kind").select_option("phone")
    notes.locator("#id_note-minutes").fill("10")
    notes.locator("#id_note-text").fill("Called Dana about the first shift.")
    notes.locator("#id_note-agreed").fill("Tuesday at nine.")
    notes.get_by_role("button", name="Save the note").click()
    expect(staff.locator("#notes")).to_contain_text("Called Dana about the first shift.")
    expect(staff.locator("#notes")).to_contain_text("Tuesday at nine.")

    # A task, set and ticked done.
    tasks = staff.locator("#tasks")
    tasks.get_by_text("Set a task").click()
    tasks.locator("#id_task-title").fill("Send the plan to the probation officer")
    tasks.get_by_role("button", name="Set the task").click()
    expect(staff.locator("#tasks")).to_contain_text("Send the plan to the probation officer")
    staff.locator("#tasks").get_by_role("button", name="Done: Send the plan to the probation officer").click()
    expect(staff.locator("#tasks")).to_contain_text("Done lately")
    expect(staff.locator("#tasks")).to_contain_text("No open tasks.")

    # A file, kept and downloaded as it was.
    report = tmp_path / "police report.pdf"
    report.write_bytes(PDF)
    files = staff.locator("#files")
    files.get_by_text("Add a file").click()
    files.locator("#id_file-file").set_input_files(str(report))
    files.locator("#id_file-description").fill("Police report")
    files.get_by_role("button", name="Keep the file").click()
    expect(staff.locator("#files")).to_contain_text("police report.pdf")
    with staff.expect_download() as download:
        staff.locator("#files").get_by_role("link", name="police report.pdf").click()
    assert download.value.suggested_filename == "police report.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    # Everyone signs the plan in the portal by typing their name.
    for role, name in (("customer", "Alex Morgan"), ("business", "Dana Owner"), ("agent", "Jamie Agent")):
        _link, token = links.link_issue(participant=person(case, role), by=None)
        portal = open_page(phone=True)
        portal.goto(links.portal_path(token) + "plan/")
        portal.get_by_label("I agree to this plan").check()
        field = portal.get_by_label("To agree, type your full name here")
        field.fill(name.split()[0])  # not the full name: asked again, kindly
        portal.get_by_role("button", name="Send my answer").click()
        expect(portal.get_by_text("not quite the name we have for you").first).to_be_visible()
        portal.get_by_label("I agree to this plan").check()
        portal.get_by_label("To agree, type your full name here").fill(name)
        portal.get_by_role("button", name="Send my answer").click()
        expect(portal.get_by_text("You agreed to this version.")).to_be_visible()
        if role == "customer":
            screenshot(portal, "portal-plan-signed-phone")

    staff.goto(f"/cases/{case.reference}/")
    screenshot(staff, "case-detail-casework-desktop")
    with staff.expect_download() as download:
        staff.locator("#files").get_by_role("link", name="Plan for redemption, empathy and reconciliation").click()
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages
    )
    assert case.reference in text
    assert f"Version {plan.version} of the plan" in text
    assert PLAN["goals_empathy"] in text
    for name in ("Alex Morgan", "Dana Owner", "Jamie Agent"):
        assert name in text
    assert text.count("Signed by typing their name") == 3
    assert "not yet agreed" not in text
