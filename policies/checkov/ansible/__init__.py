"""sovstack policies as checkov custom checks (checkov loads only folders with __init__.py)."""
