"""Extractors: turn parsed documents into typed facts (sovstack.facts) for the policies to evaluate."""
