# git-ai-survival — build, test, measure.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man/man1
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/git-ai-survival/git-ai-survival/internal/cli.Version=$(VERSION)
BIN     := bin/git-ai-survival
GO      ?= go

.PHONY: all build run test vet bench install uninstall man clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/git-ai-survival

# The survival report of this very repository; needs no set-up.
run: build
	./$(BIN) report

vet:
	$(GO) vet ./...

test: vet
	$(GO) test -count=1 -timeout 30m ./...

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
