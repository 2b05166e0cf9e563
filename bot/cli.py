"""Command line: ``python -m bot ask | index | chat | run`` (also ``briefing-bot ...``).

Bad input (a missing corpus folder, an empty question, an unreadable batch file, a bad config
value) gets one clear message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.index import IndexUpdateError
from bot.questions import QuestionError

log = logging.getLogger("bot")

EXIT_USAGE = 2
EXIT_ERROR = 1


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing-bot", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="config folder (default: the repository's config/)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--corpus", type=Path, help="corpus folder (default: `corpus` from config/bot.yaml)")
        return sub

    ask = command("ask", "answer a question (or a batch of them) from the corpus")
    ask.add_argument("question", nargs="?", help="the question, in English or Portuguese")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--batch", type=Path, help="a file with one question per line")
    ask.add_argument("-n", "--limit", type=int, help="answers to show (default: answers.max_quotes)")
    command("index", "build or refresh the on-disk index and print a summary")
    command("chat", "an interactive chat in the terminal")
    command("run", "start the Discord bot (token from the DISCORD_TOKEN environment variable)")
    return parser


def _setup_logging(verbose: int, default: int) -> None:
    level = default - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S", stream=sys.stderr,
    )


def _progress(done: int, total: int) -> None:
    log.info("indexed %d/%d files (%.0f%%)", done, total, 100 * done / max(total, 1))


def _answerer(settings: Settings):  # -> Answerer, imported lazily so `--help` stays fast
    from bot.answering import Answerer

    if not settings.corpus.is_dir():
        raise UsageError(
            f"corpus folder not found: {settings.corpus} (pass --corpus DIR or set `corpus` in config/bot.yaml)"
        )
    return Answerer.from_settings(settings, progress=_progress)


def _read_batch(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read batch file {path}: {exc}") from exc
    return [line.strip() for line in text.splitlines()]


def format_result(result) -> str:  # Result -> text for the terminal
    """A readable answer: the quotes, their sources and dates."""
    lines: list[str] = []
    if result.when_label:
        lines.append(f"When: {result.when_label}")
    confident = [a for a in result.answers if a.confident]
    if not confident:
        lines.append("The corpus does not answer this question.")
        if result.suggestions:
            lines.append("Close matches or topics: " + "; ".join(result.suggestions))
        return "\n".join(lines)
    for i, answer in enumerate(confident, 1):
        quote = textwrap.fill(answer.text, width=88, initial_indent=f"{i}. “", subsequent_indent="   ")
        lines.append(quote + "”")
        info = answer.article
        title = info.title if len(info.title) <= 70 else info.title[:69].rstrip() + "…"
        source = " · ".join(filter(None, [title, info.source, info.date, info.url or info.id]))
        when = f" — speaks of {answer.when}" if answer.when else ""
        lines.append(f"   {source}{when}")
        if answer.also_in:
            lines.append("   also in: " + ", ".join(a.title or a.id for a in answer.also_in))
    return "\n".join(lines)


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is not None and args.question:
        raise UsageError("give either a question or --batch FILE, not both")
    if args.batch is not None:
        questions = _read_batch(args.batch)
    elif args.question is not None:
        if not args.question.strip():
            raise UsageError("the question is empty")
        questions = [args.question]
    else:
        raise UsageError('ask needs a question: briefing-bot ask "when did Lavrov visit Pyongyang?"')
    answerer = _answerer(settings)
    for question in questions:
        if not question.strip():
            result_json = {"question": question, "answers": [], "suggestions": [], "error": "empty question"}
            print(json.dumps(result_json, ensure_ascii=False) if args.json else "(empty question)")
            continue
        try:
            result = answerer.ask(question, limit=args.limit)
        except QuestionError as exc:  # too long, say: one clear line, and a batch goes on
            if len(questions) == 1:
                raise UsageError(str(exc)) from exc
            print(json.dumps({"question": question[:200], "answers": [], "suggestions": [], "error": str(exc)},
                             ensure_ascii=False) if args.json else f"({exc})")
            continue
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            if len(questions) > 1:
                print(f"\n? {question}")
            print(format_result(result))
    return 0


def _cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering import Answerer

    if not settings.corpus.is_dir():
        raise UsageError(f"corpus folder not found: {settings.corpus}")
    start = time.perf_counter()
    answerer = Answerer.from_settings(settings, progress=_progress)
    report = answerer.last_report
    if report.error:
        print(f"error: {report.error}; the previous index was kept", file=sys.stderr)
        return EXIT_ERROR
    seconds = time.perf_counter() - start
    print(f"corpus: {settings.corpus}")
    print(f"articles: {report.articles}  sentences: {report.sentences}  seconds: {seconds:.1f}")
    print(f"this run: {len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed")
    print(f"skipped or partly loaded files: {len(report.skipped)}")
    for skipped in report.skipped:
        print(f"  {skipped.path}: {skipped.reason}")
    return 0


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.watch import CorpusWatcher

    answerer = _answerer(settings)
    print(f"briefing-bot: {answerer.article_count} articles, {answerer.sentence_count} sentences. "
          "Ask a question (Ctrl-D to quit).")
    read = _line_reader(settings)
    watcher = CorpusWatcher(answerer, settings.corpus, settings.watch, ignore=(settings.index_dir,))
    watcher.start()  # articles dropped into the corpus while chatting are answerable at once
    try:
        while True:
            try:
                question = read()
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if question.strip():
                print(format_result(answerer.ask(question)))
    finally:
        watcher.stop()


def _line_reader(settings: Settings):
    """Line editing and history when on a terminal; plain lines otherwise (pipes, tests)."""
    if not sys.stdin.isatty():
        def read() -> str:
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            return line.strip()
        return read
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(history=FileHistory(str(settings.index_dir / "chat_history")))
    return lambda: session.prompt("? ")


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run

    return run(settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    _setup_logging(args.verbose, logging.INFO if args.command in ("index", "run") else logging.WARNING)
    try:
        settings = load_settings(args.config, corpus=args.corpus)
        handler = {"ask": _cmd_ask, "index": _cmd_index, "chat": _cmd_chat, "run": _cmd_run}[args.command]
        return handler(args, settings)
    except (UsageError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except IndexUpdateError as exc:  # the index is busy, the disk full: the old index (if any) is intact
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
