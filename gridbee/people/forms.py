"""Forms for people: logging in by mobile number; applying, deciding, changing a partner's
standing and binding grids."""

import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import throttle
from .errors import PeopleError
from .validators import normalize_mobile, validate_mobile

# Room for what people type around the 11 digits: "+86 138-0000-0001".
MOBILE_INPUT_MAX_LENGTH = 20


class ThrottledLogin:
    """A login form whose refusal by the login throttle (backends.LoginThrottle) says so, in
    the words and with the code the API uses, instead of "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None and throttle.login_refused(self.request):
                raise ValidationError(
                    PeopleError.THROTTLED.message, code=PeopleError.THROTTLED.code
                ) from None
            raise


class MobileAuthenticationForm(ThrottledLogin, AuthenticationForm):
    """Log in with a mainland mobile number and a password. The number may be typed with spaces,
    dashes or a +86 prefix; it is reduced to its 11 digits before authentication."""

    error_messages = {
        "invalid_login": _("The mobile number or the password is wrong. Please try again."),
        "inactive": _("This account is suspended. Please contact your grid centre."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Mobile number")
        username.max_length = MOBILE_INPUT_MAX_LENGTH
        username.widget.attrs.update(
            {
                "maxlength": MOBILE_INPUT_MAX_LENGTH,
                "inputmode": "tel",
                "autocomplete": "username",
                "placeholder": _("e.g. 138 1234 5678"),
            }
        )
        username.error_messages["required"] = _("Please enter your mobile number.")
        password = self.fields["password"]
        password.label = _("Password")
        password.error_messages["required"] = _("Please enter your password.")

    def clean_username(self) -> str:
        mobile = normalize_mobile(self.cleaned_data["username"])
        validate_mobile(mobile)
        return mobile


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    """The admin site's login: staff only, as Django's, throttled with the others."""


# --- Enrolment and partners' pages -----------------------------------------------------------
# These forms only parse what was typed; every rule (valid mobile and ID number, the three
# rules accepted, grids of the right county, who may do what) is the actions' business, and
# their refusals are shown next to the field they concern (see APPLICATION_FIELDS in views.py).

_GRID_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_codes(*values: str) -> list[str]:
    """Grid codes as chosen in selects or typed ("522731001001001, 522731001001002")."""
    codes: list[str] = []
    for value in values:
        codes += [c for c in _GRID_SEPARATORS.split(value or "") if c]
    return codes


class ApplicationForm(forms.Form):
    """个人自愿: a worker's application."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile number"), max_length=MOBILE_INPUT_MAX_LENGTH)
    id_number = forms.CharField(label=_("ID card number"), max_length=30)
    password = forms.CharField(label=_("Password"), max_length=128, strip=False)
    password_again = forms.CharField(label=_("Password again"), max_length=128, strip=False)
    station = forms.CharField(label=_("Your station"), max_length=20)
    work_area = forms.CharField(label=_("Where you work"), max_length=200)
    grid_1 = forms.CharField(label=_("First grid"), max_length=20, required=False)
    grid_2 = forms.CharField(label=_("Second grid"), max_length=20, required=False)
    grid_codes = forms.CharField(label=_("Or type grid codes"), max_length=100, required=False)
    accepted_rules = forms.BooleanField(label=_("The three rules (三个不准)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = _("Please choose a password.")
        self.fields["station"].error_messages["required"] = PeopleError.UNKNOWN_STATION.value[2]

    def clean_station(self) -> int:
        # Not a number: no station has it, and the action says so in its own words.
        value = self.cleaned_data["station"].strip()
        return int(value) if value.isdigit() else 0

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again is not None and password != again:
            self.add_error("password_again", _("The two passwords are not the same."))
        cleaned["codes"] = split_codes(
            cleaned.get("grid_1", ""), cleaned.get("grid_2", ""), cleaned.get("grid_codes", "")
        )
        return cleaned

    def submission(self) -> dict:
        """The keyword arguments of actions.submit_application."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "mobile": data["mobile"],
            "id_number": data["id_number"],
            "password": data["password"],
            "station_id": data["station"],
            "work_area": data["work_area"],
            "grid_codes": data["codes"],
            "accepted_rules": data["accepted_rules"],
        }


class DecisionForm(forms.Form):
    """A station's or reviewer's note on an application (the reason, when declining)."""

    note = forms.CharField(max_length=500, required=False)


class StatusChangeForm(forms.Form):
    """动态进出: the reason (one of StatusReason, checked by the action) and a note."""

    reason = forms.CharField(label=_("Reason"), max_length=30, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class BindingsForm(forms.Form):
    """就近绑定: one or two grids; the action checks they are of the partner's county."""

    grid_1 = forms.CharField(label=_("First grid"), max_length=20, required=False)
    grid_2 = forms.CharField(label=_("Second grid"), max_length=20, required=False)

    def codes(self) -> list[str]:
        return split_codes(self.cleaned_data.get("grid_1", ""), self.cleaned_data.get("grid_2", ""))
