import json

from django.core.management.base import BaseCommand

from gridbee.site.demo import existing_demo_accounts


class Command(BaseCommand):
    help = "List the demo accounts of this database (role, mobile, password)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="a JSON list of objects")

    def handle(self, *args, **options):
        accounts = existing_demo_accounts()
        if options["json"]:
            self.stdout.write(json.dumps(accounts, ensure_ascii=False, indent=2))
            return
        for a in accounts:
            self.stdout.write(f"{a['role']:<12} {a['mobile']}  {a['password']}  {a['name']}")
