# The same checks CI runs, plus lint and format.
.PHONY: check test lint format bench

check: format lint test

test:
	.venv/bin/python -m pytest

lint:
	.venv/bin/ruff check .
	.venv/bin/lint-imports

format:
	.venv/bin/ruff format .

bench:
	.venv/bin/python -m benchmarks
