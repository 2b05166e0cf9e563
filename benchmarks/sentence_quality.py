"""Sentence quality of the splitter on a corpus: over-long quotes, related links, dated items, speed.

One command, from the repository root with the venv active::

    python -m benchmarks.sentence_quality                          # the news set (benchmarks/data/news)
    python -m benchmarks.sentence_quality --corpus /tmp/newsroom   # any folder of articles
    python -m benchmarks.sentence_quality --show 5                 # also print 5 examples per defect

Articles are read with :func:`bot.articles.load_folder` (what the bot indexes) and every block is cut
by :func:`bot.sentences.segment_text`. It prints:

- sentences, and the share longer than :data:`bot.sentences.MAX_SENTENCE_CHARS` (400) characters;
- sentences holding a related-link marker (a ``+``/``++``/``+++`` before a capital, opening the
  sentence or after a sentence end, or a ``Leia também:``-style label), found by a regex
  independent of the splitter's own rules; in brackets, any ``+`` before a capital anywhere;
- furniture pieces left out (related links and link labels);
- dash-bullet items of dated lists (``– 28 de julho de 2017: ...``) and how many got their date;
- sentences in caseless (all-lowercase) blocks;
- split speed in sentences/s (``split_sentences`` over every block, CPU time of the process, best
  of ``--rounds``: the machine is shared and wall time would count the other jobs).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from pathlib import Path

from bot.articles import load_folder
from bot.dates import article_anchor, sentence_dates
from bot.sentences import DATED_ITEM_RE, MAX_SENTENCE_CHARS, segment_text, split_sentences

#: A related-link marker in a sentence: a "+"/"++"/"+++" opening it or following a sentence end,
#: before a capital ("... com Seul. + Secretário-geral da ONU alerta ..."), or a link label
#: ("Leia também: ...", "LEIA MAIS", "Veja mais.").
MARKER_RE = re.compile(
    r"(?:^|(?<=[.!?…:\"'”’»)\]] ))\+{1,3} ?[\"“‘'«]?[A-ZÀ-Ý]"
    r"|(?i:\b(?:leia|veja|saiba|confira)\s+(?:também|tambem|mais))\s*(?::|[.!]?$)"
)
#: Looser: any "+" token before a capital, wherever it stands (also "PSDB + DEM", "Foto: X + O bar").
PLUS_RE = re.compile(r"(?<![\w+])\+{1,3} ?[\"“‘'«]?[A-ZÀ-Ý]")


def measure(root: Path, rounds: int = 3, show: int = 0) -> dict[str, float]:
    """The sentence-quality figures of the corpus under ``root`` (printed by :func:`main`)."""
    articles, _ = load_folder(root)
    blocks = [(article, block.text) for article in articles for block in article.blocks]
    sentences = long = marked = plus = furniture = items = dated_items = caseless = 0
    examples: dict[str, list[str]] = {"long": [], "marker": [], "item": []}
    for article, text in blocks:
        anchor = article_anchor(article.date, (b.text for b in article.blocks))
        lower = " ".join(text.split()).islower()
        for segment in segment_text(text, article.lang):
            if segment.furniture:
                furniture += 1
                continue
            sentence = segment.text
            sentences += 1
            caseless += lower
            if len(sentence) > MAX_SENTENCE_CHARS:
                long += 1
                examples["long"].append(f"{article.id}: {sentence}")
            if MARKER_RE.search(sentence):
                marked += 1
                examples["marker"].append(f"{article.id}: {sentence}")
            plus += bool(PLUS_RE.search(sentence))
            head = DATED_ITEM_RE.match(sentence)
            if head is not None:
                items += 1
                mentions = sentence_dates(sentence, anchor, article.lang)
                if any(m.start < head.end() for m in mentions):
                    dated_items += 1
                examples["item"].append(f"{article.id}: {sentence[:160]}")
    # CPU time of this process, best of the rounds: the machine is shared, and wall time counts
    # the other jobs too.
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for article, text in blocks:
            split_sentences(text, article.lang)
        best = min(best, time.process_time() - start)
    figures = {
        "articles": len(articles),
        "sentences": sentences,
        "over_400": long,
        "over_400_share": long / sentences if sentences else 0.0,
        "with_marker": marked,
        "with_plus": plus,
        "furniture_left_out": furniture,
        "dated_items": items,
        "dated_items_resolved": dated_items,
        "caseless_sentences": caseless,
        "sentences_per_s": sentences / best if best > 0 else 0.0,
    }
    for name, found in examples.items():
        for line in found[:show]:
            print(f"[{name}] {line}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="folder of articles (default: the news set)")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (the best is kept)")
    parser.add_argument("--show", type=int, default=0, help="print this many examples of each kind")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    if args.corpus is None:
        from benchmarks.corpora import news_corpus

        root = news_corpus()
    else:
        root = args.corpus
    if not root.is_dir():
        print(f"{root}: not a folder", file=sys.stderr)
        return 2
    f = measure(root, rounds=max(1, args.rounds), show=args.show)
    print(f"corpus               {root} ({f['articles']:,} articles)")
    print(f"sentences            {f['sentences']:,}")
    print(f"over {MAX_SENTENCE_CHARS} chars       {f['over_400']:,} ({100 * f['over_400_share']:.2f}%)")
    print(f"with a link marker   {f['with_marker']:,} (any '+' before a capital: {f['with_plus']:,})")
    print(f"furniture left out   {f['furniture_left_out']:,}")
    print(f"dash-bullet items    {f['dated_items']:,} ({f['dated_items_resolved']:,} with their date)")
    print(f"caseless sentences   {f['caseless_sentences']:,}")
    print(f"split speed          {f['sentences_per_s']:,.0f} sentences/s (CPU time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
