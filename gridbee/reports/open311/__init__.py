"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/: other systems
(a 12345 hotline, a city platform) list our services, report through the same intake as the
partner app, and follow their requests. Its own formats (XML and JSON), so plain Django views."""
