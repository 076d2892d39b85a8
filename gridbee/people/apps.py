from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gridbee.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import limit_staff_session

        # Every web login sends it (the login page, the admin's): one place for the rule.
        user_logged_in.connect(limit_staff_session, dispatch_uid="gridbee.staff_session")
