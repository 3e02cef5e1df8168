"""The "loading torch…" indicator: shown until the sandbox worker has loaded torch.

The first frame is drawn before torch is loaded; the worker warms up in the
background and this line follows the app's ``torch_state`` reactive: it goes away
when torch is ready, or says that it cannot start.
"""

from __future__ import annotations

from textual.widgets import Static

from quiz.ui.seams import TorchState


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
        self.watch(self.app, "torch_state", self.show_state)

    def show_state(self, state: TorchState) -> None:
        self.display = state is not TorchState.READY
        self.set_class(state is TorchState.FAILED, "-failed")
        if state is TorchState.FAILED:
            self.update("torch could not start: answers cannot be checked (flash cards still work)")
        elif state is TorchState.LOADING:
            self.update("loading torch…")
