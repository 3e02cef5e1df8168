"""``python -m quiz.worker``: the sandbox worker (see ``quiz.worker.server``)."""

from quiz.worker.server import main

if __name__ == "__main__":
    main()
