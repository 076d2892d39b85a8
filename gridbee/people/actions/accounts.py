"""Accounts made by whoever runs the server: the county's administrators."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gridbee.core.errors import DomainError

from ..errors import PeopleError
from ..models import User
from ..validators import normalize_mobile, validate_mobile


def create_administrator(*, mobile: str, name: str, password: str) -> User:
    """An administrator (all permissions, the admin site), as the first account of a real
    install, where nobody is there yet to act. The password must pass the site's rules."""
    mobile = normalize_mobile(mobile)
    name = name.strip()
    try:
        validate_mobile(mobile)
    except ValidationError:
        raise DomainError(PeopleError.INVALID_MOBILE) from None
    try:
        validate_password(password, User(mobile=mobile, name=name))
    except ValidationError as exc:
        raise DomainError(PeopleError.WEAK_PASSWORD, " ".join(exc.messages)) from None
    try:
        with transaction.atomic():
            if User.objects.filter(mobile=mobile).exists():
                raise DomainError(PeopleError.DUPLICATE_APPLICATION)
            return User.objects.create_superuser(mobile, password, name=name)
    except IntegrityError:  # the same mobile made twice at the same moment
        raise DomainError(PeopleError.DUPLICATE_APPLICATION) from None
