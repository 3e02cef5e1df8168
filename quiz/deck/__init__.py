"""Deck files: the format's model, its loader and its checks. No Textual, no torch."""
