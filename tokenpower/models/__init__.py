"""Domain models: geography, the telegraph, cable networks, Bitcoin mining, token cost, request flows."""
