"""The scenario engine: the token market under chip bans and data-sovereignty rules."""
