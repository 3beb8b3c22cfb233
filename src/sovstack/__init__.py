"""sovstack: compliance checks for sovereign messaging deployments (152-FZ residency, 149-FZ messengers)."""

__version__ = "0.1.0"
SCHEMA_VERSION = "2.0"
