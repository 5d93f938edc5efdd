"""Policies on the token market: chip bans, data sovereignty and the explorable dials."""
