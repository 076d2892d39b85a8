from django.db import models
from django.utils.translation import gettext_lazy as _


class StationKind(models.TextChoices):
    WARM_HOME = "warm_home", _("Warm home station")  # 暖新驿站
    DRIVERS_HOME = "drivers_home", _("Drivers' home")  # 司机之家
    CARING = "caring", _("Caring station")  # 爱心驿站
    OTHER = "other", _("Other")


class Service(models.TextChoices):
    """What a station offers: a fixed list, so the map can filter by it."""

    WATER = "water", _("Drinking water")
    SEATS = "seats", _("Rest seats")
    PHONE_CHARGING = "phone_charging", _("Phone charging")
    EBIKE_CHARGING = "ebike_charging", _("E-bike charging or battery swap")
    HOT_FOOD = "hot_food", _("Microwave / hot food")
    TOILET = "toilet", _("Toilet")
    MEDICINE = "medicine", _("Medicine kit")
    RAIN_GEAR = "rain_gear", _("Rain gear")
    WIFI = "wifi", _("Wi-Fi")
    CLIMATE = "climate", _("Air conditioning / heating")
    EV_CHARGING = "ev_charging", _("EV charging")


class ActivityKind(models.TextChoices):
    RIDING_DAY = "riding_day", _("Riding day")  # 爱骑日
    SCHOOL_GATE = "school_gate", _("School-gate duty")  # 护学岗
    VOLUNTEER = "volunteer", _("Volunteer project")  # 志愿服务
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class Recurrence(models.TextChoices):
    NONE = "", _("Once")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month on the same day")


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Signed up")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class CheckMethod(models.TextChoices):
    CODE = "code", _("Scanned the venue's code")
    ORGANISER = "organiser", _("Scanned by the organiser")
