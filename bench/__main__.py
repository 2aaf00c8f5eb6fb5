"""Command line: ``python -m bench generate …`` and ``python -m bench run …`` (see --help)."""

import argparse
import os
import sys

from .generate import DEFAULT_QUEUES, DEFAULT_TECHNICIANS, DEFAULT_TICKETS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Help-desk benchmark: generate a national-scale data set, then time it.",
    )
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL of the bench database (default: $DATABASE_URL).",
    )
    parser.add_argument(
        "--settings", default="bench.settings", help="Django settings module (bench.settings)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="Fill an empty database with help-desk data.")
    generate.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    generate.add_argument("--entries", type=int, help="Conversation entries (default 3 x tickets).")
    generate.add_argument("--technicians", type=int, default=DEFAULT_TECHNICIANS)
    generate.add_argument("--queues", type=int, default=DEFAULT_QUEUES)
    generate.add_argument(
        "--requesters", type=int, help="People who open tickets (30 %% of tickets)."
    )
    generate.add_argument("--supervisors", type=int, help="Default: 1 national + 1 per department.")
    generate.add_argument("--years", type=float, default=3.0, help="Period the tickets span.")
    generate.add_argument("--seed", type=int, default=2026)
    generate.add_argument(
        "--force", action="store_true", help="Add to a database that already has tickets."
    )
    generate.add_argument(
        "--rebuild-indexes",
        choices=["auto", "yes", "no"],
        default="auto",
        help="Drop and re-create indexes/constraints around the load (auto: for big loads).",
    )
    generate.add_argument("--no-vacuum", action="store_true", help="Skip VACUUM (ANALYZE).")

    run = commands.add_parser("run", help="Time the pages and API calls.")
    run.add_argument("--repeat", type=int, default=30, help="Timed requests per operation.")
    run.add_argument("--warmup", type=int, default=3, help="Untimed requests first.")
    run.add_argument(
        "--deep-pages", type=int, default=20, help="Pages to follow for the deep page."
    )
    run.add_argument("--only", action="append", help="Run only operations with this key.")
    run.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) the lists.")
    run.add_argument("--json", dest="json_path", help="Save the results to this JSON file.")
    run.add_argument("--baseline", help="A JSON file of an earlier run (smaller data) to compare.")
    run.add_argument(
        "--profile",
        dest="profile_dir",
        metavar="DIR",
        help="Also call each operation --repeat times under cProfile; save DIR/<key>.prof.",
    )
    transitions = commands.add_parser(
        "transitions", help="Claims and resolutions per second, next to a pgbench figure."
    )
    transitions.add_argument("--count", type=int, default=200, help="Tickets to claim/resolve.")
    transitions.add_argument("--seconds", type=int, default=10, help="pgbench duration.")
    instructions = commands.add_parser(
        "instructions",
        help="Instructions per call (valgrind's callgrind: steady on a busy machine).",
    )
    instructions.add_argument("--only", action="append", required=True, help="Operation key.")
    instructions.add_argument("--calls", type=int, default=20, help="Counted calls.")
    instructions.add_argument("--warmup", type=int, default=10, help="Uncounted calls first.")
    instructions_child = commands.add_parser("instructions-child", help=argparse.SUPPRESS)
    for name in ("key", "calls", "warmup", "prepared"):
        instructions_child.add_argument(name, type=str if name == "key" else int)
    compare = commands.add_parser(
        "compare", help="The hot paths next to django-helpdesk 2.6.1 (its own environment)."
    )
    compare.add_argument(
        "--peer-database-url", required=True, help="PostgreSQL URL of django-helpdesk's database."
    )
    compare.add_argument("--repeat", type=int, default=30, help="Timed requests per path and side.")
    compare.add_argument("--batch", type=int, default=5, help="Requests per alternating batch.")
    compare.add_argument(
        "--generate", action="store_true", help="Migrate and fill the peer's (empty) database."
    )
    compare.add_argument("--tickets", type=int, default=100_000, help="Peer tickets (--generate).")
    compare.add_argument("--entries", type=int, default=200_000, help="Peer follow-ups.")
    compare.add_argument("--only", action="append", help="create, ticket, search or list.")
    academic = commands.add_parser(
        "generate-academic",
        help="Fill a database with a synthetic country's schools, students and attendance.",
    )
    academic.add_argument(
        "--scale", type=float, default=1.0, help="1 = 6,000 schools, 1.3 M students (default)."
    )
    academic.add_argument("--year", type=int, default=2026, help="School year (2026).")
    academic.add_argument("--month", type=int, default=2, help="Month of attendance (2).")
    academic.add_argument(
        "--no-grades", action="store_true", help="Skip the first period's grades."
    )
    academic.add_argument("--seed", type=int, default=2026)
    academic.add_argument("--force", action="store_true", help="Add to a generated database.")
    academic.add_argument("--rebuild-indexes", choices=["auto", "yes", "no"], default="auto")
    academic.add_argument("--no-vacuum", action="store_true", help="Skip VACUUM (ANALYZE).")

    run_academic = commands.add_parser("run-academic", help="Time the academic operations.")
    run_academic.add_argument("--repeat", type=int, default=30)
    run_academic.add_argument("--warmup", type=int, default=3)
    run_academic.add_argument("--only", action="append", help="Run only this operation key.")
    run_academic.add_argument("--json", dest="json_path", help="Save the results to this file.")

    teachers = commands.add_parser(
        "generate-teachers",
        help="Add teachers, appointments, subject assignments and timetables (after "
        "generate-academic).",
    )
    teachers.add_argument("--scale", type=float, default=1.0, help="1 = 50,000 teachers.")
    teachers.add_argument("--year", type=int, default=2026, help="School year (2026).")
    teachers.add_argument("--seed", type=int, default=2026)
    teachers.add_argument("--force", action="store_true", help="Add to a database with teachers.")
    teachers.add_argument("--rebuild-indexes", choices=["auto", "yes", "no"], default="auto")
    teachers.add_argument("--no-vacuum", action="store_true", help="Skip VACUUM (ANALYZE).")

    run_teachers = commands.add_parser("run-teachers", help="Time the teachers' pages.")
    run_teachers.add_argument("--repeat", type=int, default=30)
    run_teachers.add_argument("--warmup", type=int, default=3)
    run_teachers.add_argument("--only", action="append", help="Run only this operation key.")
    run_teachers.add_argument("--json", dest="json_path", help="Save the results to this file.")
    import_students = commands.add_parser(
        "import-students",
        help="Generate a student file and time its dry run, import and re-import.",
    )
    import_students.add_argument("--rows", type=int, default=100_000)
    titles = commands.add_parser(
        "titles", help="Time the generation and signing of titles and their verification page."
    )
    titles.add_argument("--students", type=int, default=500, help="Graduates in the request.")
    titles.add_argument("--repeat", type=int, default=30)
    titles.add_argument("--warmup", type=int, default=3)
    finance = commands.add_parser(
        "generate-finance",
        help="A fiscal year of school finances for every school (or a standalone set).",
    )
    finance.add_argument("--year", type=int, default=2026)
    finance.add_argument(
        "--schools", type=int, default=6000, help="Standalone schools if the database has none."
    )
    finance.add_argument("--invoices", type=int, default=30, help="Invoices per school (30).")
    finance.add_argument("--seed", type=int, default=2026)
    run_finance = commands.add_parser("run-finance", help="Time the transparency pages.")
    run_finance.add_argument("--year", type=int, default=2026)
    run_finance.add_argument("--repeat", type=int, default=30)
    run_finance.add_argument("--warmup", type=int, default=3)
    import_teachers = commands.add_parser(
        "import-teachers",
        help="Generate a teacher file and time its dry run, import and re-import.",
    )
    import_teachers.add_argument("--rows", type=int, default=50_000)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    import django

    django.setup()
    from .generate import BenchError, GenerateOptions, generate
    from .run import RunOptions, run_benchmark

    try:
        if args.command in ("generate-academic", "run-academic"):
            return _academic(args)
        if args.command in ("generate-teachers", "run-teachers"):
            return _teachers(args)
        if args.command == "compare":
            from .compare import CompareOptions, run_compare

            run_compare(
                CompareOptions(
                    peer_database_url=args.peer_database_url,
                    repeat=args.repeat,
                    batch=args.batch,
                    generate=args.generate,
                    tickets=args.tickets,
                    entries=args.entries,
                    only=tuple(args.only or ()),
                )
            )
            return 0
        if args.command == "instructions":
            from .instructions import InstructionOptions, run_instructions

            run_instructions(
                InstructionOptions(only=tuple(args.only), calls=args.calls, warmup=args.warmup),
                args.settings,
            )
            return 0
        if args.command == "instructions-child":
            from .instructions import child

            child(args.key, args.calls, args.warmup, args.prepared)
            return 0
        if args.command == "transitions":
            from .transitions import TransitionOptions, run_transitions

            run_transitions(TransitionOptions(count=args.count, seconds=args.seconds))
            return 0
        if args.command == "import-students":
            from .imports import ImportBenchOptions, import_students

            import_students(ImportBenchOptions(rows=args.rows))
            return 0
        if args.command == "titles":
            from .titles import TitlesOptions, run_titles

            run_titles(
                TitlesOptions(students=args.students, repeat=args.repeat, warmup=args.warmup)
            )
            return 0
        if args.command in ("generate-finance", "run-finance"):
            return _finance(args)
        if args.command == "import-teachers":
            from .import_teachers import import_teachers

            import_teachers(args.rows)
            return 0
        if args.command == "generate":
            generate(
                GenerateOptions(
                    tickets=args.tickets,
                    entries=args.entries,
                    technicians=args.technicians,
                    queues=args.queues,
                    requesters=args.requesters,
                    supervisors=args.supervisors,
                    years=args.years,
                    seed=args.seed,
                    force=args.force,
                    rebuild_indexes=args.rebuild_indexes,
                    vacuum=not args.no_vacuum,
                )
            )
        else:
            run_benchmark(
                RunOptions(
                    repeat=args.repeat,
                    warmup=args.warmup,
                    deep_pages=args.deep_pages,
                    only=tuple(args.only or ()),
                    explain=args.explain,
                    json_path=args.json_path,
                    baseline=args.baseline,
                    profile_dir=args.profile_dir,
                )
            )
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    return 0


def _academic(args: argparse.Namespace) -> int:
    from .academic import AcademicOptions, generate_academic
    from .academic_run import AcademicRunOptions, run_academic

    if args.command == "generate-academic":
        generate_academic(
            AcademicOptions(
                scale=args.scale,
                year=args.year,
                month=args.month,
                grades=not args.no_grades,
                seed=args.seed,
                force=args.force,
                rebuild_indexes=args.rebuild_indexes,
                vacuum=not args.no_vacuum,
            )
        )
    else:
        run_academic(
            AcademicRunOptions(
                repeat=args.repeat,
                warmup=args.warmup,
                only=tuple(args.only or ()),
                json_path=args.json_path,
            )
        )
    return 0


def _teachers(args: argparse.Namespace) -> int:
    from .teachers import TeacherOptions, TeacherRunOptions, generate_teachers, run_teachers

    if args.command == "generate-teachers":
        generate_teachers(
            TeacherOptions(
                scale=args.scale,
                year=args.year,
                seed=args.seed,
                force=args.force,
                rebuild_indexes=args.rebuild_indexes,
                vacuum=not args.no_vacuum,
            )
        )
    else:
        run_teachers(
            TeacherRunOptions(
                repeat=args.repeat,
                warmup=args.warmup,
                only=tuple(args.only or ()),
                json_path=args.json_path,
            )
        )
    return 0


def _finance(args: argparse.Namespace) -> int:
    from .finance import FinanceOptions, generate_finance, run_finance
    from .run import RunOptions

    if args.command == "generate-finance":
        generate_finance(
            FinanceOptions(
                year=args.year, schools=args.schools, invoices=args.invoices, seed=args.seed
            )
        )
    else:
        run_finance(RunOptions(repeat=args.repeat, warmup=args.warmup), year=args.year)
    return 0


if __name__ == "__main__":
    sys.exit(main())
