"""Where the apps above take part in reminders, without notifications importing them.

- ``reminder_email``: called with a reminder about to become an e-mail; returns a dict merged
  into the e-mail's context. The caseworker's record adds the task an "overdue" reminder is
  about.

Registered from the apps' ``AppConfig.ready()``, like the core's hooks (``cases/hooks.py``).
"""

from cases.hooks import HookList

reminder_email = HookList("reminder_email")
