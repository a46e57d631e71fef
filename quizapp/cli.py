"""The ``quizapp`` command: the app by default, plus validate, schema, gen, review, stats, export
and search."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from quizapp import __version__, paths
from quizapp.safetext import visible

if TYPE_CHECKING:
    from quizapp.bank import Bank, BankError
    from quizapp.ui.app import QuizApp


def _say(message: object, *, err: bool = False) -> None:
    """Print ``message`` as one line (stderr when ``err``): the one place the command's messages
    reach the terminal. A message carries paths, ids and text from a bank, a settings file or the
    command line, and none of them may move the cursor, clear the screen or start a line that
    looks like the command's own; every control character, a newline included, is escaped."""
    print(visible(str(message), newlines=False), file=sys.stderr if err else sys.stdout)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """argparse quotes most values with repr(), but not unrecognised arguments."""
        super().error(visible(message, newlines=False))


def _path_options(default: object) -> argparse.ArgumentParser:
    """--db/--bank/--config, accepted before or after the command.

    The copy on each subcommand uses ``argparse.SUPPRESS`` as its default so that leaving the
    option out after the command does not erase a value given before it.
    """
    options = _Parser(add_help=False)
    options.add_argument(
        "--db",
        type=Path,
        default=default,
        help="progress database (default: $QUIZAPP_DB or the user data dir)",
    )
    options.add_argument(
        "--bank",
        type=Path,
        default=default,
        help="an extra bank directory (default: $QUIZAPP_BANK)",
    )
    options.add_argument(
        "--config",
        type=Path,
        default=default,
        help="settings file (default: $QUIZAPP_CONFIG or the user config dir)",
    )
    return options


def _parser() -> argparse.ArgumentParser:
    common = _path_options(argparse.SUPPRESS)

    parser = _Parser(
        prog="quizapp",
        description="G検定 / E資格 drills in the terminal. With no command, the app opens.",
        parents=[_path_options(None)],
    )
    parser.add_argument("--version", action="version", version=f"quizapp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", parents=[common], help="open the app (the default)")
    sub.add_parser("review", parents=[common], help="open the app straight into today's review")

    validate = sub.add_parser("validate", parents=[common], help="check a question bank")
    validate.add_argument(
        "directory",
        nargs="?",
        type=Path,
        help="bank directory (default: the shipped bank and --bank)",
    )
    validate.add_argument(
        "--stale",
        type=_years,
        metavar="YEARS",
        help="also list items whose as_of (law, guidelines) is older than YEARS years",
    )

    sub.add_parser("schema", help="print the JSON Schema of a bank file")

    gen = sub.add_parser("gen", help="print fresh numeric problems")
    gen.add_argument("name", nargs="?", help="generator name (see --list)")
    gen.add_argument("--list", action="store_true", help="list the generators")
    gen.add_argument("-n", type=_count, default=1, help="how many problems (1 or more)")
    gen.add_argument("--seed", type=int, help="seed of the first problem (default: random)")
    gen.add_argument(
        "--answers", action="store_true", help="also print answers and worked solutions"
    )

    sub.add_parser("stats", parents=[common], help="due cards, retention and per-topic accuracy")
    cov = sub.add_parser(
        "coverage", parents=[common], help="how the bank and your log cover each exam's syllabus"
    )
    cov.add_argument("--exam", choices=["G", "E"], help="one exam (default: both)")

    find = sub.add_parser(
        "search",
        parents=[common],
        help="search the bank (width-, case- and kana-insensitive); print id, topic, first line",
    )
    find.add_argument("words", nargs="+", metavar="WORD", help="every word must occur")

    export = sub.add_parser(
        "export", parents=[common], help="export the review log or an Anki deck"
    )
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--csv", type=Path, metavar="FILE", help="write the review log as CSV")
    target.add_argument(
        "--anki",
        type=Path,
        metavar="FILE.apkg",
        help="write the hand-written items as an Anki deck",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        handler = _COMMANDS[command]
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        _say(f"quizapp: {exc}", err=True)
        return 1


def _cmd_validate(args: argparse.Namespace) -> int:
    from quizapp.bank import load_bank
    from solvers.generators import REGISTRY

    if args.directory is not None:
        directory = args.directory
        topics = directory / "topics.yaml"
        if not topics.exists():
            topics = paths.shipped_bank_dir() / "topics.yaml"
        dirs = [directory]
    else:
        dirs = paths.bank_dirs(args.bank)
        topics = dirs[0] / "topics.yaml"
    bank = load_bank(dirs, topics_path=topics, generators=REGISTRY, run_checks=True)
    if args.stale is not None:
        _print_stale(bank, args.stale)
    errors = sorted([*bank.errors, *_rule_errors(bank, dirs)], key=lambda e: (str(e.path), e.line))
    if errors:
        for error in errors:
            _say(error)
        _say(f"{len(errors)} error(s)", err=True)
        return 1
    if not bank.items:
        where = " or ".join(str(d) for d in dirs)
        _say(f"quizapp validate: no items in {where} (a bank is *.yaml files of items)", err=True)
        return 1
    _say(f"ok: {bank.summary()}; {_cards(bank)}")
    return 0


def _rule_errors(bank: Bank, dirs: list[Path]) -> list[BankError]:
    """The content rules (:mod:`quizapp.rules`) on every bank; the shipped bank's topics also
    have their minimums when it is among ``dirs``."""
    from quizapp.rules import RULES_FILE, check_bank, load_rules

    shipped = paths.shipped_bank_dir()
    rules, errors = load_rules(shipped / RULES_FILE)
    holds_shipped = any(d.resolve() == shipped.resolve() for d in dirs)
    return errors + check_bank(bank, rules, shipped if holds_shipped else None)


def _cards(bank: Bank) -> str:
    """The cards the app counts ("学習済み 0/463"): one per hand-written item, one per generator
    however many items frame it."""
    from quizapp.counts import cards as cards_of

    cards = cards_of(bank)
    shared = len(bank.items) - len(cards)
    if not shared:
        return f"{len(cards)} cards"
    return f"{len(cards)} cards (a generator framed by several items is one card: {shared} fewer)"


def _count(text: str) -> int:
    """``gen -n``: a number of problems, 1 or more."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {count}")
    return count


def _years(text: str) -> float:
    try:
        years = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of years: {text!r}") from None
    if not 0 <= years <= 100:
        raise argparse.ArgumentTypeError("YEARS must be between 0 and 100")
    return years


def _print_stale(bank: Bank, years: float) -> None:
    """法改正に注意: each item to re-check, as ``path:line: id: as_of …``, oldest first."""
    from quizapp.coverage import stale_items

    found = stale_items(bank, date.today(), years)
    for stale in found:
        path, line = bank.locations[stale.item.id]
        basis = stale.item.source.ref or stale.item.source.doc
        print(f"{path}:{line}: {stale.item.id}: as_of {stale.as_of} ({basis})")
    print(f"{len(found)} item(s) last checked more than {years:g} years ago", file=sys.stderr)


def _cmd_schema(args: argparse.Namespace) -> int:
    from quizapp.schema import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def _cmd_gen(args: argparse.Namespace) -> int:
    import random

    from solvers.generators import REGISTRY

    if args.list or not args.name:
        width = max(map(len, REGISTRY))
        for name, gen in sorted(REGISTRY.items()):
            print(f"{name:<{width}}  {gen.title}  [{gen.topic}]")
        return 0
    gen = REGISTRY.get(args.name)
    if gen is None:
        _say(f"quizapp gen: unknown generator {args.name!r}; try `quizapp gen --list`", err=True)
        return 2
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    for i in range(args.n):
        problem = gen.generate(seed + i)
        print(f"── {gen.title}  (seed {seed + i})")
        print(problem.prompt)
        for n, choice in enumerate(problem.choices, start=1):
            print(f"  {n}. {choice.text}{problem.unit if problem.unit != '%' else ''}")
        if args.answers:
            print(f"答え: {problem.answer_text}{problem.unit}")
            print(problem.solution)
        print()
    return 0


def _cmd_run(args: argparse.Namespace, start: str = "home") -> int:
    from quizapp.ui.app import StartupError

    try:
        app = _app(args, start)
    except StartupError as exc:
        # the message's own lines (a heading, then one bank error each) stay lines
        for line in f"quizapp: {exc}".split("\n"):
            _say(line, err=True)
        return 1
    app.run()
    return app.return_code or 0


def _app(args: argparse.Namespace, start: str) -> QuizApp:
    # What is loaded here (modules, the bank, settings) lives until exit: the cyclic GC has
    # nothing to find in it while it is built, and frozen after, it never walks it again, not
    # even at interpreter exit (benchmarks/tui.py)
    gc.disable()
    try:
        from quizapp.ui.app import make_app

        app = make_app(
            db_path=paths.db_path(args.db),
            bank_dirs=paths.bank_dirs(args.bank),
            config_path=paths.config_path(args.config),
            cache_dir=paths.cache_dir(),
            start=start,
        )
    finally:
        gc.freeze()
        gc.enable()
    return app


def app_from_argv(argv: Sequence[str]) -> QuizApp:
    """The app ``quizapp [run|review] …`` opens, built exactly as the command builds it (the
    start-up benchmark runs it this way, under Textual's test driver).

    Raises:
        StartupError: as the command reports it.
        ValueError: ``argv`` names another command.
    """
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command not in ("run", "review"):
        raise ValueError(f"{command!r} does not open the app")
    return _app(args, "review" if command == "review" else "home")


def _cmd_review(args: argparse.Namespace) -> int:
    return _cmd_run(args, start="review")


def _cmd_stats(args: argparse.Namespace) -> int:
    from quizapp.reports import print_stats

    return print_stats(
        db_path=paths.db_path(args.db),
        bank_dirs=paths.bank_dirs(args.bank),
        config_path=paths.config_path(args.config),
    )


def _cmd_coverage(args: argparse.Namespace) -> int:
    from quizapp.reports import print_coverage

    return print_coverage(
        bank_dirs=paths.bank_dirs(args.bank),
        exam=args.exam,
        db_path=paths.db_path(args.db),
        config_path=paths.config_path(args.config),
    )


def _cmd_export(args: argparse.Namespace) -> int:
    from quizapp import export

    db_path = paths.db_path(args.db)
    try:
        if args.csv is not None:
            count = export.export_csv(db_path, args.csv, bank_dirs=paths.bank_dirs(args.bank))
            _say(f"{count} reviews written to {args.csv}")
        else:
            count = export.export_anki(paths.bank_dirs(args.bank), args.anki, db_path=db_path)
            _say(f"{count} notes written to {export.anki_path(args.anki)}")
    except export.ExportError as exc:
        for message in exc.args:
            _say(message, err=True)
        return 1
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from quizapp.bank import load_bank
    from quizapp.search import MAX_QUERY, build_index, search
    from solvers.generators import REGISTRY

    query = " ".join(args.words)
    if len(query) > MAX_QUERY:
        _say(f"quizapp search: 検索語は {MAX_QUERY} 文字までです", err=True)
        return 2
    bank = load_bank(paths.bank_dirs(args.bank), generators=REGISTRY, cache_dir=paths.cache_dir())
    if bank.errors:
        _say(
            f"quizapp search: 問題集に {len(bank.errors)} 件のエラーがあります"
            "（quizapp validate で確認できます）。読めた問題を検索します",
            err=True,
        )
    hits = search(build_index(bank, REGISTRY), query)
    for hit in hits:
        topic = bank.topics[hit.topic].title if hit.topic in bank.topics else hit.topic
        _say(f"{hit.item_id}  {topic}  {hit.first_line}")
    if not hits:
        _say(f"quizapp search: 見つかりませんでした: {query}", err=True)
        return 1
    return 0


_COMMANDS = {
    "coverage": _cmd_coverage,
    "run": _cmd_run,
    "review": _cmd_review,
    "validate": _cmd_validate,
    "schema": _cmd_schema,
    "gen": _cmd_gen,
    "stats": _cmd_stats,
    "export": _cmd_export,
    "search": _cmd_search,
}


if __name__ == "__main__":
    sys.exit(main())
