# Everything runs inside .venv so a fresh machine needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test demo bench bench-quick bench-readers clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/grpaudit audit sample_exports/chats \
		--members sample_exports/members.csv \
		--roster sample_exports/roster.csv \
		--groups sample_exports/groups.csv \
		--policy sample_exports/policy.yaml \
		--period 2026-10 --out reports/

# The whole audit at 100k, 1M and 5M messages (several minutes); writes bench/results.md.
bench: $(STAMP)
	$(BIN)/python bench/bench_audit.py --sizes 100000,1000000,5000000

bench-quick: $(STAMP)
	$(BIN)/python bench/bench_audit.py --quick --results bench/out/results-quick.md

bench-readers: $(STAMP)
	$(BIN)/python bench/bench_readers.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
