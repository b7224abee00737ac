"""Signed owner references: the only link from a hosted checkout back to its owner."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from pay.errors import InvalidOwnerReference
from pay.owners import resolve_owner, sign_reference, signed_owner_reference, unsign_reference

pytestmark = pytest.mark.django_db


def test_a_signed_reference_resolves_to_its_owner(user, team):
    assert resolve_owner(signed_owner_reference(user)) == user
    assert resolve_owner(signed_owner_reference(team)) == team


@pytest.mark.parametrize("forged", ["", "testapp.user:1", "testapp.user:1:forged-signature"])
def test_missing_or_forged_references_are_refused(user, forged):
    with pytest.raises(InvalidOwnerReference, match="No customer was created"):
        resolve_owner(forged)


def test_an_altered_reference_is_refused(user, team):
    """Changing the owner in a signed reference breaks its signature."""
    signed = signed_owner_reference(team)
    altered = signed.replace(f"testapp.team:{team.pk}", f"testapp.user:{user.pk}")

    with pytest.raises(InvalidOwnerReference, match="signature"):
        resolve_owner(altered)


def test_a_reference_must_name_a_billable_owner_that_exists(user):
    group = Group.objects.create(name="staff")
    with pytest.raises(InvalidOwnerReference, match="not a Billable"):
        resolve_owner(sign_reference(f"auth.group:{group.pk}"))
    with pytest.raises(InvalidOwnerReference, match="No model"):
        resolve_owner(sign_reference("nowhere.thing:1"))
    with pytest.raises(InvalidOwnerReference, match=r"no testapp\.user"):
        resolve_owner(sign_reference("testapp.user:999999"))
    with pytest.raises(InvalidOwnerReference, match=r"no testapp\.user"):
        resolve_owner(sign_reference("testapp.user:not-a-number"))


def test_a_reference_survives_a_secret_key_rotation(user, settings):
    signed = signed_owner_reference(user)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key", [settings.SECRET_KEY]
    assert resolve_owner(signed) == user

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(InvalidOwnerReference):
        unsign_reference(signed)
