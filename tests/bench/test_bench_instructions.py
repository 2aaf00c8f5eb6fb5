"""``python -m bench instructions``: the count per call is the difference of two runs under
valgrind (with and without the calls, the same preparation) divided by the calls. The runs
themselves take minutes under valgrind, so here the counting is given; the command is checked."""

import pytest

from bench import instructions
from bench.generate import BenchError
from bench.instructions import InstructionOptions, per_call


def test_the_count_per_call_is_the_difference_of_two_runs(monkeypatch):
    monkeypatch.setattr(instructions.shutil, "which", lambda _name: "/usr/bin/valgrind")
    commands = []

    def count(command):
        commands.append(command)
        return 7_000_000 + 2_500 * int(command[-3])  # start-up + 2,500 per counted call

    options = InstructionOptions(only=("claim",), calls=20, warmup=10)
    assert per_call("claim", options, "bench.settings", count=count) == 2_500
    with_calls, without = commands
    assert with_calls[:3] == [
        "/usr/bin/valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
    ]
    assert with_calls[-4:] == ["claim", "20", "10", "30"]
    # The same preparation and warm-up in both: only the counted calls differ.
    assert without[-4:] == ["claim", "0", "10", "30"]


def test_valgrinds_total_is_read_from_its_report(monkeypatch):
    report = "==4242== Events    : Ir\n==4242== Collected : 123456789\n==4242==\n"
    assert instructions._COLLECTED.search(report).group(1) == "123456789"
    monkeypatch.setattr(instructions.shutil, "which", lambda _name: None)
    with pytest.raises(BenchError, match="valgrind"):
        per_call("claim", InstructionOptions(only=("claim",)), "bench.settings")
