"""People pages, one module per subject: enrolment (applying and its review), me (a partner's
profile, grids and card), partners, teams, and public (checking a certificate). Views are thin:
parse, call an action or a scoped query, render. urls.py names each view."""
