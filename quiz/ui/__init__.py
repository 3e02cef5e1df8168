"""The Textual user interface: a thin layer over the headless core."""
