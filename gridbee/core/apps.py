from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gridbee.core"
    label = "core"
    verbose_name = "GridBee"
