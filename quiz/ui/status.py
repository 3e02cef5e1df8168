"""The "loading torch…" indicator: shown until the sandbox worker has loaded torch.

The first frame is drawn before torch is loaded; the worker warms up in the
background and this line goes away when it is ready (or says why it cannot be).
"""

from __future__ import annotations

from textual.widgets import Static

POLL_SECONDS = 0.2


class TorchStatus(Static):
    DEFAULT_CSS = """
        TorchStatus {
            height: 1;
            padding: 0 1;
            color: $warning;
            text-style: italic;
        }

        TorchStatus.-failed {
            color: $error;
        }
    """

    def on_mount(self) -> None:
        self._poll()
        if self.display:
            self._timer = self.set_interval(POLL_SECONDS, self._poll)

    _shown = ""

    def _poll(self) -> None:
        state = getattr(self.app, "torch_state", "ready")
        if state == self._shown:
            return
        self._shown = state
        if state == "ready":
            self.display = False
            timer = getattr(self, "_timer", None)
            if timer is not None:
                timer.stop()
        elif state == "failed":
            self.update("torch could not start: answers cannot be checked (flash cards still work)")
            self.add_class("-failed")
        else:
            self.update("loading torch…")
