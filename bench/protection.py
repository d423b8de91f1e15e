"""What the line's protection costs on `/twilio/voice/incoming` (issue 27), in-process CPU.

The same app and the same prepared, signed requests (each a new call from a number of its
own), in three variants taken in turn, round after round, so that drift hits all alike:

- *bare*: no protection at all (no keyed hash of the number, no check);
- *block check*: the number's keyed hashes under every hash key, the protection row's
  version, the lookup in the worker's list of blocks (1,000 active blocks in the table);
- *all checks*: what every incoming call does: the block check, the number's hash kept on
  the call (an indexed column: what the per-number count and the new-number share read),
  the calls of the number in the last hour (`[abuse] calls_per_hour`) and flood mode.

Target: the block check adds less than 0.1 ms of CPU to a request (median of the rounds,
against bare in the same run). Knobs: `BENCH_PROTECTION_REQUESTS` (per variant and round),
`BENCH_PROTECTION_ROUNDS`; `BENCH_PROTECTION=0` skips it in `make bench`. Alone:
`python -m bench.protection`.
"""

from __future__ import annotations

import io
import os
import secrets
import statistics
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from bench.databases import chosen_backends
from bench.inprocess import bench_app, incoming_request, measure, signed_environ
from hotline.abuse.models import CallerBlock
from hotline.abuse.protection import note_blocks_changed, screen_state
from hotline.abuse.screening import Verdict
from hotline.services import services
from hotline.telephony.call_state import register_inbound_call
from ivr_flows import runner
from ivr_flows.cases import intake
from ivr_flows.runner import CallFlowRunner
from scheduling.unit import Unit

TARGET_BLOCK_CHECK_MS = 0.1
BLOCKS = 1000


@dataclass(frozen=True)
class Result:
    backend: str
    bare_ms: float
    block_check_ms: float
    all_checks_ms: float

    @property
    def block_check_adds(self) -> float:
        return self.block_check_ms - self.bare_ms

    @property
    def all_checks_add(self) -> float:
        return self.all_checks_ms - self.bare_ms


def _block_check_only(unit: Unit, number_hashes: tuple[str, ...]) -> Verdict:
    version = screen_state(unit.session)[1]
    blocked = number_hashes and unit.units.blocklist.is_blocked(
        unit.session, version, number_hashes, unit.now
    )
    return Verdict.BLOCKED if blocked else Verdict.WELCOME


@contextmanager
def _variant(name: str) -> Iterator[None]:
    """Swap the protection's entry points for the variant, and back."""
    saved_screened, saved_hashes = intake.screened, CallFlowRunner._caller_hashes
    saved_screen, saved_register = Unit.screen_caller, runner.register_inbound_call
    try:
        if name == "bare":
            intake.screened = lambda ctx, step: None  # type: ignore[assignment]
            CallFlowRunner._caller_hashes = lambda self, step, request: ()  # type: ignore[method-assign]
        elif name == "block check":
            Unit.screen_caller = _block_check_only  # type: ignore[method-assign]
            runner.register_inbound_call = _registered_without_hash
        yield
    finally:
        intake.screened = saved_screened  # type: ignore[assignment]
        CallFlowRunner._caller_hashes = saved_hashes  # type: ignore[method-assign]
        Unit.screen_caller = saved_screen  # type: ignore[method-assign]
        runner.register_inbound_call = saved_register


def _registered_without_hash(*args: Any) -> Any:
    """The call registered as bare registers it: the hash kept on the call is for counting."""
    return register_inbound_call(*args[:5])


def _seed_blocks(app: Flask) -> None:
    svc = services(app)
    now = svc.clock.now()
    with svc.database.transaction() as session:
        session.add_all(
            CallerBlock(
                number_hash=secrets.token_hex(32),
                key_id="bench",
                created_at=now,
                expires_at=now + timedelta(days=30),
            )
            for _ in range(BLOCKS)
        )
        note_blocks_changed(session)


def run_backend(name: str, folder: Path, count: int, rounds: int) -> Result:
    costs: dict[str, list[float]] = {"bare": [], "block check": [], "all checks": []}
    with bench_app(name, folder) as app, redirect_stderr(io.StringIO()):
        _seed_blocks(app)
        for variant in costs:  # warm: caches, pools, the list of blocks
            with _variant(variant):
                measure(app, [[signed_environ(incoming_request()) for _ in range(200)]], None)
        for number in range(rounds):
            order = list(costs) if number % 2 == 0 else list(reversed(costs))
            for variant in order:
                batch = [signed_environ(incoming_request()) for _ in range(count)]
                with _variant(variant):
                    costs[variant].append(measure(app, [batch], None).app_ms)
    bare, block, every = (statistics.median(values) for values in costs.values())
    return Result(name, bare, block, every)


def table(results: list[Result]) -> str:
    lines = [
        "protection on /incoming: in-process CPU ms per request (median of rounds)",
        f"{'database':<12}{'bare':>8}{'block check':>13}{'adds':>8}{'all checks':>12}{'add':>8}",
    ]
    for r in results:
        lines.append(
            f"{r.backend:<12}{r.bare_ms:>8.3f}{r.block_check_ms:>13.3f}"
            f"{r.block_check_adds:>+8.3f}{r.all_checks_ms:>12.3f}{r.all_checks_add:>+8.3f}"
        )
    return "\n".join(lines)


def verdict_lines(results: list[Result]) -> list[str]:
    return [
        f"{'PASS' if r.block_check_adds < TARGET_BLOCK_CHECK_MS else 'FAIL'}  {r.backend} "
        f"block check adds {r.block_check_adds:.3f} ms CPU to /incoming "
        f"(target < {TARGET_BLOCK_CHECK_MS} ms; ratio {r.block_check_ms / r.bare_ms:.3f} to bare)"
        for r in results
    ]


def main(backends: Callable[[], Any] = chosen_backends) -> list[Result]:
    count = int(os.environ.get("BENCH_PROTECTION_REQUESTS", "1500"))
    rounds = int(os.environ.get("BENCH_PROTECTION_ROUNDS", "5"))
    print(f"protection: {rounds} rounds of {count} /incoming requests per variant", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-protection-") as folder:
        results = [run_backend(name, Path(folder), count, rounds) for name in backends()]
    print(table(results))
    for line in verdict_lines(results):
        print(line)
    return results


if __name__ == "__main__":
    main()
