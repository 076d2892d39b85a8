"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the points operations:
the same Op shape, merged into its OPS; PATH_PARAMETERS maps our placeholders to the schema's."""

OPS: dict = {}
PATH_PARAMETERS: dict[str, str] = {}
