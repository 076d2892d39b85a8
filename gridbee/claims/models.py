"""What claims and mediations hold beyond their case (cases.Case of kind "claim" or
"mediation"): the claim's facts and parties, the mediation's mediator, sessions and agreement."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BodyType, ClaimType, Performance


class Body(models.Model):
    """A responsible body (责任主体) of the county: a department of its table with its type."""

    department = models.OneToOneField(
        "people.Department", on_delete=models.CASCADE, primary_key=True, related_name="body"
    )
    type = models.CharField(_("type"), max_length=20, choices=BodyType.choices)

    class Meta:
        verbose_name = _("responsible body")
        verbose_name_plural = _("responsible bodies")

    def __str__(self) -> str:
        return self.department.name


class Claim(models.Model):
    """A partner's own claim (诉求): unpaid pay, penalties, injury, childcare, housing…"""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="claim")
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=ClaimType.choices)
    facts = models.TextField(_("what happened"), max_length=2000)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    respondent = models.ForeignKey(
        Body,
        verbose_name=_("employer or platform"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_against",
    )
    respondent_name = models.CharField(_("employer or platform"), max_length=100)
    known_on = models.DateField(_("date known"))
    job_ended_on = models.DateField(_("job ended"), null=True, blank=True)
    oral = models.BooleanField(_("recorded from an oral claim"), default=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    claimants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ClaimParty", related_name="claims"
    )

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["raised_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="claim_idempotent",
            )
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_group(self) -> bool:
        return self.parties.count() >= GROUP_SIZE


GROUP_SIZE = 10  # 集体劳动争议: ten or more workers
REPRESENTATIVES = (3, 5)


class ClaimParty(models.Model):
    """A claimant; in a group dispute 3–5 of them are chosen representatives (推选代表)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="parties")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    representative = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "user"], name="claim_party_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.claim_id}"


class Mediation(models.Model):
    """A labour-dispute mediation (劳动争议调解) of a claim."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="mediation")
    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="mediation")
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    agreement = models.TextField(_("agreement"), max_length=4000, blank=True)
    claimant_confirmed_at = models.DateTimeField(null=True, blank=True)
    respondent_confirmed_at = models.DateTimeField(null=True, blank=True)
    performance = models.CharField(max_length=20, choices=Performance.choices, blank=True)

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")

    def __str__(self) -> str:
        return self.serial


class Session(models.Model):
    """A mediation session and its minutes (调解笔录)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    minutes = models.TextField(max_length=4000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"session of {self.mediation_id} @ {self.at:%Y-%m-%d}"


class MediatorTie(models.Model):
    """A mediator's declared link to a person or a body (回避): they cannot mediate its
    disputes."""

    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediator_ties"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    body = models.ForeignKey(Body, on_delete=models.CASCADE, null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"tie of {self.mediator_id}"


class LegalAid(models.Model):
    """A referral to legal aid (法律援助, 护新直通车): the centre becomes a party to the claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="legal_aid")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"legal aid for {self.claim_id}"
