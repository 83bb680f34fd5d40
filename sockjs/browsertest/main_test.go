package browsertest

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine outlives the tests: every server
// is shut down, every client connection closed.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
