"""Every change in the program's steps. Views, the portal, tasks and the admin all call these.

Each service runs in one transaction, locks the case row, checks its rule, writes the change
and a timeline event, and then lets the workflow advance the case. A move the rules do not
allow raises ``WorkflowError`` with a sentence for the person who tried it, and changes nothing.

``by`` is the staff user acting, or the ``Participant`` acting through their personal link.
One module per step, and ``people`` for the case as a whole; callers use them from here
(``services.shift_confirm(...)``). A refusal is a ``services.WorkflowError``.
"""

from ..workflow import WorkflowError
from .commitments import checkin_miss, checkin_record, commitments_agree, commitments_draft
from .meeting import Voice, meeting_agent_words, meeting_people, meeting_record_outcome, meeting_schedule, meeting_skip
from .people import (
    call_done,
    call_request,
    consent_record,
    contact_stop,
    personal_time_consent_record,
    safety_approve,
    step_skip,
)
from .personal_time import (
    personal_time_agree,
    personal_time_cancel,
    personal_time_decline,
    personal_time_log,
    personal_time_possible_with,
    personal_time_propose,
    personal_time_words,
)
from .plan import plan_create_version, plan_signoff
from .reflection import reflection_return, reflection_review, reflection_save_draft, reflection_submit
from .role_swap import (
    MAX_SHIFT_HOURS,
    shift_accept_counter,
    shift_cancel,
    shift_confirm,
    shift_counter_propose,
    shift_customer_reflection,
    shift_decline,
    shift_propose,
    shift_record_attendance,
)

__all__ = [
    "Voice",
    "MAX_SHIFT_HOURS",
    "WorkflowError",
    "call_done",
    "call_request",
    "checkin_miss",
    "checkin_record",
    "commitments_agree",
    "commitments_draft",
    "consent_record",
    "contact_stop",
    "meeting_agent_words",
    "meeting_people",
    "meeting_record_outcome",
    "meeting_schedule",
    "meeting_skip",
    "personal_time_agree",
    "personal_time_cancel",
    "personal_time_consent_record",
    "personal_time_decline",
    "personal_time_log",
    "personal_time_possible_with",
    "personal_time_propose",
    "personal_time_words",
    "plan_create_version",
    "plan_signoff",
    "reflection_review",
    "reflection_return",
    "reflection_save_draft",
    "reflection_submit",
    "safety_approve",
    "shift_accept_counter",
    "shift_cancel",
    "shift_confirm",
    "shift_counter_propose",
    "shift_customer_reflection",
    "shift_decline",
    "shift_propose",
    "shift_record_attendance",
    "step_skip",
]
