"""The Customer Compassion Project's program: its steps, in order.

Loaded into ``registry.REGISTRY`` at start-up (``apps.py``). A new step is a module under
``steps/`` and a line here (``docs/adding-a-step.md``).
"""

from .steps import commitments, meeting, plan, reflection, role_swap

STEPS = [
    reflection.STEP,
    plan.STEP,
    role_swap.STEP,
    meeting.STEP,
    commitments.STEP,
]
