"""The idea round (anonymous ideas, own edits), near-duplicates merged before the vote, and
moderation.
"""
