# Modulario build, assets and tests. GNU make.
#
#   make run     build and serve demo content on http://localhost:8080 (./data)
#   make test    everything: unit, integration and browser tests
#   make assets  copy Bootstrap Italia, fonts and our CSS/JS into themes/static/dist

GO       ?= go
NODE     ?= node
NPM      ?= npm
CHROMIUM ?= /usr/bin/chromium
BIN      := bin/modulario

DIST   := themes/static/dist
SRC    := themes/static/src
BI     := node_modules/bootstrap-italia/dist
# npm ci writes this file last; it stands for "node_modules is installed".
NODE_STAMP := node_modules/.package-lock.json

# Titillium Web 300/400/400i/600/700, Lora 400/700, Roboto Mono 400/700 (woff2 only).
FONTS := \
	titillium-web-v10-latin-ext_latin-300 \
	titillium-web-v10-latin-ext_latin-regular \
	titillium-web-v10-latin-ext_latin-italic \
	titillium-web-v10-latin-ext_latin-600 \
	titillium-web-v10-latin-ext_latin-700 \
	lora-v20-latin-ext_latin-regular \
	lora-v20-latin-ext_latin-700 \
	roboto-mono-v13-latin-ext_latin-regular \
	roboto-mono-v13-latin-ext_latin-700

DIST_FONTS := $(FONTS:%=$(DIST)/fonts/%.woff2)
DIST_CSS   := $(DIST)/css/bootstrap-italia.min.css \
	$(patsubst $(SRC)/%.css,$(DIST)/css/%.css,$(wildcard $(SRC)/*.css))
DIST_JS    := $(patsubst $(SRC)/%.js,$(DIST)/js/%.js,$(wildcard $(SRC)/*.js))
DIST_SVG   := $(DIST)/svg/sprites.svg
DIST_GZ    := $(addsuffix .gz,$(DIST_CSS) $(DIST_JS) $(DIST_SVG))
ASSETS     := $(DIST_FONTS) $(DIST_CSS) $(DIST_JS) $(DIST_SVG) $(DIST_GZ)

.PHONY: all assets build run test vet unit e2e e2e-selftest bench fuzz fuzz-short clean distclean
.DELETE_ON_ERROR:

all: build

assets: $(ASSETS)

# Never let a tool download a browser: tests use Debian's chromium.
$(NODE_STAMP): package.json package-lock.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 $(NPM) ci --no-audit --no-fund
	touch $@

$(DIST)/css/bootstrap-italia.min.css: $(NODE_STAMP)
	install -D -m 0644 $(BI)/css/bootstrap-italia.min.css $@

$(DIST)/svg/sprites.svg: $(NODE_STAMP)
	install -D -m 0644 $(BI)/svg/sprites.svg $@

# The fonts live in one folder per family (Lora/, Roboto_Mono/, Titillium_Web/).
$(DIST)/fonts/%.woff2: $(NODE_STAMP)
	install -D -m 0644 $(wildcard $(BI)/fonts/*/$*.woff2) $@

$(DIST)/css/%.css: $(SRC)/%.css
	install -D -m 0644 $< $@

$(DIST)/js/%.js: $(SRC)/%.js
	install -D -m 0644 $< $@

# gzip -k keeps the source's mtime on the .gz; touch it so make sees it fresh.
$(DIST)/%.gz: $(DIST)/%
	gzip -9 -k -n -f $<
	touch $@

build: assets
	$(GO) build -o $(BIN) ./cmd/modulario
	$(GO) build -o bin/smtpsink ./bench/smtpsink

run: build
	MODULARIO_DEMO=1 MODULARIO_LOG_FORMAT=text ./$(BIN) serve

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	else echo "$(CHROMIUM) is missing and sudo is not available: install the Debian package chromium" >&2; exit 1; fi; \
	$$sudo apt-get update && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 -timeout 15m ./...

e2e: build $(CHROMIUM)
	$(NODE) e2e/run.mjs

# Proves the browser harness itself (launch, axe, screenshots) on a static page.
e2e-selftest: assets $(CHROMIUM)
	$(NODE) e2e/run.mjs e2e/harness.test.mjs

test: assets $(CHROMIUM) build
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...
	$(NODE) e2e/run.mjs

# Go micro-benchmarks (storage group commit among them), then bench/run.sh:
# the HTTP load benchmark with wrk from Debian (installed when missing), the
# page and storage limits beside it, emails/s, RSS and cold start with
# 1,000,000 submissions, in one table (about 6 minutes; see README).
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y --no-install-recommends wrk; \
	  else sudo apt-get update && sudo apt-get install -y --no-install-recommends wrk; fi; }
	bash bench/run.sh

# Fuzzing: plain `go test` (so `make test`) replays every seed corpus under
# */testdata/fuzz; `make fuzz` explores each target for FUZZTIME and leaves
# any failing input in its testdata/fuzz folder (commit it with the fix);
# `make fuzz-short` is 3 s per target. Exploration is random, so it stays out
# of `make test`: CI replays the committed corpus, deterministically.
FUZZTIME ?= 30s
FUZZ_TARGETS := schemas:FuzzParseDefinition schemas:FuzzFieldModel schemas:FuzzItalianFormats \
	schemas:FuzzRuleEval markdown:FuzzMarkdown renderer:FuzzDecodeMultipart notify:FuzzTemplate
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== $$t ($(FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./$${t%%:*}/; \
	done

fuzz-short:
	$(MAKE) --no-print-directory fuzz FUZZTIME=3s

clean:
	rm -rf bin test-results
	find $(DIST) -mindepth 1 ! -name PLACEHOLDER -delete

distclean: clean
	rm -rf node_modules
