"""Member matchmaking and capacity sharing: the domain."""
