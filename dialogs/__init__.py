"""Multi-turn flows (setup wizard, action entry) as pure step functions; see STYLE §1."""
