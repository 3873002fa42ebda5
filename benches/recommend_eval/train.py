"""Loss settings and the training of one small model per setting.

Every setting of a task's grid is trained at once as a batch of independent MLPs
(one hidden ReLU layer): the summed loss has a separate term per setting, and
Adam's update is element-wise, so each model gets exactly the updates it would
get alone. All of them start from the same initial weights (drawn from the seed)
and see the same full-batch data: the settings differ only in their loss.

The loss of an element, with p_t the probability of its true target:
    FL = -α_t (1 - p_t)^γ ln p_t
- sigmoid (binary, one-vs-rest): α_t = α for a positive element, 1 - α for a
  negative one (torchvision's convention); "none" is α_t = 1.
- softmax: α_t = α[true class], a per-class vector or none.
- FLSD-53 (Mukhoti et al. 2020): γ = 5 where p_t < 0.2, else 3 (the switch carries no gradient).
- class-balanced (Cui et al. 2019): α_c ∝ (1-β)/(1-β^{n_c}) from the training counts,
  normalised to sum to the number of classes (sigmoid: the two polarities).
(1 - p_t)^γ is exp(γ · ln(1 - p_t)) with ln(1 - p_t) from a log-sigmoid / log-sum-exp,
so p_t → 1 gives neither NaN values nor NaN gradients. The loss is the mean over elements.
"""

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

GAMMAS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)
ALPHAS = (None, 0.25, 0.5, 0.75)
BETA = 0.999


@dataclass(frozen=True)
class Setting:
    """One loss. `weights`: sigmoid (w_neg, w_pos); softmax a per-class tuple; None = no α.
    `gamma` None means FLSD-53."""

    name: str
    gamma: float | None
    weights: tuple | None
    family: str  # focal | cb | flsd53 | recommended
    alpha: object = None  # the α as reported: a number (sigmoid), a list (softmax) or None


def fmt(x):
    return f"{x:g}"


def class_balanced(counts, beta=BETA):
    counts = np.asarray(counts, dtype=np.float64)
    eff = (1.0 - beta ** counts) / (1.0 - beta)
    w = 1.0 / eff
    return tuple(float(v) for v in w / w.sum() * len(counts))


def train_counts(task):
    """Class counts (softmax) or (negative, positive) element counts (binary, sigmoid)."""
    if task.kind == "softmax":
        return np.bincount(task.y_train, minlength=task.n_out)
    if task.kind == "binary":
        pos = int(task.y_train.sum())
        return np.array([len(task.y_train) - pos, pos])
    pos = int((task.y_train >= 0).sum())
    return np.array([len(task.y_train) * task.n_out - pos, pos])


def focal_name(gamma, alpha):
    base = "ce" if gamma == 0 else f"fl g={fmt(gamma)}"
    return base if alpha is None else f"{base} a={fmt(alpha)}"


def sigmoid_setting(gamma, alpha):
    w = None if alpha is None else (1.0 - alpha, alpha)
    return Setting(focal_name(gamma, alpha), gamma, w, "focal", alpha)


def grid(task, gammas=GAMMAS, alphas=ALPHAS, flsd=True, cb=True):
    """The evaluated grid: γ × α (binary/sigmoid) or γ × {none, class-balanced} (softmax),
    class-balanced CE (and γ = 0.5, Cui et al.'s choice), FLSD-53."""
    cbw = class_balanced(train_counts(task))
    out = []
    if task.kind == "softmax":
        for g in gammas:
            out.append(Setting(focal_name(g, None), g, None, "focal"))
        if cb:
            for g in gammas:
                out.append(Setting(f"cb g={fmt(g)}", g, cbw, "cb", list(cbw)))
        if flsd:
            out.append(Setting("flsd53", None, None, "flsd53"))
            if cb:
                out.append(Setting("flsd53 cb", None, cbw, "flsd53", list(cbw)))
        return out
    for g in gammas:
        for a in alphas:
            out.append(sigmoid_setting(g, a))
    if cb:
        for g in (0.0, 0.5):
            if g in gammas:
                out.append(Setting(f"cb g={fmt(g)}", g, cbw, "cb", cbw[1] / sum(cbw)))
    if flsd:
        for a in (None, 0.25, 0.75):
            if a is None or a in alphas:
                w = None if a is None else (1.0 - a, a)
                name = "flsd53" if a is None else f"flsd53 a={fmt(a)}"
                out.append(Setting(name, None, w, "flsd53", a))
    return out


def default_setting(task):
    """The fixed default: γ = 2, α = .25 (torchvision's); softmax has no scalar α, so γ = 2 alone."""
    return focal_name(2.0, None if task.kind == "softmax" else 0.25)


def _loss_terms(settings, n_classes_w, dtype):
    S = len(settings)
    gam = torch.tensor([0.0 if s.gamma is None else s.gamma for s in settings], dtype=dtype)
    flsd = torch.tensor([s.gamma is None for s in settings])
    w = torch.ones(S, n_classes_w, dtype=dtype)
    for i, s in enumerate(settings):
        if s.weights is not None:
            w[i] = torch.tensor(s.weights, dtype=dtype)
    return gam, flsd, w


def _focal(logpt, log1mpt, gam, flsd, at):
    """Per-element focal loss; gam/flsd broadcast over the setting axis (dim 0)."""
    pt = logpt.exp().detach()
    g = torch.where(flsd, torch.where(pt < 0.2, 5.0, 3.0).to(logpt.dtype), gam)
    mod = torch.exp(g * log1mpt)
    return -at * mod * logpt


def sigmoid_loss(z, target, gam, flsd, w):
    """z: (S, N, K) logits; target: (N, K) in {0, 1}; w: (S, 2) = (w_neg, w_pos)."""
    s = z * (2.0 * target - 1.0)  # logit of p_t
    logpt = F.logsigmoid(s)
    log1mpt = F.logsigmoid(-s)
    at = torch.where(target.bool(), w[:, 1].view(-1, 1, 1), w[:, 0].view(-1, 1, 1))
    loss = _focal(logpt, log1mpt, gam.view(-1, 1, 1), flsd.view(-1, 1, 1), at)
    return loss.mean(dim=(1, 2))


def softmax_loss(z, y, gam, flsd, w):
    """z: (S, N, C) logits; y: (N,) class indices; w: (S, C) per-class α."""
    lse = torch.logsumexp(z, dim=2)
    idx = y.view(1, -1, 1).expand(z.shape[0], -1, 1)
    zt = z.gather(2, idx).squeeze(2)
    logpt = zt - lse
    others = z.scatter(2, idx, float("-inf"))
    log1mpt = torch.logsumexp(others, dim=2) - lse
    at = w[:, y]
    loss = _focal(logpt, log1mpt, gam.view(-1, 1), flsd.view(-1, 1), at)
    return loss.mean(dim=1)


def targets(task, y):
    """Training target in the form the loss takes."""
    if task.kind == "softmax":
        return torch.as_tensor(y, dtype=torch.long)
    if task.kind == "binary":
        return torch.as_tensor(y, dtype=torch.float32).view(-1, 1)
    t = np.zeros((len(y), task.n_out), dtype=np.float32)
    rows = np.flatnonzero(y >= 0)
    t[rows, y[rows]] = 1.0
    return torch.as_tensor(t)


def train(task, settings, seed):
    """Trains one MLP per setting; returns (val logits, test logits), each (S, N, n_out) float64."""
    dtype = torch.float32
    gen = torch.Generator().manual_seed(seed)
    d, h, o, S = task.X_train.shape[1], task.hidden, task.n_out, len(settings)

    def uni(shape, fan_in):
        b = 1.0 / np.sqrt(fan_in)
        return (torch.rand(shape, generator=gen, dtype=dtype) * 2 - 1) * b

    init = [uni((d, h), d), uni((1, h), d), uni((h, o), h), uni((1, o), h)]
    if task.prior is not None:
        init[3] = torch.full((1, o), -float(np.log((1 - task.prior) / task.prior)), dtype=dtype)
    # First layer of all S models as one (d, S·h) matrix: one GEMM instead of S small ones.
    W1 = init[0].repeat(1, S).requires_grad_()
    b1 = init[1].reshape(-1).repeat(S).requires_grad_()
    W2 = init[2].unsqueeze(0).repeat(S, 1, 1).requires_grad_()
    b2 = init[3].unsqueeze(0).repeat(S, 1, 1).requires_grad_()
    params = [W1, b1, W2, b2]

    def forward(X):
        hid = torch.relu(torch.addmm(b1, X, W1)).view(X.shape[0], S, h).transpose(0, 1)
        return torch.baddbmm(b2, hid, W2)

    X = torch.as_tensor(task.X_train, dtype=dtype)
    t = targets(task, task.y_train)
    n_w = o if task.kind == "softmax" else 2
    gam, flsd, w = _loss_terms(settings, n_w, dtype)
    loss_fn = softmax_loss if task.kind == "softmax" else sigmoid_loss
    opt = torch.optim.AdamW(params, lr=task.lr, weight_decay=task.weight_decay)
    for _ in range(task.epochs):
        opt.zero_grad(set_to_none=True)
        per_setting = loss_fn(forward(X), t, gam, flsd, w)
        if not torch.isfinite(per_setting).all():
            bad = [settings[i].name for i in torch.flatnonzero(~torch.isfinite(per_setting))]
            raise RuntimeError(f"{task.name}: non-finite training loss for {bad}")
        per_setting.sum().backward()
        opt.step()
    with torch.no_grad():
        zv = forward(torch.as_tensor(task.X_val, dtype=dtype)).double().numpy()
        zt = forward(torch.as_tensor(task.X_test, dtype=dtype)).double().numpy()
    return zv, zt


def self_check():
    """The loss against published per-element values (MONAI's focal-loss test: sigmoid, γ = 2)
    and a direct softmax formula; raises if they differ."""
    z = torch.tensor([1.0, 1.0, 0.5, 0.0, 0.5]).view(1, 5, 1)
    t = torch.tensor([1.0, 0.0, 0.0, 0.0, 1.0]).view(5, 1)
    want = [0.02266, 0.70187, 0.37741, 0.17329, 0.06757]
    gam, flsd, w = _loss_terms([Setting("fl g=2", 2.0, None, "focal")], 2, torch.float64)
    for i, v in enumerate(want):
        got = float(sigmoid_loss(z[:, i : i + 1].double(), t[i : i + 1].double(), gam, flsd, w))
        if abs(got - v) > 1e-5:
            raise AssertionError(f"sigmoid focal loss {got} at element {i}, want {v}")
    gen = torch.Generator().manual_seed(0)
    zz = torch.randn(2, 7, 4, generator=gen, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 3, 3, 1, 0])
    alpha = (0.5, 1.0, 2.0, 0.5)
    settings = [Setting("a", 2.0, alpha, "focal"), Setting("flsd53", None, None, "flsd53")]
    gam, flsd, w = _loss_terms(settings, 4, torch.float64)
    got = softmax_loss(zz, y, gam, flsd, w)
    pt = zz.softmax(2)[:, torch.arange(7), y]
    want0 = (torch.tensor(alpha, dtype=torch.float64)[y] * (1 - pt[0]) ** 2 * -pt[0].log()).mean()
    g53 = torch.where(pt[1] < 0.2, 5.0, 3.0)
    want1 = ((1 - pt[1]) ** g53 * -pt[1].log()).mean()
    for g, wv in ((got[0], want0), (got[1], want1)):
        if abs(float(g) - float(wv)) > 1e-12:
            raise AssertionError(f"softmax focal loss {float(g)}, want {float(wv)}")
    z = torch.tensor([100.0, -100.0], dtype=torch.float64).view(1, 2, 1).requires_grad_()
    gam, flsd, w = _loss_terms([Setting("fl g=0.5", 0.5, None, "focal")], 2, torch.float64)
    loss = sigmoid_loss(z, torch.tensor([1.0, 0.0], dtype=torch.float64).view(2, 1), gam, flsd, w)
    loss.sum().backward()
    if not (torch.isfinite(loss).all() and torch.isfinite(z.grad).all()):
        raise AssertionError("focal loss or its gradient is not finite at logits ±100")
