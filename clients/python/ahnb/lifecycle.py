"""Ending runs that nobody ended: interpreter exit and notebook cell errors.

Frameworks do not always tell a logger that training failed: Keras' ``fit``
and Hugging Face's ``Trainer.train`` simply let the exception propagate,
without an ``on_train_end`` call. A run left open would then show as
"incomplete" forever. This module keeps a registry of open runs and gives each
a chance to write its end record:

* at interpreter exit (``atexit``). When the program is dying of an uncaught
  exception, CPython has stored it in ``sys.last_value`` before the atexit
  handlers run (that is how the traceback was printed), so the handler can
  tell "failed with this error" (or "killed" for KeyboardInterrupt) from a
  clean exit;
* after a Jupyter/IPython cell that raised (IPython's ``post_run_cell``
  event), where the interpreter does not exit at all.

A SIGKILL, an out-of-memory kill or a power cut leave no chance to write
anything: such runs stay without an end record and ahnb shows them as
incomplete, which is the honest answer.
"""

from __future__ import annotations

import atexit
import sys
import threading
from typing import Callable, Dict, Optional

# handler(exc, at_exit): exc is the exception that ended the program or cell
# (None for a clean exit / a cell that did not raise); at_exit tells which.
Handler = Callable[[Optional[BaseException], bool], None]

_handlers: Dict[int, Handler] = {}
_lock = threading.Lock()
_atexit_installed = False
_ipython_installed = False


def register(key: int, handler: Handler) -> None:
    """Register (or replace) the handler of one open run; ``key`` is usually ``id(run)``."""
    global _atexit_installed
    with _lock:
        _handlers[key] = handler
        if not _atexit_installed:
            atexit.register(_at_exit)
            _atexit_installed = True
    _install_ipython_hook()


def unregister(key: int) -> None:
    with _lock:
        _handlers.pop(key, None)


def _run_handlers(exc: Optional[BaseException], at_exit: bool) -> None:
    with _lock:
        handlers = list(_handlers.values())
    for handler in handlers:
        try:
            handler(exc, at_exit)
        except Exception:  # noqa: BLE001 - one broken run must not stop the others
            pass


def _at_exit() -> None:
    # Set by CPython when an uncaught exception's traceback was printed
    # (sys.last_exc on 3.12+, sys.last_value on every version).
    exc = getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)
    _run_handlers(exc if isinstance(exc, BaseException) else None, True)


def _on_cell(result: object) -> None:
    exc = getattr(result, "error_in_exec", None)
    if exc is not None:
        _run_handlers(exc, False)


def _install_ipython_hook() -> None:
    """Hook IPython's post_run_cell event once, if we run inside IPython/Jupyter."""
    global _ipython_installed
    if _ipython_installed or "IPython" not in sys.modules:
        return
    try:
        shell = sys.modules["IPython"].get_ipython()
        if shell is None:
            return
        shell.events.register("post_run_cell", _on_cell)
        _ipython_installed = True
    except Exception:  # noqa: BLE001 - unusual shells: fall back to atexit only
        pass
