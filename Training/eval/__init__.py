"""Quality evaluation harness for reexpose: metrics, pipes, baselines and reports.

Entry point: ``python3 -m Training.eval.run --help`` (or ``make eval``).
"""
