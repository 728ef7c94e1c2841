"""Two providers whose APIs depend on each other: the resolver must report the cycle."""
