package restore_test

import (
	"os"
	"testing"

	"github.com/git-ai-survival/git-ai-survival/internal/gittest"
)

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) { os.Exit(gittest.Main(m)) }
