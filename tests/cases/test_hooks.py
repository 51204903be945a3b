"""The core lets the floors above take part through the hook lists of cases/hooks.py, wired in their apps.py."""

from cases import hooks


def names(hook_list) -> list[str]:
    return [f"{hook.__module__}.{hook.__qualname__}" for hook in hook_list]


def test_the_wiring_of_the_house_is_what_the_readme_says():
    assert names(hooks.case_changed) == ["notifications.reminders.sync_case"]
    assert names(hooks.case_page_query) == [
        "reconciliation.panels.with_panel_rows",
        "casework.pages.with_tasks",
        "questionnaires.pages.with_invitations",
    ]
    assert names(hooks.case_page) == [
        "reconciliation.panels.case_page_panels",
        "notifications.pages.case_page_reminders",
        "casework.pages.case_page_notes",
        "casework.pages.case_page_tasks",
        "casework.pages.case_page_attachments",
        "questionnaires.pages.case_page_questionnaires",
    ]
    assert names(hooks.case_list_page) == ["notifications.pages.case_list_failed_reminders"]
    assert names(hooks.case_search) == ["casework.pages.cases_with_notes_matching"]


def test_a_hook_registered_twice_runs_once():
    calls = []
    hook_list = hooks.HookList("example")
    hook_list.register(calls.append)
    hook_list.register(calls.append)

    for hook in hook_list:
        hook("case")

    assert calls == ["case"]
