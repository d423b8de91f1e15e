"""Who is on the phone: a script of key presses for tests, or a person at the terminal."""

from __future__ import annotations

import builtins
from collections import deque
from collections.abc import Callable, Iterable
from typing import Protocol

from hotline.simulator.prompts import KEYPAD, DialPrompt, GatherPrompt, check_dial_outcome
from hotline.texts import text

KEYS_PROMPT = text("simulator.prompts.keys")
DIAL_PROMPT = text("simulator.prompts.dial")  # the caller's <Dial> rings counsellors
CALLEE_DIAL_PROMPT = text("simulator.prompts.callee_dial")  # a callback: the counsellor dials
HANG_UP = "q"
SILENCE = frozenset({"", "-"})


class Caller(Protocol):
    def keys_for(self, gather: GatherPrompt) -> str | None:
        """Keys typed at this `<Gather>` (may include '*' and '#'); None for silence."""
        ...

    def dial_outcome(self, dial: DialPrompt) -> str:
        """How the `<Dial>` ends: completed, no-answer, busy, failed or canceled."""
        ...

    def hangs_up(self) -> bool:
        """Asked before each verb and after each `<Gather>`; True ends the call."""
        ...


class ScriptExhausted(Exception):
    """A `<Gather>` came but the script had no key presses left: the test's call went further."""

    transcript: object | None = None  # the call so far, attached by the player


class ScriptedCaller:
    """Plays a test's script: one key token per `<Gather>`, one outcome per `<Dial>`.

    Key tokens: digits with '*'/'#' ("9", "12345678#", "#"), "" or "-" for silence, "q" to hang
    up while the `<Gather>` waits. Dials without a scripted outcome are answered ("completed").
    """

    def __init__(
        self,
        keys: Iterable[str] = (),
        dial_outcomes: Iterable[str] = (),
        *,
        silence_when_exhausted: bool = False,
    ) -> None:
        self._keys = deque(_checked_token(token) for token in keys)
        self._outcomes = deque(check_dial_outcome(outcome) for outcome in dial_outcomes)
        self._silence_when_exhausted = silence_when_exhausted
        self._hung_up = False
        self.gathers: list[GatherPrompt] = []
        self.dials: list[DialPrompt] = []

    def keys_for(self, gather: GatherPrompt) -> str | None:
        self.gathers.append(gather)
        if not self._keys:
            if self._silence_when_exhausted:
                return None
            raise ScriptExhausted(
                f"{gather.describe()} is Gather #{len(self.gathers)}, "
                "but the script has no key presses left"
            )
        token = self._keys.popleft()
        if token == HANG_UP:
            self._hung_up = True
            return None
        return None if token in SILENCE else token

    def dial_outcome(self, dial: DialPrompt) -> str:
        self.dials.append(dial)
        return self._outcomes.popleft() if self._outcomes else "completed"

    def hangs_up(self) -> bool:
        return self._hung_up


class InteractiveCaller:
    """A person at the terminal; Ctrl-D, Ctrl-C or "q" hangs up.

    `dial_prompt` asks whether the party a `<Dial>` rings answers: counsellors for a caller,
    the caller for a counsellor placing a callback (CALLEE_DIAL_PROMPT)."""

    def __init__(
        self,
        input_fn: Callable[[str], str] = builtins.input,
        output: Callable[[str], None] = print,
        *,
        dial_prompt: str = DIAL_PROMPT,
    ) -> None:
        self._input = input_fn
        self._output = output
        self._dial_prompt = dial_prompt
        self._hung_up = False

    def keys_for(self, gather: GatherPrompt) -> str | None:
        while True:
            raw = self._ask(KEYS_PROMPT)
            if raw is None or raw.lower() == HANG_UP:
                self._hung_up = True
                return None
            keys = "".join(raw.split())
            if not keys:
                return None
            if set(keys) <= KEYPAD:
                return keys
            self._output(text("simulator.prompts.keypad_only"))

    def dial_outcome(self, dial: DialPrompt) -> str:
        raw = self._ask(self._dial_prompt)
        if raw is None or raw.lower() == HANG_UP:
            self._hung_up = True
            return "canceled"
        return "completed" if raw.lower() in {"j", "ja", "y", "yes"} else "no-answer"

    def hangs_up(self) -> bool:
        return self._hung_up

    def _ask(self, prompt: str) -> str | None:
        try:
            return self._input(prompt).strip()
        except (EOFError, KeyboardInterrupt):
            self._output("")
            return None


class FixedDialOutcome:
    """Someone at a phone whose `<Dial>`s all end the same way, decided beforehand.

    The keys (and hanging up) are the wrapped caller's: a script or the person at the
    terminal. `hotline simulate --callback ... --callee busy` plays a counsellor this way: they
    press keys themselves, while the caller they dial is busy."""

    def __init__(self, caller: Caller, outcome: str, answered_by: str = "human") -> None:
        self._caller = caller
        self._outcome = check_dial_outcome(outcome)
        self.answered_by = answered_by  # a person ("human") or a mailbox ("machine_end_beep")
        self.dials: list[DialPrompt] = []

    def keys_for(self, gather: GatherPrompt) -> str | None:
        return self._caller.keys_for(gather)

    def dial_outcome(self, dial: DialPrompt) -> str:
        self.dials.append(dial)
        return self._outcome

    def hangs_up(self) -> bool:
        return self._caller.hangs_up()


def _checked_token(token: str) -> str:
    if token in SILENCE or token == HANG_UP or set(token) <= KEYPAD:
        return token
    raise ValueError(f"key token {token!r}: use digits, '*', '#', '' or '-' (silence), 'q'")
