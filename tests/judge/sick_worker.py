"""A stand-in for the torch worker that misbehaves on cue, for the client's tests.

It is the real worker (``quiz.worker.server.main``), except that a request whose
expressions include one of the cues below makes it go wrong the way a broken worker
could: sick for good (every later evaluation runs out of memory, yet it stays up),
or out of step with its client (a reply with another id, two replies, a line that is
no reply, a reply nested too deeply to read), or refusing one request as a bad one. Run as
``python tests/judge/sick_worker.py``, or with ``--zygote FD`` as the zygote its workers are
forked from (so that a worker replaced costs a fork, not a load of torch); never part of
the app.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

import quiz.worker.server as server

SICK = "'make the worker sick'"
FORGE = "'forge the id'"
GARBLE = "'garble the reply'"
TWICE = "'reply twice'"
REFUSE = "'refuse the request'"
NEST = "'nest the reply'"

_real_handle = server.handle
_real_evaluate = server.evaluate
_real_send = server._send
_sick = False


def _evaluate(source: str, *args: Any, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    global _sick
    _sick = _sick or source == SICK
    if _sick:
        return {"status": "limit", "limit": "memory", "message": "out of memory"}, None
    return _real_evaluate(source, *args, **kwargs)


def _handle(request: dict[str, Any]) -> dict[str, Any]:
    exprs = request.get("exprs", ())
    if REFUSE in exprs:
        raise ValueError("on cue")
    reply = _real_handle(request)
    if FORGE in exprs:
        reply["id"] = request["id"] - 1
    if GARBLE in exprs:
        reply["garble"] = True
    if TWICE in exprs:
        reply["twice"] = True
    if NEST in exprs:
        reply["nest"] = True
    return reply


def _send(protocol: TextIO, message: dict[str, Any]) -> None:
    if message.pop("nest", False):  # a hijacked worker's reply: well formed, nested deep
        depth = 100_000
        protocol.write(f'{{"id": {message["id"]}, "trials": {"[" * depth}{"]" * depth}}}\n')
        protocol.flush()
        return
    if message.pop("garble", False):
        protocol.write(json.dumps(message)[:-5] + "\n")
        protocol.flush()
        return
    if message.pop("twice", False):
        _real_send(protocol, message)
    _real_send(protocol, message)


server.evaluate = _evaluate
server.handle = _handle
server._send = _send

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--zygote":  # as ``python -m quiz.worker``
        from quiz.worker.zygote import main as zygote_main

        zygote_main(int(sys.argv[2]))  # its forks are the patched server's workers
    else:
        server.main()
