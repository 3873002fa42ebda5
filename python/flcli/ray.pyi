"""Type stubs of flcli.ray: the flags are those of flcli.stats / compare / recommend."""

from typing import Any, Dict, List, Literal, Optional, Sequence, Union

Floats = Union[float, Sequence[float], str]
AlphaSetting = Union[None, float, Sequence[float], str]
Mode = Literal["binary", "softmax", "sigmoid"]
Format = Literal["parquet", "arrow", "npy", "npz", "jsonl", "csv"]

def partials(df: Any, command: str = "stats", **flags: Any) -> List[bytes]:
    """The partial results (bytes) of the non-empty partitions, for `command`'s flags."""

def stats(
    df: Any,
    *,
    gamma: float = 2.0,
    alpha: AlphaSetting = ...,
    by: Optional[str] = None,
    max_groups: int = 1000,
    eps: float = 1e-7,
    buckets: Floats = "0,0.1,0.25,0.5,0.75,0.9,0.99,1",
    beta: float = 0.999,
    easy: float = 0.9,
    label: Optional[str] = None,
    targets: Union[None, str, Sequence[str]] = None,
    prob: Optional[str] = None,
    probs: Union[None, str, Sequence[str]] = None,
    logit: Optional[str] = None,
    logits: Union[None, str, Sequence[str]] = None,
    mode: Optional[Mode] = None,
    positive: Optional[str] = None,
    background: int = -1,
    ignore_index: int = -100,
    skip_invalid: bool = False,
    labels_npy: Optional[str] = None,
    channels_last: bool = False,
    max_line_bytes: Optional[str] = None,
    class_names: Union[None, str, Sequence[str]] = None,
    input_format: Optional[Format] = None,
    delimiter: str = ",",
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """flcli.stats of a Ray Dataset, computed partition by partition."""

def compare(
    df: Any,
    *,
    gamma: Floats = "0,0.5,1,2,5",
    alpha: Union[AlphaSetting, Sequence[AlphaSetting]] = ...,
    variant: Sequence[str] = (),
    by: Optional[str] = None,
    max_groups: int = 1000,
    eps: float = 1e-7,
    buckets: Floats = "0,0.1,0.25,0.5,0.75,0.9,0.99,1",
    beta: float = 0.999,
    easy: float = 0.9,
    label: Optional[str] = None,
    targets: Union[None, str, Sequence[str]] = None,
    prob: Optional[str] = None,
    probs: Union[None, str, Sequence[str]] = None,
    logit: Optional[str] = None,
    logits: Union[None, str, Sequence[str]] = None,
    mode: Optional[Mode] = None,
    positive: Optional[str] = None,
    background: int = -1,
    ignore_index: int = -100,
    skip_invalid: bool = False,
    labels_npy: Optional[str] = None,
    channels_last: bool = False,
    max_line_bytes: Optional[str] = None,
    class_names: Union[None, str, Sequence[str]] = None,
    input_format: Optional[Format] = None,
    delimiter: str = ",",
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """flcli.compare of a Ray Dataset, computed partition by partition."""

def recommend(
    df: Any,
    *,
    gamma: Floats = "0,0.5,1,2,3,5",
    max_easy_grad_share: float = 0.5,
    min_easy_grad_share: Optional[float] = None,
    max_easy_loss_share: float = 0.5,
    min_imbalance: float = 10.0,
    max_ece: float = 0.03,
    calibration_gamma: float = 3.0,
    cb_min_count: int = 10,
    eps: float = 1e-7,
    buckets: Floats = "0,0.1,0.25,0.5,0.75,0.9,0.99,1",
    beta: float = 0.999,
    easy: float = 0.9,
    label: Optional[str] = None,
    targets: Union[None, str, Sequence[str]] = None,
    prob: Optional[str] = None,
    probs: Union[None, str, Sequence[str]] = None,
    logit: Optional[str] = None,
    logits: Union[None, str, Sequence[str]] = None,
    mode: Optional[Mode] = None,
    positive: Optional[str] = None,
    background: int = -1,
    ignore_index: int = -100,
    skip_invalid: bool = False,
    labels_npy: Optional[str] = None,
    channels_last: bool = False,
    max_line_bytes: Optional[str] = None,
    class_names: Union[None, str, Sequence[str]] = None,
    input_format: Optional[Format] = None,
    delimiter: str = ",",
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """flcli.recommend of a Ray Dataset, computed partition by partition."""
