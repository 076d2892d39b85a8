"""The web pages' shell: a home page per role (home) and the grid map (grid_map). urls.py
names each view."""
