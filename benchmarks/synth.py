"""Deterministic synthetic corpora at newsroom scale, made from the news set.

``python -m benchmarks.synth SOURCE OUT --sentences 1000000`` writes the source articles
unchanged to ``OUT/<same relative path>`` (so questions about them stay answerable and their
article ids stay the same) and then perturbed copies to ``OUT/copy-NN/<name>`` until the
estimated sentence count reaches the target.

A copy keeps the front matter (same language, section and author; the date moved within the
same year; the url tagged with the copy number) and changes its body so that every sentence
differs from the original: some content words are replaced by others drawn from the corpus
vocabulary (weighted by frequency, capitalised words by capitalised ones), a few neighbouring
words swap places, and numbers change. The result has the original's word statistics, sentence
lengths and date expressions, but no sentence repeats, so the index really holds N times more.

Every random choice comes from a ``random.Random`` seeded with (seed, copy, file), so the output
does not depend on the order or the machine. ``OUT/manifest.json`` records the parameters; when it
matches, the existing output is reused.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

GENERATOR_VERSION = 1
DEFAULT_SEED = 2024
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»')]*\s+")
_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
_DATE = re.compile(r'^(date:\s*"?)(\d{4})(-\d{2}-\d{2})?("?)\s*$', re.MULTILINE)
_URL = re.compile(r'^(url:\s*"?)([^"\n]+)("?)\s*$', re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SynthParams:
    """Everything that determines the output; stored in the manifest."""

    target_sentences: int
    seed: int = DEFAULT_SEED
    replace_rate: float = 0.15
    swap_rate: float = 0.04
    number_rate: float = 0.5
    version: int = GENERATOR_VERSION


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a generated folder holds."""

    params: SynthParams
    source: str
    source_files: int
    copies: int
    files: int
    estimated_sentences: int
    seconds: float

    def to_json(self) -> dict:
        """A JSON-ready dict."""
        data = asdict(self)
        data["params"] = asdict(self.params)
        return data


class Vocabulary:
    """Words of the source corpus, as occurrence lists so a uniform pick is frequency-weighted."""

    def __init__(self, texts: Iterable[str], sample_every: int = 3) -> None:
        lower: list[str] = []
        upper: list[str] = []
        for i, word in enumerate(w for text in texts for w in _WORD.findall(text)):
            if i % sample_every or len(word) < 4 or word.isdigit():
                continue
            (upper if word[0].isupper() else lower).append(word)
        self.lower = lower or ["palavra"]
        self.upper = upper or ["Nome"]

    def pick(self, rng: random.Random, like: str) -> str:
        """A random word shaped like ``like`` (capitalised or not)."""
        pool = self.upper if like[:1].isupper() else self.lower
        return pool[rng.randrange(len(pool))]


def estimate_sentences(body: str) -> int:
    """A rough sentence count: sentence ends plus paragraph ends."""
    count = 0
    for paragraph in body.split("\n"):
        paragraph = paragraph.strip()
        if paragraph:
            count += 1 + len(_SENTENCE_END.findall(paragraph))
    return count


def split_front_matter(text: str) -> tuple[str, str]:
    """``(front matter block including the --- lines, body)``; empty front matter if none."""
    match = _FRONT.match(text)
    if not match:
        return "", text
    return match.group(0), text[match.end():]


def perturb_front_matter(front: str, rng: random.Random, copy: int) -> str:
    """Move the date within its year and tag the url with the copy number."""

    def new_date(match: re.Match[str]) -> str:
        prefix, year, _, quote = match.groups()
        return f"{prefix}{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}{quote}"

    front = _DATE.sub(new_date, front, count=1)
    return _URL.sub(lambda m: f"{m.group(1)}{m.group(2)}#copy-{copy:02d}{m.group(3)}", front, count=1)


def perturb_sentence(sentence: str, rng: random.Random, vocab: Vocabulary, params: SynthParams) -> str:
    """The sentence with some words replaced, a few swapped and numbers altered; never unchanged."""
    spans = [m.span() for m in _WORD.finditer(sentence)]
    words = [sentence[a:b] for a, b in spans]
    eligible = [i for i, w in enumerate(words) if len(w) >= 4 and not w.isdigit()]
    changed = False
    for i, word in enumerate(words):
        if word.isdigit():
            if rng.random() < params.number_rate:
                words[i] = _other_number(word, rng)
                changed = changed or words[i] != word
        elif len(word) >= 4 and rng.random() < params.replace_rate:
            words[i] = vocab.pick(rng, word)
            changed = changed or words[i] != word
    for i in range(len(eligible) - 1):
        a, b = eligible[i], eligible[i + 1]
        if rng.random() < params.swap_rate and words[a][:1].islower() and words[b][:1].islower():
            words[a], words[b] = words[b], words[a]
            changed = changed or words[a] != words[b]
    if not changed and eligible:
        i = eligible[rng.randrange(len(eligible))]
        original = words[i]
        for _ in range(5):
            words[i] = vocab.pick(rng, original)
            if words[i] != original:
                break
    pieces: list[str] = []
    last = 0
    for (a, b), word in zip(spans, words, strict=True):
        pieces.append(sentence[last:a])
        pieces.append(word)
        last = b
    pieces.append(sentence[last:])
    return "".join(pieces)


def _other_number(digits: str, rng: random.Random) -> str:
    if len(digits) == 4 and digits.startswith(("19", "20")):
        return str(int(digits) + rng.choice((-2, -1, 1, 2)))  # a year stays a plausible year
    low = 10 ** (len(digits) - 1) if len(digits) > 1 else 0
    return str(rng.randint(low, 10 ** len(digits) - 1))


def perturb_body(body: str, rng: random.Random, vocab: Vocabulary, params: SynthParams) -> str:
    """Perturb every sentence of every paragraph, keeping the paragraph layout."""
    lines = []
    for line in body.split("\n"):
        if not line.strip():
            lines.append(line)
            continue
        parts = _SENTENCE_END.split(line)
        separators = _SENTENCE_END.findall(line)
        out = [perturb_sentence(part, rng, vocab, params) for part in parts]
        merged = out[0]
        for separator, part in zip(separators, out[1:], strict=False):
            merged += separator + part
        lines.append(merged)
    return "\n".join(lines)


def make_copy(text: str, name: str, copy: int, vocab: Vocabulary, params: SynthParams) -> str:
    """The ``copy``-th perturbed copy of one article file's text."""
    rng = random.Random(f"{params.seed}:{copy}:{name}")
    front, body = split_front_matter(text)
    return perturb_front_matter(front, rng, copy) + perturb_body(body, rng, vocab, params)


def read_manifest(out: Path) -> dict | None:
    """The manifest of a generated folder, or None."""
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def generate(source: Path, out: Path, params: SynthParams) -> Manifest:
    """Write (or reuse) a synthetic corpus of about ``params.target_sentences`` sentences."""
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix in {".txt", ".md"})
    if not files:
        raise FileNotFoundError(f"{source}: no .txt/.md articles to copy")
    existing = read_manifest(out)
    if existing and existing.get("params") == asdict(params) and existing.get("source_files") == len(files):
        log.info("reusing %s (%s files)", out, existing.get("files"))
        return Manifest(**{**existing, "params": params})
    start = time.perf_counter()
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in files}
    vocab = Vocabulary(split_front_matter(t)[1] for t in texts.values())
    counts = {p: estimate_sentences(split_front_matter(t)[1]) for p, t in texts.items()}

    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    total = written = copy = 0
    for path in files:
        target = staging / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(texts[path], encoding="utf-8")
        total += counts[path]
        written += 1
    while total < params.target_sentences:
        copy += 1
        folder = staging / f"copy-{copy:02d}"
        folder.mkdir(parents=True)
        for path in files:
            if total >= params.target_sentences:
                break
            name = path.relative_to(source).as_posix()
            text = make_copy(texts[path], name, copy, vocab, params)
            (folder / name.replace("/", "_")).write_text(text, encoding="utf-8")
            total += counts[path]
            written += 1
        log.info("copy %d done: %d files, ~%d sentences", copy, written, total)
    manifest = Manifest(
        params=params, source=str(source), source_files=len(files), copies=copy, files=written,
        estimated_sentences=total, seconds=round(time.perf_counter() - start, 1),
    )
    (staging / "manifest.json").write_text(json.dumps(manifest.to_json(), indent=2), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command line: generate one synthetic corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="corpus root to copy (e.g. benchmarks/data/news)")
    parser.add_argument("out", type=Path, help="output folder (e.g. benchmarks/data/synth-1m)")
    parser.add_argument("--sentences", type=int, default=1_000_000, help="target sentence count")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    manifest = generate(args.source, args.out, SynthParams(target_sentences=args.sentences, seed=args.seed))
    logging.getLogger(__name__).info(json.dumps(manifest.to_json(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
