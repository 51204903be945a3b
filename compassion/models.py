"""Rows the project keeps for every app: forms already sent (``compassion.once``)."""

from django.db import models
from django.utils import timezone


class SentForm(models.Model):
    """A form's one-time token, claimed by the first post that carries it, with where that post led."""

    token = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=500)
    result = models.CharField("where the first post led", max_length=2000, blank=True)
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.path} ({'done' if self.done else 'sending'})"
