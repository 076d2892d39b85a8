from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class ClaimError(ErrorCode):
    NOT_FOUND = ("claims.not_found", 404, _("Not found."))
    TYPE_INVALID = ("claims.type_invalid", 400, _("Choose the type of the claim."))
    FACTS_REQUIRED = ("claims.facts_required", 400, _("Please say what happened."))
    RESPONDENT_REQUIRED = (
        "claims.respondent_required",
        400,
        _("Name the employer or platform concerned."),
    )
    DATE_INVALID = (
        "claims.date_invalid",
        400,
        _("The date you knew of it cannot be in the future."),
    )
    AMOUNT_INVALID = (
        "claims.amount_invalid",
        400,
        _("The amount must be between 0 and 10,000,000 yuan."),
    )
    NOT_A_PARTNER = ("claims.not_a_partner", 400, _("Claims are raised for enrolled partners."))
    IDEMPOTENCY_KEY_REQUIRED = (
        "claims.idempotency_key_required",
        400,
        _("Send an Idempotency-Key header with a claim."),
    )
    IDEMPOTENCY_KEY_REUSED = (
        "claims.idempotency_key_reused",
        422,
        _("This Idempotency-Key was used for a different claim."),
    )
    BODY_REQUIRED = ("claims.body_required", 400, _("Choose a responsible body of the county."))
    NOT_MEDIABLE = (
        "claims.not_mediable",
        400,
        _("Only pay, penalty, rest and injury claims can go to mediation."),
    )
    ALREADY_MEDIATED = ("claims.already_mediated", 409, _("This claim already went to mediation."))
    MEDIATOR_REQUIRED = (
        "claims.mediator_required",
        400,
        _("Choose a mediator of this mediation organisation."),
    )
    MEDIATOR_CONFLICT = (
        "claims.mediator_conflict",
        409,
        _("This mediator is linked to a party and cannot mediate this dispute."),
    )
    NOT_THE_MEDIATOR = (
        "claims.not_the_mediator",
        403,
        _("Only the assigned mediator can do this."),
    )
    EXTENSION_INVALID = (
        "claims.extension_invalid",
        400,
        _("One extension of 1 to 15 days, with both parties' consent."),
    )
    REPRESENTATIVES_REQUIRED = (
        "claims.representatives_required",
        409,
        _("A group dispute of 10 or more claimants needs 3 to 5 chosen representatives."),
    )
    REPRESENTATIVES_INVALID = (
        "claims.representatives_invalid",
        400,
        _("Choose 3 to 5 representatives among the claimants of a group dispute."),
    )
    NOT_A_REPRESENTATIVE = (
        "claims.not_a_representative",
        403,
        _("In a group dispute the chosen representatives confirm for the group."),
    )
    NOT_THE_RESPONDENT = (
        "claims.not_the_respondent",
        403,
        _("Only the other party's account can confirm for it."),
    )
    NOT_REFERRED = (
        "claims.not_referred",
        409,
        _("The arbitration application is ready once a mediation ends without agreement."),
    )
    NOT_AN_AGREEMENT = (
        "claims.not_an_agreement",
        409,
        _("Performance is followed up on a reached agreement."),
    )
