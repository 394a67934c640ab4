# headsim: two commands on a fresh Debian machine.
#   make cosim   — installs what cosim needs (Verilator, the runtime npm packages), runs the seed
#                  scenario in lockstep (model vs Verilator)
#   make test    — installs everything the tests need, runs the test suite
SHELL := /bin/bash
# cosim: Verilator, and ccache so that its runtime compiles once per machine, not per build
APT_COSIM := verilator ccache
APT_PACKAGES := $(APT_COSIM) iverilog gtkwave xvfb imagemagick x11-utils slurm-wlm munge chromium time yosys
VENV := .venv

.PHONY: deps apt apt-cosim node node-runtime venv cosim cosim-deps test sim sweep bench clean

deps: apt node venv

# $(1): the Debian packages to have; installs the missing ones
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

apt:
	$(call apt_install,$(APT_PACKAGES))

apt-cosim:
	$(call apt_install,$(APT_COSIM))

# Every npm package (the tests'), or only those the commands run on (no dev tools, and not the
# 294 MB onnxruntime-node, an optional dependency used by --model FILE.onnx).
node: node_modules/.headsim-all

node_modules/.headsim-all: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

node-runtime: node_modules/.headsim-runtime

node_modules/.headsim-runtime: package.json package-lock.json
	@if [ node_modules/.headsim-all -nt package-lock.json ] && [ node_modules/.headsim-all -nt package.json ]; then touch $@; \
	else npm ci --omit=dev --omit=optional --no-audit --no-fund && touch $@; fi

venv: $(VENV)/.ok

$(VENV)/.ok: harness/rtl/cocotb/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --retries 1 -r harness/rtl/cocotb/requirements.txt
	touch $@

# the apt and npm installs at once (both mostly wait on the network)
cosim-deps:
	@$(MAKE) --no-print-directory -j2 apt-cosim node-runtime

cosim: cosim-deps
	npm run cosim

sim: node-runtime
	npm run sim

test: deps
	npm test

sweep: apt node
	npm run sweep

bench: deps
	npm run bench

clean:
	rm -rf out obj_dir
