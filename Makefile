# The README's two commands: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BUNDLE_STAMP := $(VENV)/.installed-bundle
DEMO := demo/sample.annotator
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint typecheck layers pytest bench bench-workspace bench-export bench-agreement bench-clusters bench-cluster-quality bench-labels bench-team bench-model bench-model-strategies bench-media bench-postgres screenshot screenshots wheel bundle bundle-smoke clean

# A venv is stale when pyproject.toml changed or its interpreter no longer runs.
$(STAMP): pyproject.toml
	@$(PY) -c "import sys" 2>/dev/null || (rm -rf $(VENV) && $(PYTHON) -m venv $(VENV))
	$(PIP) -e .
	@touch $@

$(TEST_STAMP): $(STAMP)
	$(PIP) -e '.[test]'
	@touch $@

$(BUNDLE_STAMP): $(STAMP)
	$(PIP) -e '.[bundle]'
	@touch $@

$(DEMO): | $(STAMP)
	@mkdir -p $(dir $(DEMO))
	@rm -f $(DEMO) $(DEMO)-wal $(DEMO)-shm
	$(BIN)/annotator sample $(DEMO)

run: $(STAMP) $(DEMO)
	$(BIN)/annotator gui $(DEMO)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

layers: $(TEST_STAMP)
	$(BIN)/lint-imports

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

# One worker per core (pytest-xdist): 1,183 tests in 3.4 min on 2 cores instead of 7-8.
pytest: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n auto

test: lint layers typecheck pytest

# The README's and docs/ guides' screenshots, from the real window (Xvfb when installed,
# else offscreen), so the guides never go stale.
screenshot: screenshots
screenshots: $(STAMP) $(DEMO)
	@if command -v xvfb-run >/dev/null; then \
		xvfb-run -a -s "-screen 0 1400x900x24" $(PY) scripts/screenshot.py $(DEMO) docs; \
	else QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshot.py $(DEMO) docs; fi

bench: $(STAMP)
	$(PY) benchmarks/import_rate.py --rows 1000000

bench-workspace: $(STAMP)
	$(PY) benchmarks/workspace.py --posts 1000000 --pictures

bench-export: $(STAMP)
	$(PY) benchmarks/export_rate.py --posts 1000000

bench-clusters: $(STAMP)
	$(PY) benchmarks/clustering.py --posts 1000000

bench-labels: $(STAMP)
	$(PY) benchmarks/label_import.py --posts 100000

bench-team: $(STAMP)
	$(PY) benchmarks/team_flows.py --posts 100000 --changes 10000

bench-cluster-quality: $(STAMP)
	$(PY) benchmarks/cluster_quality.py

bench-agreement: $(STAMP)
	$(PY) benchmarks/agreement.py --posts 100000 --annotators 5 --missing 0.3

bench-model: $(STAMP)
	$(PY) benchmarks/model.py --posts 14640
	$(PY) benchmarks/model.py --posts 1000000 --labels 20000 --no-latency

bench-model-strategies: $(STAMP)
	$(PY) benchmarks/model_strategies.py

bench-media: $(STAMP)
	$(PY) benchmarks/media_import.py --posts 100000 --images 20000

# Every benchmark on both stores at 100,000 posts. ANNOTATOR_BENCH_URL names a PostgreSQL
# server where the user may create databases; each benchmark makes and drops its own.
bench-postgres: $(STAMP)
	@test -n "$(ANNOTATOR_BENCH_URL)" || { echo "set ANNOTATOR_BENCH_URL=postgresql+psycopg://USER:PASSWORD@HOST:5432/postgres"; exit 1; }
	$(PY) benchmarks/import_rate.py --rows 100000 --url "$(ANNOTATOR_BENCH_URL)"
	$(PY) benchmarks/label_import.py --posts 100000 --url "$(ANNOTATOR_BENCH_URL)"
	$(PY) benchmarks/team_flows.py --posts 100000 --changes 10000 --url "$(ANNOTATOR_BENCH_URL)"
	$(PY) benchmarks/export_rate.py --posts 100000 --url "$(ANNOTATOR_BENCH_URL)"
	$(PY) benchmarks/workspace.py --posts 100000 --url "$(ANNOTATOR_BENCH_URL)"
	$(PY) benchmarks/agreement.py --posts 100000 --annotators 5 --missing 0.3 --url "$(ANNOTATOR_BENCH_URL)"
	$(PY) benchmarks/clustering.py --posts 100000 --url "$(ANNOTATOR_BENCH_URL)"
	$(PY) benchmarks/cluster_quality.py --url "$(ANNOTATOR_BENCH_URL)"

# Shipping to people who do not use Python (README: "Install as an app").
# A wheel with the resources and sample data inside: pip install dist/annotator-*.whl
wheel: $(STAMP)
	rm -f dist/annotator-*.whl
	$(PY) -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir dist .
	@ls dist/annotator-*.whl

# The self-contained one-folder app dist/annotator/ (packaging/annotator.spec); its
# smoke test runs the built executable with no Python around (packaging/smoke.sh).
bundle: $(BUNDLE_STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/annotator.spec
	@du -sh dist/annotator

bundle-smoke:
	bash packaging/smoke.sh dist/annotator/annotator

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache build dist
