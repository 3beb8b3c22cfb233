"""Component resources of a region stack: Network, BotServer and Storage (one per module)."""
