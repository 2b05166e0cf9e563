"""Command line: briefing-bot ask | index | chat | run | health (also python -m bot ...).

Every command takes --config DIR, --corpus DIR and -v, before or after the command's name. Bad
input (a missing corpus folder, an empty question, an unreadable batch file, a bad config value)
gets one clear message on stderr and exit code 2, never a traceback. Output is always UTF-8,
whatever the terminal's locale or the bytes a question arrived with.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import re
import sys
import textwrap
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.dates import weekday_label
from bot.gloss import LABEL as GLOSS_LABEL
from bot.gloss import glosses_for
from bot.index import IndexUpdateError
from bot.progress import Progress
from bot.questions import QuestionError

log = logging.getLogger("bot")

EXIT_USAGE = 2
EXIT_ERROR = 1
_WIDTH = 88
_SURROGATES = re.compile("[\ud800-\udfff]")

EXAMPLES = """\
examples:
  briefing-bot ask "When did Lavrov visit Pyongyang?"
  briefing-bot ask --json -n 5 Quando Lavrov chegou à Coreia do Norte
  briefing-bot ask -- "-n is not an option here"
  printf 'question one\\nquestion two\\n' | briefing-bot ask --json -
  briefing-bot index --corpus ~/articles -v
  briefing-bot health --bot
"""


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def safe_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD: what undecodable bytes in ``sys.argv`` become."""
    return _SURROGATES.sub("\ufffd", text)


# --- arguments ---------------------------------------------------------------------------------


def _common_options(defaults: bool) -> argparse.ArgumentParser:
    """--config, --corpus and -v; accepted before the command (defaults set) and after it (suppressed)."""
    common = argparse.ArgumentParser(add_help=False)
    suppress = {} if defaults else {"default": argparse.SUPPRESS}
    common.add_argument("--config", type=Path, metavar="DIR", **suppress,
                        help="config folder overriding the shipped defaults (default: BRIEFING_CONFIG, "
                             "else config/ of a checkout)")
    common.add_argument("--corpus", type=Path, metavar="DIR", **suppress,
                        help="the folder of articles (default: corpus in bot.yaml)")
    common.add_argument("-v", "--verbose", action="count", dest="verbose" if defaults else "sub_verbose",
                        default=0 if defaults else argparse.SUPPRESS, help="more log output (-vv: debug)")
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing-bot", description=__doc__.splitlines()[0], parents=[_common_options(True)],
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"briefing-bot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_options(False)

    def command(name: str, help_text: str, description: str | None = None) -> argparse.ArgumentParser:
        paragraphs = (description or help_text).split("\n\n")
        text = "\n\n".join(textwrap.fill(p, width=_WIDTH - 8) for p in paragraphs)
        return commands.add_parser(name, help=help_text, description=text, parents=[common],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    ask = command(
        "ask", "answer a question (or a batch of them) from the corpus",
        "Answer a question from the corpus: the quotes, their sources and dates, an English gloss of "
        "Portuguese quotes for English questions (machine translation).\n\n"
        "The question may be several words without quotes. A question starting with '-' goes after "
        "'--'. With '-' as the question, or no question and input from a pipe, questions are read from "
        "standard input, one per line.",
    )
    ask.add_argument("question", nargs="*", help="the question, in English or Portuguese ('-': read standard input)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--batch", type=Path, metavar="FILE", help="a file with one question per line ('-': stdin)")
    ask.add_argument("-n", "--limit", type=int, metavar="N", help="answers to show (default: answers.max_quotes)")
    ask.add_argument("--no-gloss", dest="gloss", action="store_false",
                     help="no English gloss under Portuguese quotes")
    index = command("index", "build or refresh the on-disk index and print a summary",
                    "Build or refresh the on-disk index of the corpus (only changed files are read again) and "
                    "print what it holds. Shows progress: a bar on a terminal, a log line every 5 s otherwise.")
    index.add_argument("--embed", action="store_true",
                       help="also embed every sentence for semantic relevance (resumable; progress and ETA)")
    chat = command("chat", "an interactive chat in the terminal")
    chat.add_argument("--no-gloss", dest="gloss", action="store_false",
                      help="no English gloss under Portuguese quotes")
    timeline = command(
        "timeline", "the dated events the corpus reports about a person, place or event",
        "The sentences about a topic across all articles, in the order of the events they report: the date "
        "each speaks of (day, month or year), the sentence, its sources (wire copies merged). Undated "
        "articles' events are listed apart, never given an invented date.",
    )
    timeline.add_argument("topic", nargs="+", help='what the timeline is about, e.g. "Coreia do Norte"')
    timeline.add_argument("--since", metavar="DATE", help="only events on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
    timeline.add_argument("--until", metavar="DATE", help="only events on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
    timeline.add_argument("--json", action="store_true", help="print the timeline as one JSON object")
    timeline.add_argument("-n", "--limit", type=int, metavar="N", help="events to show (default: all)")
    who = command(
        "who", "who someone is, according to the corpus: titles, spellings, dates, companions",
        "A who-is card: the titles and descriptions the articles give the name (each with its source), "
        "the spellings they use, the first and last dates of the articles naming it, how many do, and "
        "the names it appears with most.",
    )
    who.add_argument("name", nargs="+", help='a name as the articles write it, e.g. "Shoigu" or "Sergei Shoigu"')
    who.add_argument("--json", action="store_true", help="print the card as one JSON object")
    command("run", "start the Discord bot (token from DISCORD_TOKEN or DISCORD_TOKEN_FILE)")
    health = command(
        "health", "check that the index opens and, with --bot, that the bot is connected",
        "Check that the corpus folder exists and its index opens; when the Discord bot runs (or with "
        "--bot), that it is connected to the gateway (its heartbeat file is fresh). Prints one line; "
        "exit code 0 when healthy, 1 when not. Meant for Docker's HEALTHCHECK.",
    )
    health.add_argument("--bot", action="store_true", help="fail unless the Discord bot is running and connected")
    return parser


def _setup_logging(verbose: int, default: int) -> None:
    level = default - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S", stream=sys.stderr,
    )


def _utf8_streams() -> None:
    """UTF-8 in and out whatever the locale; undecodable input becomes U+FFFD instead of an error."""
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace"), (sys.stdin, "replace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream already closed: leave it be
                reconfigure(encoding="utf-8", errors=errors)


# --- answering ---------------------------------------------------------------------------------


def _answerer(settings: Settings):  # -> Answerer (imported lazily: fast --help), with progress reports
    from bot.answering import Answerer

    if not settings.corpus.is_dir():
        raise UsageError(
            f"corpus folder not found: {settings.corpus} (pass --corpus DIR or set corpus in bot.yaml)"
        )
    with Progress() as progress:
        return Answerer.from_settings(settings, progress=progress)


def _read_lines(source: Path | TextIO) -> list[str]:
    if isinstance(source, Path):
        try:
            text = source.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError as exc:
            raise UsageError(f"cannot read batch file {source}: {exc.strerror or exc}") from exc
    else:
        text = source.read()
        text = text.removeprefix("\ufeff")
    return [safe_text(line.strip()) for line in text.splitlines()]


def _questions(args: argparse.Namespace) -> list[str]:
    words = [safe_text(word) for word in args.question]
    if args.batch is not None and words:
        raise UsageError("give either a question or --batch FILE, not both")
    if args.batch is not None:
        return _read_lines(sys.stdin if str(args.batch) == "-" else args.batch)
    if words == ["-"] or (not words and not sys.stdin.isatty()):
        questions = _read_lines(sys.stdin)
        if not any(q.strip() for q in questions):
            raise UsageError("no question on standard input")
        return questions
    if not words:
        raise UsageError('ask needs a question: briefing-bot ask "when did Lavrov visit Pyongyang?"')
    question = " ".join(words)
    if not question.strip():
        raise UsageError("the question is empty")
    return [question]


def format_result(result: Any, glosses: Mapping[str, str] | None = None) -> str:  # Result -> text
    """A readable answer: the quotes, their English glosses (labelled), their sources and dates."""
    glosses = glosses or {}
    lines: list[str] = []
    direct = result.direct
    if result.when_label:
        lines.append(f"When: {result.when_label}")
    elif direct is not None and direct.kind == "date":
        note = " (undated article: no date to resolve it against)" if direct.undated else ""
        lines.append(f"When: {direct.text}{note}")
    elif direct is not None:
        lines.append(f"Answer: {direct.text}")
    confident = [a for a in result.answers if a.confident]
    if not confident:
        lines.append("The corpus does not answer this question.")
        if result.suggestions:
            lines.append("Close matches or topics: " + "; ".join(result.suggestions))
        return "\n".join(lines)
    for i, answer in enumerate(confident, 1):
        quote = textwrap.fill(answer.text, width=_WIDTH, initial_indent=f"{i}. “", subsequent_indent="   ")
        lines.append(quote + "”")
        gloss = glosses.get(answer.text)
        if gloss:
            lines.append(textwrap.fill(gloss, width=_WIDTH, initial_indent=f"   ({GLOSS_LABEL}) ",
                                       subsequent_indent="   "))
        info = answer.article
        title = info.title if len(info.title) <= 70 else info.title[:69].rstrip() + "…"
        source = " · ".join(filter(None, [title, info.source, info.date, info.url or info.id]))
        when = f" — speaks of {answer.when}" if answer.when else ""
        lines.append(f"   {source}{when}")
        if answer.also_in:
            lines.append("   also in: " + ", ".join(a.title or a.id for a in answer.also_in))
    return "\n".join(lines)


def _glosses(answerer: Any, result: Any, settings: Settings, wanted: bool) -> dict[str, str]:
    """Checked glosses of the answers shown (confident ones), when wanted and translation is on."""
    if not wanted or not settings.answers.translate:
        return {}
    return glosses_for(answerer, result, len(result.answers), settings.aliases)


def result_json(result: Any, glosses: Mapping[str, str]) -> dict[str, Any]:
    """The JSON contract of one answered question: ``Result.to_json`` plus a ``gloss`` on every answer."""
    data = result.to_json()
    for answer, item in zip(result.answers, data["answers"], strict=True):
        item["gloss"] = glosses.get(answer.text)
    return data


def _emit(text: str) -> None:
    print(safe_text(text), flush=True)


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    questions = _questions(args)
    if args.limit is not None and not 1 <= args.limit <= 50:
        raise UsageError(f"-n must be between 1 and 50 (got {args.limit})")
    if len(questions) > 1:  # a batch is offline work: answers first, then each one's latency
        answers = dataclasses.replace(settings.answers, semantic_budget_ms=settings.answers.batch_semantic_budget_ms)
        settings = dataclasses.replace(settings, answers=answers)
    answerer = _answerer(settings)
    if len(questions) > 1:
        answerer.corpus.semantic.warm_up()  # load the encoder now, not while the first questions wait
    for question in questions:
        if not question.strip():
            empty = {"question": question, "answers": [], "suggestions": [], "error": "empty question"}
            _emit(json.dumps(empty, ensure_ascii=False) if args.json else "(empty question)")
            continue
        try:
            result = answerer.ask(question, limit=args.limit)
        except QuestionError as exc:  # too long, say: one clear line, and a batch goes on
            if len(questions) == 1:
                raise UsageError(str(exc)) from exc
            _emit(json.dumps({"question": question[:200], "answers": [], "suggestions": [], "error": str(exc)},
                             ensure_ascii=False) if args.json else f"({exc})")
            continue
        glosses = _glosses(answerer, result, settings, args.gloss)
        if args.json:
            _emit(json.dumps(result_json(result, glosses), ensure_ascii=False))
        else:
            if len(questions) > 1:
                _emit(f"\n? {question}")
            _emit(format_result(result, glosses))
    return 0


def _cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    start = time.perf_counter()
    answerer = _answerer(settings)
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
    return _embed(answerer) if args.embed else 0


def _embed(answerer) -> int:  # Answerer -> exit code
    try:
        with Progress() as progress:
            report = answerer.semantic.embed(progress=lambda done, total: progress(done, total, "embedding sentences"))
    except RuntimeError as exc:
        print(f"error: cannot embed: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"sentence vectors: {report.embedded} embedded, {report.copied} copied from identical sentences, "
          f"{report.dropped} stale dropped, {len(answerer.semantic.store)} stored  seconds: {report.seconds:.1f}")
    return 0


def _cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    from bot.briefing import timeline

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    answerer = _answerer(settings)
    try:
        result = timeline(answerer.corpus, safe_text(" ".join(args.topic)), args.since, args.until)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    _emit(json.dumps(result.to_json(), ensure_ascii=False) if args.json else format_timeline(result, args.limit))
    return 0


def format_timeline(result: Any, limit: int | None = None) -> str:  # Timeline -> text for the terminal
    """One event per entry, in date order: its date (with precision), the sentence, its sources."""
    shown = result.entries[:limit] if limit else result.entries
    span = f" from {result.since or '…'} to {result.until or '…'}" if result.since or result.until else ""
    lines = [f"Timeline: {result.topic}{span} — {len(result.entries)} dated events"
             + (f", {len(result.undated)} undated" if result.undated else "")]
    if not result.entries and not result.undated:
        lines.append("The corpus reports no dated event about this.")
    for entry in shown:
        lines.append(f"{weekday_label(entry.when, 'en')} ({entry.precision})")
        lines.append(textwrap.fill(entry.text, width=_WIDTH, initial_indent="  “", subsequent_indent="   ") + "”")
        lines.append(f"   — {_sources(entry.sources)}")
    if limit and len(result.entries) > limit:
        lines.append(f"… {len(result.entries) - limit} more (use -n to show more)")
    if result.undated:
        lines.append("Undated articles (what they say cannot be placed in time):")
        for entry in result.undated:
            lines.append(f"[{', '.join(entry.expressions)}]")
            lines.append(textwrap.fill(entry.text, width=_WIDTH, initial_indent="  “", subsequent_indent="   ") + "”")
            lines.append(f"   — {_sources(entry.sources)}")
    return "\n".join(lines)


def _cmd_who(args: argparse.Namespace, settings: Settings) -> int:
    from bot.briefing import who

    answerer = _answerer(settings)
    try:
        card = who(answerer.corpus, safe_text(" ".join(args.name)))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    _emit(json.dumps(card.to_json(), ensure_ascii=False) if args.json else format_card(card))
    return 0


def format_card(card: Any) -> str:  # Card -> text for the terminal
    """A who-is card: the name, what the articles say it is (with sources), spellings, dates, companions."""
    if not card.found:
        return f"The corpus does not mention {card.name}."
    lines = [card.name]
    for d in card.descriptions:
        lines.append(f"  • {d.text} — {_sources((d.source,))}")
    if len(card.spellings) > 1:
        lines.append("  spelt: " + " / ".join(card.spellings))
    dates = " to ".join(dict.fromkeys(filter(None, (card.first_seen, card.last_seen)))) or "undated articles only"
    plural = "s" if card.articles != 1 else ""
    more = "" if card.complete else "+"
    lines.append(f"  in {card.articles}{more} article{plural} ({card.mentions}{more} sentences), {dates}")
    if card.together:
        lines.append("  appears with: " + ", ".join(card.together))
    if card.others:
        lines.append("  not to be confused with: " + ", ".join(card.others))
    return "\n".join(lines)


def _sources(infos: Sequence[Any]) -> str:
    shown = [" · ".join(filter(None, (i.title[:70] if i.title else i.id, i.source, i.date))) for i in infos[:3]]
    more = f" (+{len(infos) - 3} more)" if len(infos) > 3 else ""
    return "; ".join(shown) + more


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.briefing import FollowUps
    from bot.watch import CorpusWatcher

    answerer = _answerer(settings)
    followups = FollowUps(answerer)
    print(f"briefing-bot: {answerer.article_count} articles, {answerer.sentence_count} sentences. "
          "Ask a question (Ctrl-D to quit).")
    watcher = CorpusWatcher(answerer, settings.corpus, settings.watch, ignore=(settings.index_dir,))
    watcher.start()  # articles dropped into the corpus while chatting are answerable at once
    answerer.semantic.start_background()  # sentence vectors ahead of questions; yields to them
    try:
        for question in _chat_lines(settings):
            if question.strip():
                understood, result = followups.ask("chat", question)
                if understood.is_followup:
                    _emit(f"Understood as: {understood.question}")
                _emit(format_result(result, _glosses(answerer, result, settings, args.gloss)))
    finally:
        watcher.stop()
        answerer.semantic.stop_background()
    return 0


def _chat_lines(settings: Settings) -> Iterator[str]:
    """Questions typed in the chat: line editing and history on a terminal, plain lines otherwise."""
    if not sys.stdin.isatty():
        for line in sys.stdin:
            yield safe_text(line.strip())
        return
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(history=FileHistory(str(settings.index_dir / "chat_history")))
    while True:
        try:
            yield safe_text(session.prompt("? "))
        except (EOFError, KeyboardInterrupt):
            print()
            return


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering import Answerer
    from bot.app import BriefingBot, run

    if not settings.corpus.is_dir():
        raise UsageError(f"corpus folder not found: {settings.corpus} (pass --corpus DIR or set corpus in bot.yaml)")

    def load(settings: Settings) -> Answerer:  # the index is built or refreshed with progress reports
        with Progress() as progress:
            return Answerer.from_settings(settings, progress=progress)

    return run(settings, bot=BriefingBot(settings, answerer_factory=load))


def _cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    from bot.health import check

    healthy, line = check(settings, require_bot=args.bot)
    print(("ok: " if healthy else "unhealthy: ") + line, flush=True)
    return 0 if healthy else 1


_COMMANDS = {
    "ask": _cmd_ask, "index": _cmd_index, "timeline": _cmd_timeline, "who": _cmd_who, "chat": _cmd_chat,
    "run": _cmd_run, "health": _cmd_health,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    _utf8_streams()
    args = _parser().parse_args(argv)
    verbose = args.verbose + getattr(args, "sub_verbose", 0)
    _setup_logging(verbose, logging.INFO if args.command in ("index", "run") else logging.WARNING)
    try:
        try:
            settings = load_settings(args.config, corpus=args.corpus)
        except ConfigError as exc:
            if args.command == "health":
                print(f"unhealthy: configuration: {'; '.join(exc.problems)}", flush=True)
                return EXIT_ERROR
            raise
        log.debug("config folder: %s; corpus: %s; index: %s", settings.config_dir or "(shipped defaults only)",
                  settings.corpus, settings.index_dir)
        return _COMMANDS[args.command](args, settings)
    except ConfigError as exc:
        if len(exc.problems) == 1:
            print(f"error: {exc.problems[0]}", file=sys.stderr)
        else:
            print(f"error: {len(exc.problems)} problems in the configuration:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  - {problem}", file=sys.stderr)
        return EXIT_USAGE
    except (UsageError, FileNotFoundError) as exc:
        print(f"error: {safe_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except IndexUpdateError as exc:  # the index is busy, the disk full: the old index (if any) is intact
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # "briefing-bot ask ... | head -1": the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except KeyboardInterrupt:
        return 130
