"""Where maps open when nothing closer is known (no case, no position yet)."""

# The demo county seat (县城, 惠水县).
MAP_CENTER = {"lat": 26.1328, "lon": 106.6564}
MAP_ZOOM = 14
