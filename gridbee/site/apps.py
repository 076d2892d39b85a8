from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The site as a whole, above every domain app: home pages, the grid map, logging in, the
    demo city and the command that serves it all (`gridbee up`)."""

    name = "gridbee.site"
    label = "site"
    verbose_name = _("Site")
