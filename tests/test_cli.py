"""The command line: contract of `ask --json --batch`, summaries, clear errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import REPO


@pytest.fixture
def index_config(tmp_path: Path) -> Path:
    """A config folder whose index lives in tmp_path (the repo's .index stays untouched)."""
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "bot.yaml").write_text(f"corpus: {REPO / 'corpus'}\nindex_dir: {tmp_path / 'index'}\n", encoding="utf-8")
    (folder / "aliases.yaml").write_text((REPO / "config" / "aliases.yaml").read_text(encoding="utf-8"))
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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


def test_ask_readable(index_config: Path, capsys) -> None:
    code, out, _ = run(capsys, "--config", str(index_config), "ask", "Quando Lavrov chegou à Coreia do Norte?")
    assert code == 0
    assert "quarta-feira" in out and "visita oficial" in out and "2023-10" in out


def test_ask_unanswerable_says_so(index_config: Path, capsys) -> None:
    code, out, _ = run(capsys, "--config", str(index_config), "ask", "What is the capital of France?")
    assert code == 0 and "does not answer" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "   "], "the question is empty"),
        (["ask"], "ask needs a question"),
        (["ask", "--batch", "/nonexistent/questions.txt"], "cannot read batch file"),
        (["ask", "x", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
        (["index", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
    ],
)
def test_bad_input_is_one_clear_line(index_config: Path, capsys, argv: list[str], message: str) -> None:
    code, _, err = run(capsys, "--config", str(index_config), *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_bad_config_is_one_clear_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "bot.yaml").write_text("answers:\n  max_quotes: many\n", encoding="utf-8")
    code, _, err = run(capsys, "--config", str(tmp_path), "ask", "x")
    assert code == 2 and "answers.max_quotes must be an integer" in err


def test_index_prints_summary_and_reuses_the_index(index_config: Path, corpus: Path, capsys) -> None:
    (corpus / "broken.txt").write_bytes(b"\x00\xff" * 64)
    code, out, _ = run(capsys, "--config", str(index_config), "index", "--corpus", str(corpus))
    assert code == 0
    assert "articles: 2" in out and "sentences:" in out and "seconds:" in out
    assert "skipped or partly loaded files: 1" in out and "broken.txt" in out
    code, out, _ = run(capsys, "--config", str(index_config), "index", "--corpus", str(corpus))
    assert "0 added, 0 changed, 0 removed" in out


def test_python_dash_m_entry_point(index_config: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(index_config), "ask", "--json", "shoygu kim meeting"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Shoigu" in json.loads(proc.stdout)["answers"][0]["text"]


def test_chat_answers_lines_from_stdin(index_config: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(index_config), "chat"],
        input="When did Lavrov visit Pyongyang?\n\n", capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Wednesday 18 October 2023" in proc.stdout


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
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(index_config), "chat", "--corpus", str(corpus)],
        input=questions, capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert "Understood as: When did Shoigu visit Pyongyang?" in done.stdout
