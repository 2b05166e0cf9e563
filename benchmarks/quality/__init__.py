"""Answer quality: hard negatives, features, fitted ranking and confidence, cross-validated by article.

One command, from the repository root (venv with the ``[fit]`` extra)::

    python -m benchmarks.quality            # build features (cached), fit, write bot/models/*.json, print the CV report

See :mod:`benchmarks.quality.__main__` for the options.
"""
