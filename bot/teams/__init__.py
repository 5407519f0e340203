"""The only package that imports botbuilder (the archived Bot Framework SDK).

Moving to the Microsoft 365 Agents SDK should touch this folder and nothing else.
"""
