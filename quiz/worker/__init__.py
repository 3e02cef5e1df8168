"""The sandbox worker: the only part of torch-quiz that imports torch."""
