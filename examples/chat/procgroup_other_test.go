//go:build !unix

package main

import "os/exec"

// inOwnProcessGroup does nothing where process groups do not exist: the
// context kills the driver only.
func inOwnProcessGroup(*exec.Cmd) {}
