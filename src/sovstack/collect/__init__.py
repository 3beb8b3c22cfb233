"""Collect: find input files, detect their kind and parse them into documents."""
