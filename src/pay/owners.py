"""References to billable owners that can travel through a processor and come back.

A hosted checkout (Paddle, Lemon Squeezy) creates the subscription on the
processor's side; the only link back to the owner is the custom data the
checkout was opened with, which the buyer's browser can see and change. So the
reference is signed with the project's SECRET_KEY (like Pay's signed GlobalID):
:func:`resolve_owner` accepts only references this project signed, and a
missing, forged or altered one creates nothing.

References do not expire: a subscription's webhooks carry its checkout's custom
data for as long as it lives, and Paddle retries a webhook for days. Rotate
SECRET_KEY with SECRET_KEY_FALLBACKS to keep old references valid.
"""

from __future__ import annotations

from django.apps import apps
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model

from pay.errors import InvalidOwnerReference

_SALT = "pay.owner-reference"


def owner_reference(owner: Model) -> str:
    """The owner's plain reference, e.g. ``"accounts.team:42"``."""
    meta = owner._meta
    return f"{meta.app_label}.{meta.model_name}:{owner.pk}"


def sign_reference(reference: str) -> str:
    """``reference`` signed with SECRET_KEY, safe to hand to a buyer's browser."""
    return signing.Signer(salt=_SALT).sign(reference)


def signed_owner_reference(owner: Model) -> str:
    return sign_reference(owner_reference(owner))


def unsign_reference(signed_reference: str) -> str:
    """The plain reference inside a signed one; InvalidOwnerReference if missing or forged."""
    if not signed_reference or not isinstance(signed_reference, str):
        raise InvalidOwnerReference("There is no owner reference.")
    try:
        return signing.Signer(salt=_SALT).unsign(signed_reference)
    except signing.BadSignature:
        raise InvalidOwnerReference("The owner reference's signature does not match.") from None


def resolve_owner(signed_reference: str) -> Model:
    """The billable owner a signed reference points to.

    Raises InvalidOwnerReference when the reference is missing, its signature
    does not match, or the owner it names does not exist or cannot pay.
    """
    return owner_for_reference(unsign_reference(signed_reference))


def owner_for_reference(reference: str) -> Model:
    """The billable owner a plain reference (``"app_label.model:pk"``) names, for references
    only this project could have written; InvalidOwnerReference if there is none."""
    from pay.models import Billable

    model_label, _, pk = reference.partition(":")
    try:
        model: type[Model] = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise InvalidOwnerReference(f"No model is called {model_label!r}.") from None
    if not issubclass(model, Billable):
        raise InvalidOwnerReference(f"{model_label} is not a Billable model.")
    try:
        owner: Model | None = model._default_manager.filter(pk=pk).first()
    except (ValueError, ValidationError):
        owner = None
    if owner is None:
        raise InvalidOwnerReference(f"There is no {model_label} with primary key {pk!r}.")
    return owner
