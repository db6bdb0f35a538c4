# Redox Uploader. `make demo` runs it on the built-in sandbox; `make test` runs all CI runs.
# Two programs, shipped side by side: BINARY, the command line that scripts call (no graphics
# libraries, static, starts in milliseconds; without a command it starts the window program
# beside it), and WINDOW, the window program (cgo + Fyne), which takes the same commands.
BINARY  := redox-uploader
WINDOW  := redox-uploader-window
GO      ?= go
export LANG ?= C.UTF-8
FUZZTIME ?= 10s

# Release flags for every binary: no local paths in it (-trimpath) and the version stamp that
# `redox-uploader version` and the About dialog show (see version.go).
VERSION ?= $(shell sed -n 's/^ *Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml | head -n1)
COMMIT  ?= $(shell git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty)
DATE    ?= $(shell date -u +%Y-%m-%d)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
BUILD_FLAGS := -trimpath -ldflags "$(LDFLAGS)"

# The stages of `make test` that start processes run under the leak check: it fails, naming
# them, if any process they started (dbus-daemon, gnome-keyring-daemon, Xvfb, wineserver...)
# is still running after they end.
LEAKCHECK := bash scripts/leak-check.sh

.PHONY: deps build headless demo run test lint unit keychain fuzz smoke policy docs release wine screenshots bench watch-vs-drop clean windows package msi sign deb debtest

# MSI is the Windows installer `make msi` builds (an MSI's version is three numbers).
MSI := dist/$(BINARY)-$(VERSION)-x64.msi

deps:
	@bash scripts/deps.sh

# build: both programs, redox-uploader and redox-uploader-window.
build: deps headless
	$(GO) build $(BUILD_FLAGS) -o $(WINDOW) .

# headless: the command-line program redox-uploader alone (the "headless" build tag, no cgo):
# no window, no graphics libraries, no C compiler needed; what servers and scripts run.
headless:
	CGO_ENABLED=0 $(GO) build -tags headless $(BUILD_FLAGS) -o $(BINARY) .

# windows: both programs for windows/amd64 with the icon, manifest and version resources:
# redox-uploader.exe, a console program (the headless build), and redox-uploader-window.exe, a
# GUI program (cgo through mingw-w64).
windows: deps
	GO=$(GO) VERSION=$(VERSION) LDFLAGS='$(LDFLAGS)' bash scripts/windows.sh $(BINARY).exe $(WINDOW).exe

# msi: the Windows installer dist/redox-uploader-VERSION-x64.msi (wixl): both programs, per
# machine, Start menu and Send to shortcuts, upgrades in place (packaging/windows/redox-uploader.wxs);
# and beside it the Group Policy templates, dist/redox-uploader-VERSION-policy-templates.zip.
msi: windows
	VERSION=$(VERSION) bash scripts/msi.sh $(BINARY).exe $(WINDOW).exe dist
	VERSION=$(VERSION) bash scripts/policy-templates.sh dist

# sign: both Windows programs signed, the MSI built from them, and the MSI signed, with the
# certificate the SIGN_* variables name (a PKCS#12 file or a PKCS#11 token; see scripts/sign.sh).
sign: windows
	bash scripts/sign.sh $(BINARY).exe $(WINDOW).exe
	VERSION=$(VERSION) bash scripts/msi.sh $(BINARY).exe $(WINDOW).exe dist
	bash scripts/sign.sh $(MSI)

# deb: the Debian package dist/redox-uploader_VERSION_amd64.deb (nfpm, packaging/linux/nfpm.yaml),
# then its fields, Depends, files and maintainer scripts checked without installing it.
deb: build
	VERSION=$(VERSION) bash scripts/deb.sh ./$(BINARY) ./$(WINDOW) dist
	bash scripts/check-deb.sh dist/$(BINARY)_$(VERSION)_amd64.deb

# debtest: the package installed with apt into a clean Debian 12 root (debootstrap, as root):
# dependencies pulled, version, a sandbox upload, the window program's libraries, the group and
# /etc/redox-uploader, purge keeping IT's and users' data; lintian with no error.
debtest: deb
	$(LEAKCHECK) bash scripts/deb-test.sh dist/$(BINARY)_$(VERSION)_amd64.deb

# package: the Linux release archive dist/redox-uploader-VERSION-linux-amd64.tar.xz (both
# programs, desktop entry, icon, README.md, INSTALL, install.sh).
package: build
	VERSION=$(VERSION) bash scripts/package.sh ./$(BINARY) ./$(WINDOW) dist

# demo: the main job on the built-in sandbox: the window with sample files (the CLI without a
# display), started through the command line as a user's would be.
demo: build
	@bash scripts/demo.sh ./$(BINARY)

# run: the window, through the command line (which starts the window program beside it).
run: build
	./$(BINARY)

test: deps lint unit keychain fuzz smoke policy docs release wine debtest

lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

# unit: every package under the race detector; the ui tests run Fyne's callbacks on one UI
# goroutine, as the real driver does (ui/uiloop_test.go).
unit:
	$(LEAKCHECK) $(GO) test -race -count=1 ./...

# keychain: without a session bus, the keychain commands' plain refusal; then the keychain test
# against a real Secret Service (gnome-keyring on a private bus).
keychain:
	$(LEAKCHECK) bash scripts/keychain-test.sh

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzPartFileName$$' -fuzztime=$(FUZZTIME) ./client
	$(GO) test -run='^$$' -fuzz='^FuzzParseUploadReply$$' -fuzztime=$(FUZZTIME) ./client
	$(GO) test -run='^$$' -fuzz='^FuzzReadRequest$$' -fuzztime=$(FUZZTIME) ./internal/handoff

# smoke: the real programs in a real X server (Xvfb): the command line starting the window on
# the sandbox with a file, its URI in the history, a screenshot that is not blank, no D-Bus
# session started; and without a display, or on one without OpenGL, a plain refusal (exit
# status 1) instead of a crash. Then a second start handing its files to the open window (one
# window per data folder), and Ctrl+V pasting copied files and a picture (xclip owns the clipboard).
# Last, 'redox-uploader watch' on a folder: files uploaded and moved, kill -9 and a restart
# sending nothing twice, SIGTERM stopping it. Then the window closed to the system tray on a private
# bus with a test-only tray host: its watched folder still sending, the tray menu opening and quitting it.
smoke: build
	$(LEAKCHECK) bash scripts/smoke.sh ./$(BINARY) ./$(WINDOW)
	$(LEAKCHECK) bash scripts/one-window.sh ./$(BINARY) ./$(WINDOW)
	$(LEAKCHECK) bash scripts/paste-test.sh ./$(BINARY) ./$(WINDOW)
	$(LEAKCHECK) bash scripts/watch-test.sh ./$(BINARY)
	$(LEAKCHECK) bash scripts/tray-test.sh ./$(BINARY) ./$(WINDOW)

# policy: the command line under a policy in /etc/redox-uploader/policy.json, mounted over in
# a private namespace (needs root, as CI has): a managed source kept, a file users could write
# ignored, a broken one said.
policy: headless
	$(LEAKCHECK) bash scripts/policy-test.sh ./$(BINARY)

# docs: every command and make target the README names exists.
docs: build
	$(LEAKCHECK) bash scripts/doc-check.sh ./$(BINARY)

# release: build the Windows programs, the MSI and the Linux archive and check what they hold;
# prove the signing pipeline with a throwaway certificate (PKCS#12 and a SoftHSM token).
release: windows package msi
	bash scripts/check-windows.sh $(BINARY).exe $(WINDOW).exe
	bash scripts/check-package.sh dist/$(BINARY)-$(VERSION)-linux-amd64.tar.xz
	bash scripts/sign-test.sh $(BINARY).exe $(WINDOW).exe

# wine: the Windows programs under Wine in a scratch prefix: a CLI session with the console
# program (Credential Manager, Windows folders and proxy settings, extra certificates, a scan
# for secrets), the console program starting the window, and the window's smoke test; then
# Outlook-style virtual files, copied files, a picture and screenshots (CF_DIB) pasted and
# dragged onto the window (a test-only OLE clipboard owner); the watch command, with a file held
# open for writing; the window closed to the notification area while a folder is watched; the
# MSI installed, upgraded and removed silently in another prefix; then the organisation's policy
# written into the registry with reg add (HKLM over HKCU), read by the console program.
wine: windows msi
	$(LEAKCHECK) bash scripts/wine-test.sh $(BINARY).exe $(WINDOW).exe
	$(LEAKCHECK) bash scripts/wine-paste-test.sh $(BINARY).exe $(WINDOW).exe
	$(LEAKCHECK) bash scripts/wine-watch-test.sh $(BINARY).exe
	$(LEAKCHECK) bash scripts/wine-tray-test.sh $(BINARY).exe $(WINDOW).exe
	$(LEAKCHECK) bash scripts/msi-test.sh $(MSI) $(BINARY).exe $(WINDOW).exe
	$(LEAKCHECK) bash scripts/wine-policy-test.sh $(BINARY).exe

# screenshots: the main states of the real window, for the README.
screenshots: build
	bash scripts/screenshots.sh ./$(WINDOW) docs/screenshots

# bench: the Go benchmarks, then the command line that ships against curl (and, for
# comparison, the window program given the same command).
bench: build
	$(GO) test -run='^$$' -bench=. -benchmem ./client ./app ./ui
	@bash scripts/bench.sh ./$(BINARY) ./$(WINDOW)

# watch-vs-drop: 200 files appearing in a watched folder against the same files dropped on
# the open window, timed until all are done (a measurement, under Xvfb).
watch-vs-drop: build
	bash scripts/watch-vs-drop.sh ./$(BINARY) ./$(WINDOW)

clean:
	rm -rf $(BINARY) $(WINDOW) $(BINARY).exe $(WINDOW).exe dist
