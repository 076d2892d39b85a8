"""Services for partners: stations (驿站) on a map, activities with on-the-spot check-in and
volunteer hours, county rules and squads edited in the app, and the partner's inbox."""
