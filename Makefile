# headsim: two commands on a fresh Debian machine.
#   make cosim   — installs what it needs, runs the seed scenario in lockstep (model vs Verilator)
#   make test    — installs what it needs, runs the test suite
SHELL := /bin/bash
APT_PACKAGES := verilator iverilog gtkwave xvfb imagemagick x11-utils slurm-wlm munge chromium yosys
VENV := .venv

.PHONY: deps apt node venv cosim test sim sweep bench clean

deps: apt node venv

apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

node: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

venv: $(VENV)/.ok

$(VENV)/.ok: harness/rtl/cocotb/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r harness/rtl/cocotb/requirements.txt
	touch $@

cosim: apt node
	npm run cosim

sim: node
	npm run sim

test: deps
	npm test

sweep: apt node
	npm run sweep

bench: deps
	npm run bench

clean:
	rm -rf out obj_dir
