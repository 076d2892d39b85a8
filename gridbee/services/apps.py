from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "gridbee.services"
    label = "services"
    verbose_name = _("Services for partners")

    def ready(self):
        from gridbee.people.actions import enrolment

        from . import kinds  # noqa: F401 - registers the station_report case kind
        from .actions_teams import place_new_partner

        if place_new_partner not in enrolment.ENROLLED:
            enrolment.ENROLLED.append(place_new_partner)
