"""Case pages, one module per audience: console (operators and departments), triage (merge and
split), supervise (the county's escalations), reporter (the reporter's own case), crowd (crowd
checks by partners passing by) and streams (their live updates). urls.py names each view."""
