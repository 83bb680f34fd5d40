package web

import (
	"os/exec"
	"testing"
)

// TestPageModulesInNode runs the unit checks of the page's pure modules
// (cards, the score sheet's data, text cleaning) under node.
func TestPageModulesInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	out, err := exec.Command(node, "testdata/units.mjs", "../../static/web").CombinedOutput()
	if err != nil {
		t.Fatalf("units.mjs: %v\n%s", err, out)
	}
}
