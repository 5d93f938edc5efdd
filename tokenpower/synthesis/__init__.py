"""Synthesis: the three exports side by side, and the ledger of the essay's claims."""
