// Command pulka scores a pulka record (shared/preferans/PULKA-FORMAT.md): it
// reads one record as JSON on standard input and writes the score sheet after
// every deal and the final settlement as one JSON object on standard output.
//
//	go run ./cmd/pulka < record.json
//
// A bad record exits with status 1 and one line on standard error naming the
// deal (from 0) and the field, e.g. `deal 3: whist: "B" is the declarer`.
// Input is limited to score.MaxRecordSize bytes.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/trelljaz/trelljaz/game/score"
)

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole program: it returns the exit status.
func run(stdin io.Reader, stdout, stderr io.Writer) int {
	if err := score.RunJSON(stdin, stdout); err != nil {
		// One line, whatever the error text holds.
		fmt.Fprintln(stderr, strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	return 0
}
