"""Time attended in whole minutes instead of hours with one decimal (15 minutes is 0.25 hours)."""

from django.db import migrations, models


def hours_to_minutes(apps, schema_editor):
    for name in ("RoleSwapShift", "HistoricalRoleSwapShift"):
        model = apps.get_model("reconciliation", name)
        for row in model.objects.exclude(hours_attended=None).only("pk", "hours_attended").iterator():
            model.objects.filter(pk=row.pk).update(minutes_attended=max(1, round(row.hours_attended * 60)))


def minutes_to_hours(apps, schema_editor):
    for name in ("RoleSwapShift", "HistoricalRoleSwapShift"):
        model = apps.get_model("reconciliation", name)
        for row in model.objects.exclude(minutes_attended=None).only("pk", "minutes_attended").iterator():
            model.objects.filter(pk=row.pk).update(hours_attended=round(row.minutes_attended / 60, 1))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_participant_asks"),
        ("reconciliation", "0009_meeting_outcome_per_person"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalroleswapshift",
            name="minutes_attended",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="time attended (minutes)"),
        ),
        migrations.AddField(
            model_name="roleswapshift",
            name="minutes_attended",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="time attended (minutes)"),
        ),
        migrations.RunPython(hours_to_minutes, minutes_to_hours),
        migrations.RemoveField(model_name="historicalroleswapshift", name="hours_attended"),
        migrations.RemoveField(model_name="roleswapshift", name="hours_attended"),
        migrations.AddConstraint(
            model_name="roleswapshift",
            constraint=models.CheckConstraint(
                condition=models.Q(("minutes_attended__isnull", True), ("minutes_attended__gt", 0), _connector="OR"),
                name="shift_minutes_attended_positive",
            ),
        ),
    ]
