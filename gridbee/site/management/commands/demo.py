from django.core.management.base import BaseCommand

from gridbee.site.demo import create_demo_city


class Command(BaseCommand):
    help = "Create the demo county (惠水县, its grids) and one demo account per role."

    def handle(self, *args, **options):
        for account in create_demo_city():
            self.stdout.write(f"{account['role']:<12} {account['mobile']}  {account['password']}")
