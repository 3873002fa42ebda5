"""Type stubs of flcli: every keyword is a long flag of the CLI (``-`` -> ``_``)."""

from os import PathLike
from typing import Any, Dict, Iterable, Literal, Optional, Sequence, Union

__version__: str

Data = Any
"""A pyarrow Table / RecordBatch / RecordBatchReader, a polars or pandas DataFrame,
anything with ``__arrow_c_stream__``, a dict of numpy arrays or torch tensors, a path,
a list of paths, or partial-result bytes (or a list of them)."""

Floats = Union[float, Sequence[float], str]
AlphaSetting = Union[None, float, Sequence[float], str]
Mode = Literal["binary", "softmax", "sigmoid"]
Format = Literal["parquet", "arrow", "npy", "npz", "jsonl", "csv"]

class FlcliError(ValueError):
    """An error of flcli, with the message the command line prints."""

def stats(
    data: Data,
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
    """Imbalance, CE and focal loss per class and per bucket (``flcli stats --json``)."""

def compare(
    data: Data,
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
    """A γ × α grid and named variants side by side (``flcli compare --json``)."""

def recommend(
    data: Data,
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
    """Whether to use focal loss, with which γ and α, and why (``flcli recommend --json``)."""

def partial(
    data: Data,
    *,
    gamma: Floats = "0,0.5,1,2,3,5",
    variant: Sequence[str] = (),
    by: Optional[str] = None,
    max_groups: int = 1000,
    eps: float = 1e-7,
    buckets: Floats = "0,0.1,0.25,0.5,0.75,0.9,0.99,1",
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
) -> bytes:
    """The bytes ``flcli partial -o FILE.flp`` writes for `data`."""

def merge(parts: Iterable[bytes]) -> bytes:
    """Merges partial results, as ``flcli merge``."""

class Accumulator:
    """Sums fed batch by batch; reports, merges (``+``) and pickles."""

    def __init__(
        self,
        *,
        gamma: Floats = "0,0.5,1,2,3,5",
        variant: Sequence[str] = (),
        by: Optional[str] = None,
        max_groups: int = 1000,
        eps: float = 1e-7,
        buckets: Floats = "0,0.1,0.25,0.5,0.75,0.9,0.99,1",
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
        threads: Optional[int] = None,
    ) -> None: ...
    def update(self, batch: Data) -> "Accumulator": ...
    def merge(self, *others: "Accumulator") -> "Accumulator": ...
    def __add__(self, other: "Accumulator") -> "Accumulator": ...
    @property
    def rows_read(self) -> int: ...
    def partial(self) -> bytes: ...
    def stats(self, *, gamma: float = 2.0, alpha: AlphaSetting = ..., beta: float = 0.999) -> Dict[str, Any]: ...
    def compare(
        self,
        *,
        gamma: Floats = "0,0.5,1,2,5",
        alpha: Union[AlphaSetting, Sequence[AlphaSetting]] = ...,
        variant: Sequence[str] = (),
        beta: float = 0.999,
    ) -> Dict[str, Any]: ...
    def recommend(
        self,
        *,
        gamma: Floats = "0,0.5,1,2,3,5",
        max_easy_grad_share: float = 0.5,
    min_easy_grad_share: Optional[float] = None,
        max_easy_loss_share: float = 0.5,
        min_imbalance: float = 10.0,
        max_ece: float = 0.03,
        calibration_gamma: float = 3.0,
    cb_min_count: int = 10,
        beta: float = 0.999,
    ) -> Dict[str, Any]: ...
