"""Digikok: a Teams bot that runs the Hodekok workshop method in a channel."""
