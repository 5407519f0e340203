"""Action items: captured in the actions phase, then followed up with each owner after the end."""
