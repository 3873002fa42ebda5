"""The long calls release the GIL: other Python threads run while flcli reads
and sums (a notebook's progress bar, a data loader, a web server)."""

from __future__ import annotations

import random
import threading
import time

import numpy as np
import pyarrow as pa

import flcli


def _table(n: int) -> pa.Table:
    rng = np.random.default_rng(7)
    return pa.table({"label": rng.integers(0, 2, n), "prob": rng.random(n)})


def _longest_pause(call) -> tuple[float, float]:
    """Calls `call` while another thread ticks every millisecond (sleeping in
    between, so it never holds the GIL for long); returns the call's duration
    and the longest time without a tick during it. A call that holds the GIL
    stops the ticks for all of its duration."""
    ticks: list[float] = []
    stop = threading.Event()

    def tick() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    time.sleep(0.05)
    start = time.perf_counter()
    call()
    end = time.perf_counter()
    stop.set()
    t.join()
    edges = [start] + [x for x in ticks if start <= x <= end] + [end]
    return end - start, max(b - a for a, b in zip(edges, edges[1:]))


def test_the_probe_sees_a_call_that_holds_the_gil():
    xs = [random.random() for _ in range(1_000_000)]
    took, pause = _longest_pause(lambda: sorted(xs))
    assert pause > 0.5 * took, (took, pause)


def test_compare_lets_other_threads_run():
    n = 1_000_000
    while True:
        table = _table(n)
        took, pause = _longest_pause(lambda: flcli.compare(table, gamma=[0, 1, 2, 5]))
        # Long enough that holding the GIL would show as one pause of most of the call.
        if took >= 0.3 or n >= 32_000_000:
            break
        n *= 2
    assert took >= 0.3, f"{n} rows took only {took:.3f} s: too fast to tell"
    assert pause < 0.5 * took, f"the other thread stopped for {pause:.3f} s of a {took:.3f} s call"
