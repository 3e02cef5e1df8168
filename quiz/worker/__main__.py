"""``python -m quiz.worker``: the sandbox worker (see ``quiz.worker.server``);
``python -m quiz.worker --zygote FD``: the zygote that forks workers (``quiz.worker.zygote``)."""

import sys

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--zygote":
        from quiz.worker.zygote import main as zygote_main

        zygote_main(int(sys.argv[2]))
    else:
        from quiz.worker.server import main

        main()
