# Redox Uploader. `make demo` runs it on the built-in sandbox; `make test` runs all CI runs.
BINARY  := redox-uploader
GO      ?= go
export LANG ?= C.UTF-8
FUZZTIME ?= 10s

.PHONY: deps build headless demo run test lint unit keychain fuzz smoke screenshots bench clean

deps:
	@bash scripts/deps.sh

build: deps
	$(GO) build -o $(BINARY) .

# headless: the command line alone, no window and no graphics libraries (for servers).
headless:
	CGO_ENABLED=0 $(GO) build -tags headless -o $(BINARY)-headless .

# demo: the main job on the built-in sandbox: the window with sample files (the CLI without a display).
demo: build
	@bash scripts/demo.sh ./$(BINARY)

run: build
	./$(BINARY)

test: deps lint unit keychain fuzz smoke

lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

# unit: the race detector on everything but ui. Fyne's test driver runs fyne.Do callbacks on
# the calling goroutine, so UI tests race inside Fyne in ways the real driver (one UI goroutine)
# cannot; the UI's threading is exercised in a real window by `smoke`.
unit:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/ui$$')
	$(GO) test -count=1 ./ui

# keychain: the keychain test against a real Secret Service (gnome-keyring on a private bus).
keychain:
	bash scripts/keychain-test.sh

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzPartFileName$$' -fuzztime=$(FUZZTIME) ./client
	$(GO) test -run='^$$' -fuzz='^FuzzParseUploadReply$$' -fuzztime=$(FUZZTIME) ./client

# smoke: the real binary in a real X server (Xvfb): a file uploaded to the sandbox, its URI in
# the history, a screenshot that is not blank.
smoke: build
	bash scripts/smoke.sh ./$(BINARY)

# screenshots: the main states of the real window, for the README.
screenshots: build
	bash scripts/screenshots.sh ./$(BINARY) docs/screenshots

bench: build headless
	$(GO) test -run='^$$' -bench=. -benchmem ./client ./app ./ui
	@bash scripts/bench.sh ./$(BINARY) ./$(BINARY)-headless

clean:
	rm -f $(BINARY) $(BINARY)-headless
