"""Pure card builders: view + translator → Adaptive Card 1.5 (microsoft-teams-cards models).

No I/O and no literal user-visible text here: every string comes from bot/i18n, and user
text (topics, ideas, names) is rendered as RichTextBlock TextRuns, which Teams does not
parse as Markdown, so `**x**`, links and `<at>` tags show as the characters typed.
"""
