//go:build !unix

package browsertest

import "os/exec"

// inOwnProcessGroup leaves cmd as it is: off Unix, a timeout kills only the
// driver.
func inOwnProcessGroup(*exec.Cmd) {}
