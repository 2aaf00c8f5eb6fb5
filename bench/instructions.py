"""Instructions per call of the hot paths, counted by valgrind's callgrind.

``python -m bench instructions --only staff_ticket --only claim``: on a shared machine the
wall-clock time of one request swings by a quarter from one minute to the next, while the number
of instructions the benchmark's process executes for it stays the same whatever else runs. For
each operation this runs itself twice under ``valgrind --tool=callgrind`` (a child process each,
``PYTHONHASHSEED=0``): both children prepare the same data and make ``--warmup`` untimed calls,
then one makes ``--calls`` calls and the other none; the difference of their totals divided by
``--calls`` is the count per call. Only this process is counted (Django and the drivers):
PostgreSQL and Redis work in processes of their own, which the query count and the wall-clock
runs describe. Each child takes a minute or more: valgrind runs code about fifty times slower.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from .generate import BenchError

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


@dataclass
class InstructionOptions:
    only: tuple[str, ...]
    calls: int = 20
    warmup: int = 10


def child(key: str, calls: int, warmup: int, prepared: int) -> None:
    """One child's work: prepare ``prepared`` items, ``warmup`` untimed calls, ``calls`` calls."""
    from .run import RunOptions, build_operations, choose_actors

    with open(os.devnull, "w", encoding="utf-8") as quiet:
        operations = build_operations(choose_actors(), RunOptions(only=(key,)), quiet)
    if not operations:
        raise BenchError(f"Operación desconocida o no disponible: {key}")
    (operation,) = operations
    if operation.prepare is not None:
        operation.prepare(prepared)
    for i in range(warmup + calls):
        operation.call(i)


def _count(command: list[str]) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(  # noqa: S603 - fixed arguments: this module under valgrind
        command, capture_output=True, text=True, env=env, check=False
    )
    match = _COLLECTED.search(result.stderr)
    if result.returncode != 0 or match is None:
        raise BenchError(f"valgrind falló: {result.stderr.strip()[-500:]}")
    return int(match.group(1))


def per_call(
    key: str, options: InstructionOptions, settings: str, count: Callable[[list[str]], int] = _count
) -> float:
    """Instructions per call of ``key``: (run with calls - run without) / calls."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise BenchError("Se necesita valgrind (paquete valgrind de Debian).")
    prepared = options.warmup + options.calls

    def command(calls: int) -> list[str]:
        return [
            valgrind,
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "bench",
            "--settings",
            settings,
            "instructions-child",
            key,
            str(calls),
            str(options.warmup),
            str(prepared),
        ]

    with_calls, without = count(command(options.calls)), count(command(0))
    return (with_calls - without) / options.calls


def run_instructions(
    options: InstructionOptions, settings: str, out: IO[str] | None = None
) -> dict[str, float]:
    out = out or sys.stdout
    if options.calls < 1 or not options.only:
        raise BenchError("Indique al menos una operación (--only) y --calls de 1 o más.")
    results = {}
    for key in options.only:
        results[key] = per_call(key, options, settings)
        print(f"  {key}: {results[key] / 1e6:.2f} M instructions per call", file=out, flush=True)
    return results
