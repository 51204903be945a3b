from io import StringIO

from django.core.management import call_command

from referrals.models import Referral


def test_the_demo_has_new_referrals_waiting_one_of_them_in_spanish(db):
    call_command("seed_demo", stdout=StringIO())

    referrals = Referral.objects.all()
    assert referrals.count() == 3
    assert {referral.state for referral in referrals} == {Referral.State.NEW}
    assert referrals.filter(language="es").count() == 1


def test_seeding_the_demo_twice_adds_no_more_referrals(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    assert Referral.objects.count() == 3
