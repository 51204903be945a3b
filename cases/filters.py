"""Filters of the case list (django-filter): validation of the query string lives here."""

import operator
from functools import reduce

import django_filters
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import StrIndex, Upper

from . import hooks
from .forms import StaffChoiceField
from .models import Case, Participant
from .selectors import cases_where_someone_spoke_up, cases_with_someone_unreachable, staff_who_can_hold_cases


class StaffChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class CaseFilter(django_filters.FilterSet):
    # A bound on what is searched for: names and references are short, and SQLite refuses
    # a LIKE pattern of many thousand characters.
    q = django_filters.CharFilter(label="Search", method="search", max_length=200)
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, empty_label="Any status")
    step = django_filters.ChoiceFilter(choices=Case.Step.choices, empty_label="Any step")
    risk = django_filters.ChoiceFilter(choices=Case.Risk.choices, empty_label="Any risk")
    caseworker = StaffChoiceFilter(queryset=staff_who_can_hold_cases(), empty_label="Any caseworker")
    asked = django_filters.BooleanFilter(
        label="Someone asked for a call or for no contact",
        method="someone_asked",
        widget=django_filters.widgets.BooleanWidget,
    )
    unreachable = django_filters.BooleanFilter(
        label="Someone we cannot reach",
        method="someone_unreachable",
        widget=django_filters.widgets.BooleanWidget,
    )

    class Meta:
        model = Case
        fields = ["q", "status", "step", "risk", "caseworker", "asked", "unreachable"]

    def someone_asked(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        return cases_where_someone_spoke_up(queryset) if value else queryset

    def someone_unreachable(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        return cases_with_someone_unreachable(queryset) if value else queryset

    def __init__(self, *args, show_caseworker: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_caseworker:
            del self.filters["caseworker"]
        # Lazily evaluated querysets are re-read on each request.
        if "caseworker" in self.filters:
            self.filters["caseworker"].queryset = staff_who_can_hold_cases()

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        """Reference, customer name or business name, and what the ``case_search`` hooks find (the
        notes on a case); case-insensitive, partial.

        ``queryset`` is a ``selectors.case_list``: the customer and the business are joined already.

        Each of the three is first looked up on its own (on PostgreSQL through a trigram index,
        see migration 0005). When they find at most ``SEARCH_IDS`` cases, the list reads those by
        id. Handed a subquery instead, the database has to guess how many cases match, and a guess
        too high made it walk the whole list in date order testing each case against the matches
        (0.2 s at 100,000 cases for a name 250 of them have). When more match, a page's worth of
        them turns up early in the list anyway: the list is walked in order, testing the names.
        """
        value = value.strip()
        if not value:
            return queryset
        by_reference = Case.objects.order_by().filter(reference__icontains=value).values("pk")
        by_customer = (
            Participant.objects.order_by()
            .filter(role=Participant.Role.CUSTOMER, name__icontains=value)
            .values("case_id")
        )
        by_business = Case.objects.order_by().filter(incident__business__name__icontains=value).values("pk")
        user = getattr(self.request, "user", None)
        by_hooks = hooks.case_search_matches(user=user, value=value) if user is not None else []
        # UNION ALL stops reading at the limit; a case found twice counts twice towards it.
        found = [
            row["pk"] for row in by_reference.union(by_customer, by_business, *by_hooks, all=True)[: SEARCH_IDS + 1]
        ]
        if len(found) <= SEARCH_IDS:
            return queryset.filter(pk__in=set(found))
        # Written as a position rather than LIKE: the planner expects a third of the rows to pass
        # such a test, not a handful, so it walks the list in its order and stops at the page.
        needle = Upper(Value(value))
        return queryset.alias(
            in_reference=StrIndex(Upper("reference"), needle),
            in_customer=StrIndex(Upper("customer_name"), needle),
            in_business=StrIndex(Upper("incident__business__name"), needle),
        ).filter(
            Q(in_reference__gt=0)
            | Q(in_customer__gt=0)
            | Q(in_business__gt=0)
            | reduce(operator.or_, (Q(pk__in=found_by) for found_by in by_hooks), Q(pk__in=[]))
        )


# A search that finds up to this many cases hands the list their ids (``CaseFilter.search``); past
# it, walking the list costs no more (measured at 100,000 cases, at 1,000, 2,000 and 5,000).
SEARCH_IDS = 1000
