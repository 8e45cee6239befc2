"""ahnb: write training-run logs that the ``ahnb`` dashboard builder reads.

The core (this package's top level) is standard library only. Framework
adapters live in their own modules and import their framework when imported:
``ahnb.keras``, ``ahnb.lightning``, ``ahnb.huggingface``.
"""

from .records import FORMAT_VERSION
from .run import Run

__version__ = "0.1.0"

__all__ = ["Run", "FORMAT_VERSION", "__version__"]
