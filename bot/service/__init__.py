"""Command and card-action handlers: domain decisions, one atomic store write, cards out."""
