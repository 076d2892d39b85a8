from django.db import migrations

INDUSTRIES = [
    ("food_delivery", "网约配送"),
    ("courier", "快递物流"),
    ("ride_hailing", "网约出行"),
    ("freight", "货运"),
    ("property", "物业服务"),
    ("sanitation", "环卫"),
]


def add_industries(apps, schema_editor):
    Industry = apps.get_model("people", "Industry")
    for code, name in INDUSTRIES:
        Industry.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_industries, migrations.RunPython.noop)]
