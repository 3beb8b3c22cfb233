"""Evaluate: check base classes, the check registry and the engine that runs them on documents."""
