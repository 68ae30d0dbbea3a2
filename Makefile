# git-ai-survival — build, test, measure.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man/man1
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/git-ai-survival/git-ai-survival/internal/cli.Version=$(VERSION)
BIN     := bin/git-ai-survival
GO      ?= go

.PHONY: all build run test test-slow lint vet fuzz bench install uninstall man clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/git-ai-survival

# The survival report of this very repository; needs no set-up.
run: build
	./$(BIN) report

vet:
	$(GO) vet ./...

# gofmt, go vet, staticcheck (skipped with a note when it is not on PATH:
# go install honnef.co/go/tools/cmd/staticcheck@v0.8.2) and go.mod tidiness.
lint: vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt -l: not formatted:"; echo "$$out"; exit 1; fi
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; \
	else echo "lint: staticcheck not on PATH, skipped (go install honnef.co/go/tools/cmd/staticcheck@v0.8.2)"; fi
	$(GO) mod tidy -diff

# The quick suite: lint, then every package's tests with -short.
# The binary the tests drive is built once for all packages. go test's own
# vet pass is off: lint has just run all of go vet. -parallel 4: most tests
# wait on git processes, so twice the cores keeps both cores busy.
test: lint
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	$(GO) build -o "$$d/git-ai-survival" ./cmd/git-ai-survival && \
	GIT_AI_SURVIVAL_TEST_BIN="$$d" $(GO) test -short -count=1 -vet=off -parallel 4 -timeout 20m ./...

# The long property and oracle runs that -short leaves out: every test of
# the packages whose tests consult testing.Short().
SLOW_PKGS = $(sort $(dir $(shell grep -rl --include='*_test.go' 'testing.Short()' .)))
test-slow:
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	$(GO) build -o "$$d/git-ai-survival" ./cmd/git-ai-survival && \
	GIT_AI_SURVIVAL_TEST_BIN="$$d" $(GO) test -count=1 -timeout 60m $(SLOW_PKGS)

# Every fuzz target for FUZZTIME each (default 10s); see .ci/fuzz.
FUZZTIME ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash .ci/fuzz

# Speed figures, written to bench/results.md (see bench/README.md).
bench: build
	bash bench/run.sh

man:
	rm -rf bin/man && $(GO) run -ldflags '$(LDFLAGS)' ./internal/tools/genman bin/man

# Completion scripts go where bash-completion, zsh and fish look for them;
# git's own bash and zsh completion then complete `git ai-survival <TAB>` too.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

install: build man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/git-ai-survival
	install -m 0644 bin/man/*.1 $(DESTDIR)$(MANDIR)/
	./$(BIN) completion bash > $(DESTDIR)$(BASHCOMPDIR)/git-ai-survival
	./$(BIN) completion zsh > $(DESTDIR)$(ZSHCOMPDIR)/_git-ai-survival
	./$(BIN) completion fish > $(DESTDIR)$(FISHCOMPDIR)/git-ai-survival.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/git-ai-survival $(DESTDIR)$(MANDIR)/git-ai-survival*.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/git-ai-survival $(DESTDIR)$(ZSHCOMPDIR)/_git-ai-survival $(DESTDIR)$(FISHCOMPDIR)/git-ai-survival.fish

clean:
	rm -rf bin

# The report's figures against git blame on the real histories of
# ../shared/realrepos (skipped when absent); the table goes to
# bench/oracle.md. ORACLE_FLAGS="-variants plain,filtered" runs the exact
# checks alone.
.PHONY: oracle
oracle:
	$(GO) run ./bench/oracle $(ORACLE_FLAGS)
