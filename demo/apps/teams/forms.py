from __future__ import annotations

from typing import Any

from django import forms

from .models import Invitation, Role, Team


class InvitationForm(forms.ModelForm[Invitation]):
    class Meta:
        model = Invitation
        fields = ["email", "role"]
        widgets = {"email": forms.EmailInput(attrs={"placeholder": "name@example.com"})}

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["role"].initial = Role.MEMBER

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if self.team.memberships.filter(user__email__iexact=email).exists():
            raise forms.ValidationError(f"{email} is already on this team.")
        if self.team.invitations.filter(email__iexact=email, accepted_at=None).exists():
            raise forms.ValidationError(f"{email} already has an invitation waiting.")
        return email
