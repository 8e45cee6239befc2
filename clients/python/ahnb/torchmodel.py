"""Model summary of a PyTorch ``nn.Module`` for the header, without importing torch.

Duck-typed on the documented ``nn.Module`` API (``named_children()``,
``parameters()``, ``Parameter.numel()``/``requires_grad``), so it also works
for Lightning modules and Hugging Face models, and for tests without torch.
Output shapes are not known without running the model, so they are omitted.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional


def _count(params: List[Any]) -> int:
    return sum(int(p.numel()) for p in params)


def model_summary(module: Any, name: Optional[str] = None) -> Dict[str, Any]:
    """``{"name", "layers": [{"name", "type", "params", "trainable"}], "total_params", ...}``.

    Layers are the module's direct children; a child is trainable when all its
    parameters require gradients (a parameter-free child counts as trainable,
    as Keras reports it).
    """
    layers: List[Dict[str, Any]] = []
    for child_name, child in module.named_children():
        params = list(child.parameters())
        layers.append(
            {
                "name": str(child_name),
                "type": type(child).__name__,
                "params": _count(params),
                "trainable": all(bool(p.requires_grad) for p in params),
            }
        )
    all_params = list(module.parameters())  # parameters() yields shared tensors once
    trainable = _count([p for p in all_params if p.requires_grad])
    total = _count(all_params)
    return {
        "name": name or type(module).__name__,
        "layers": layers,
        "total_params": total,
        "trainable_params": trainable,
        "non_trainable_params": total - trainable,
    }
