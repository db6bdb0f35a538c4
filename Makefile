# Redox Uploader. `make demo` runs it on the built-in sandbox; `make test` runs all CI runs.
BINARY  := redox-uploader
GO      ?= go
export LANG ?= C.UTF-8
FUZZTIME ?= 10s

.PHONY: deps build headless demo run test lint unit keychain fuzz bench clean

deps:
	@bash scripts/deps.sh

build: deps
	$(GO) build -o $(BINARY) .

# headless: the command line alone, no window and no graphics libraries (for servers).
headless:
	CGO_ENABLED=0 $(GO) build -tags headless -o $(BINARY)-headless .

# demo: the main job, end to end, on the local stand-in: a few sample files uploaded, URIs printed.
demo: build
	@bash scripts/demo.sh ./$(BINARY)

run: build
	./$(BINARY)

test: deps lint unit keychain fuzz

lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

unit:
	$(GO) test -race -count=1 ./...

# keychain: the keychain test against a real Secret Service (gnome-keyring on a private bus).
keychain:
	bash scripts/keychain-test.sh

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzPartFileName$$' -fuzztime=$(FUZZTIME) ./client
	$(GO) test -run='^$$' -fuzz='^FuzzParseUploadReply$$' -fuzztime=$(FUZZTIME) ./client

bench: build headless
	$(GO) test -run='^$$' -bench=. -benchmem ./client
	@bash scripts/bench.sh ./$(BINARY) ./$(BINARY)-headless

clean:
	rm -f $(BINARY) $(BINARY)-headless
