"""Security switches that supervisors set for all PLI staff."""

from django.conf import settings
from django.db import models


class SecurityPolicy(models.Model):
    """One row: what supervisors require of every staff account."""

    staff_two_factor_required = models.BooleanField(
        "every staff member must use two-factor",
        default=False,
        help_text="Staff without an authenticator app are asked to set one up before any staff page.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "security policy"
        verbose_name_plural = "security policy"

    def __str__(self) -> str:
        return "Two-factor required for staff" if self.staff_two_factor_required else "Two-factor optional for staff"
