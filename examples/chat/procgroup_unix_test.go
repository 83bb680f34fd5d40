//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// inOwnProcessGroup makes cmd lead a process group and, when its context
// ends, kills the whole group: the node driver and the Chromium it started.
func inOwnProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
