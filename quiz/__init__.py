"""torch-quiz: a terminal spaced-repetition trainer for PyTorch's tensor API."""

__version__ = "0.1.0"
