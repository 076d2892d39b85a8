from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridbee.people.choices import Role, TeamRole
from gridbee.people.validators import mask_mobile, normalize_mobile, validate_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, mobile: str, password: str | None = None, **fields) -> "User":
        mobile = normalize_mobile(mobile)
        validate_mobile(mobile)
        user = self.model(mobile=mobile, **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(mobile, password, **fields)

    def get_by_natural_key(self, mobile):
        return self.get(mobile=normalize_mobile(mobile))


AUTH_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in (用户), by mainland mobile number. Roles and scopes hang off it."""

    mobile = models.CharField(
        _("mobile number"), max_length=11, unique=True, validators=[validate_mobile]
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # A staff member's scope: a region (and everything below it), or a set of grids, and for
    # stations and departments the organisation they act for. See people/scopes.py.
    region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    grids = models.ManyToManyField(
        "geo.Grid", verbose_name=_("grids"), blank=True, related_name="operators"
    )
    station = models.ForeignKey(
        "people.Station", verbose_name=_("station"), on_delete=models.PROTECT, null=True, blank=True
    )
    department = models.ForeignKey(
        "people.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    # Bumped to end every session and API token of the user at once (a suspension, a lost
    # phone): both carry get_session_auth_hash(), which covers it as it covers the password.
    auth_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.name or _('user')} ({self.masked_mobile})"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @cached_property
    def leads_a_squad(self) -> bool:
        """A sub-captain (分队长) is a partner chosen to lead a squad: as a lead they see their
        squad, whatever their account's role (authz.SQUAD_LEAD_PERMS)."""
        from .teams import TeamMember

        return TeamMember.objects.filter(partner__user=self, role=TeamRole.SUB_CAPTAIN).exists()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def get_session_auth_hash(self) -> str:
        return self._auth_hash()

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._auth_hash(secret)

    def _auth_hash(self, secret=None) -> str:
        # Django's own hash until the first bump: sessions made before auth_epoch existed live on.
        value = self.password if not self.auth_epoch else f"{self.password}#{self.auth_epoch}"
        return salted_hmac(AUTH_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()


class ApiToken(models.Model):
    """A bearer token for mobile clients. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(pgettext_lazy("token", "issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # The user's get_session_auth_hash() when issued: a new password, or every login of the
    # user ended at once (User.auth_epoch), changes it, and the token ends as a session would.
    auth_hash = models.CharField(max_length=64, default="", editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d}"
