"""Small stand-ins that follow documented framework interfaces, for tests without torch.

* ``Param`` / ``Module``: the part of ``torch.nn.Module`` that model summaries
  use (``named_children``, ``parameters``, ``numel``, ``requires_grad``).
* ``install_fake_lightning``: a ``lightning.pytorch`` package with the
  ``Logger`` base class (abstract ``name``, ``version``, ``log_metrics``,
  ``log_hyperparams``; ``log_graph``, ``save``, ``finalize`` calling
  ``save``, ``save_dir`` None), ``rank_zero_only`` and
  ``rank_zero_experiment``, as in lightning 2.x.
* ``drive_lightning_fit``: calls a logger in the order Lightning's Trainer
  does (lightning/pytorch/trainer/call.py, logger_connector.py): experiment
  touched at setup, log_hyperparams + log_graph + save at fit start,
  log_metrics + save for each logging step, validation and epoch-end metrics
  at the same step, finalize("success") at teardown, finalize("failed")
  inside the except block on error (and sys.exit(1) after Ctrl-C).
"""

from __future__ import annotations

import abc
import functools
import sys
import types
from typing import Any, Dict, List, Optional


class Param:
    def __init__(self, n: int, requires_grad: bool = True) -> None:
        self.n, self.requires_grad = n, requires_grad

    def numel(self) -> int:
        return self.n


class Module:
    def __init__(self, children: Optional[Dict[str, "Module"]] = None, params: Optional[List[Param]] = None) -> None:
        self._children = children or {}
        self._params = params or []

    def named_children(self):
        return iter(self._children.items())

    def parameters(self):
        yield from self._params
        for child in self._children.values():
            yield from child.parameters()


class Linear(Module):
    def __init__(self, n_in: int, n_out: int, frozen: bool = False) -> None:
        super().__init__(params=[Param(n_in * n_out, not frozen), Param(n_out, not frozen)])


class ReLU(Module):
    pass


class TinyNet(Module):
    def __init__(self) -> None:
        super().__init__({"encoder": Linear(64, 32, frozen=True), "act": ReLU(), "head": Linear(32, 10)})


def install_fake_lightning(monkeypatch) -> types.ModuleType:
    """Put a fake ``lightning`` package in sys.modules (undone by monkeypatch)."""

    def rank_zero_only(fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            if rank_zero_only.rank == 0:
                return fn(*args, **kwargs)
            return None

        return wrapped

    rank_zero_only.rank = 0

    class DummyExperiment:
        def __getattr__(self, _):
            return lambda *a, **k: None

    def rank_zero_experiment(fn):
        @functools.wraps(fn)
        def experiment(self):
            if rank_zero_only.rank > 0:
                return DummyExperiment()
            return fn(self)

        return experiment

    class Logger(abc.ABC):
        @property
        @abc.abstractmethod
        def name(self): ...

        @property
        @abc.abstractmethod
        def version(self): ...

        @property
        def root_dir(self):
            return None

        @property
        def log_dir(self):
            return None

        @property
        def save_dir(self):
            return None

        @property
        def group_separator(self):
            return "/"

        @abc.abstractmethod
        def log_metrics(self, metrics, step=None): ...

        @abc.abstractmethod
        def log_hyperparams(self, params, *args, **kwargs): ...

        def log_graph(self, model, input_array=None):  # noqa: B027 - as in lightning
            pass

        def save(self):  # noqa: B027
            pass

        def finalize(self, status):
            self.save()

        def after_save_checkpoint(self, checkpoint_callback):  # noqa: B027
            pass

    lightning = types.ModuleType("lightning")
    pytorch = types.ModuleType("lightning.pytorch")
    loggers = types.ModuleType("lightning.pytorch.loggers")
    logger_mod = types.ModuleType("lightning.pytorch.loggers.logger")
    utilities = types.ModuleType("lightning.pytorch.utilities")
    fabric = types.ModuleType("lightning.fabric")
    fabric_loggers = types.ModuleType("lightning.fabric.loggers")
    fabric_logger = types.ModuleType("lightning.fabric.loggers.logger")
    loggers.Logger = logger_mod.Logger = Logger
    logger_mod.rank_zero_experiment = fabric_logger.rank_zero_experiment = rank_zero_experiment
    loggers.logger = logger_mod
    utilities.rank_zero_only = rank_zero_only
    pytorch.loggers, pytorch.utilities = loggers, utilities
    lightning.pytorch, lightning.fabric = pytorch, fabric
    fabric.loggers, fabric_loggers.logger = fabric_loggers, fabric_logger
    lightning.__version__ = "2.99.0-fake"
    for name, module in {
        "lightning": lightning,
        "lightning.pytorch": pytorch,
        "lightning.pytorch.loggers": loggers,
        "lightning.pytorch.loggers.logger": logger_mod,
        "lightning.pytorch.utilities": utilities,
        "lightning.fabric": fabric,
        "lightning.fabric.loggers": fabric_loggers,
        "lightning.fabric.loggers.logger": fabric_logger,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "ahnb.lightning", raising=False)
    return lightning


def drive_lightning_fit(
    logger: Any,
    model: Any,
    hparams: Optional[Dict[str, Any]] = None,
    epochs: int = 3,
    batches: int = 4,
    log_every_n_steps: int = 2,
    fail_at_step: Optional[int] = None,
    exc: Optional[BaseException] = None,
) -> None:
    """Call ``logger`` the way ``Trainer.fit`` does (see the module docstring)."""
    try:
        _ = logger.experiment  # _call_setup_hook: lazy creation of the experiment
        if hparams is not None:
            logger.log_hyperparams(hparams)
        logger.log_graph(model)
        logger.save()
        step = 0
        for epoch in range(epochs):
            for _batch in range(batches):
                step += 1
                if step == fail_at_step:
                    raise exc or RuntimeError("loss exploded")
                if step % log_every_n_steps == 0:
                    logger.log_metrics({"train_loss": 1.0 / step, "epoch": epoch}, step=step)
                    logger.save()
            # Validation, then the training epoch end, both at the epoch's last step.
            logger.log_metrics({"val_loss": 1.0 / (epoch + 2), "val_acc": 0.5 + epoch / 10, "epoch": epoch}, step=step)
            logger.save()
            logger.log_metrics({"train_loss_epoch": 1.0 / (epoch + 1), "epoch": epoch}, step=step)
            logger.save()
        logger.finalize("success")  # _call_teardown_hook
    except KeyboardInterrupt:
        logger.finalize("failed")
        sys.exit(1)  # what Lightning does after Ctrl-C
    except BaseException:
        logger.finalize("failed")
        raise


def drive_lightning_test(logger: Any, step: int) -> None:
    """``Trainer.test`` after fit: metrics logged at the last training step, then teardown."""
    logger.log_metrics({"test_loss": 0.2, "test_acc": 0.93, "epoch": 0}, step=step)
    logger.save()
    logger.finalize("success")
