"""Allow ``python -m quiz``."""

from quiz.start import main

main()
