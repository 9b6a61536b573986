# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup system run test lint bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Chromium (image export, browser tests) and Open Sans (the figures' font)
# from Debian's packages when missing and apt is available to root.
system:
	@need=""; \
	[ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	[ -d /usr/share/fonts/truetype/open-sans ] || need="$$need fonts-open-sans"; \
	if [ -n "$$need" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$need"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	  else \
	    echo "missing:$$need. On Debian or Ubuntu: sudo apt-get install$$need"; \
	    echo "(elsewhere, with internet: .venv/bin/plotly_get_chrome)"; \
	  fi; \
	fi

setup: $(STAMP) system

# Streamlit asks checkip.amazonaws.com for this machine's public IP when a connection
# comes from a foreign origin, and no option stops it: the page is started with that
# lookup answered "none" (the server listens on 127.0.0.1 only; see app.py).
run: setup
	$(BIN)/python -c "import sys; from streamlit import net_util; \
	net_util.get_external_ip = lambda: None; from streamlit.web.cli import main; \
	sys.argv = ['streamlit', 'run', 'app.py']; main()"

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# every benchmark: the main steps, a large case on the page, FHIR import, input limits
bench: setup
	-$(BIN)/python -m benchmarks  # exits 1 on a missed target: the others still run
	$(BIN)/python -m benchmarks.page_large
	$(BIN)/python -m benchmarks.fhir
	$(BIN)/python -m benchmarks --limits

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
