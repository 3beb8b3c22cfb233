"""The compliance hub: every region's signed evidence bundles in one database, read by auditors in a browser."""
