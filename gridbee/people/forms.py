"""Forms for people: logging in by mobile number."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import throttle
from .validators import normalize_mobile, validate_mobile

# Room for what people type around the 11 digits: "+86 138-0000-0001".
MOBILE_INPUT_MAX_LENGTH = 20


class MobileAuthenticationForm(AuthenticationForm):
    """Log in with a mainland mobile number and a password. The number may be typed with spaces,
    dashes or a +86 prefix; it is reduced to its 11 digits before authentication."""

    error_messages = {
        "invalid_login": _("The mobile number or the password is wrong. Please try again."),
        "inactive": _("This account is suspended. Please contact your grid centre."),
        "throttled": _("Too many failed attempts. Wait a quarter of an hour and try again."),
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

    def clean(self):
        mobile = self.cleaned_data.get("username")
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        if mobile and throttle.is_throttled(mobile, address):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            if mobile:
                throttle.record_failure(mobile, address)
            raise
        if mobile:
            throttle.clear(mobile)
        return cleaned
