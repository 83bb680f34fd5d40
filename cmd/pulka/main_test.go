package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestRunRecord runs the program's main logic on the PULKA-FORMAT record.
func TestRunRecord(t *testing.T) {
	in, err := os.Open("../../game/score/testdata/format_example.json")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var stdout, stderr bytes.Buffer
	if code := run(in, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q", stderr.String())
	}
	var out struct {
		Players []string          `json:"players"`
		Deals   []json.RawMessage `json:"deals"`
		Result  map[string]string `json:"result"`
		Rounded map[string]int    `json:"rounded"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	if len(out.Deals) != 5 || out.Result["A"] != "-26" || out.Rounded["B"] != 18 {
		t.Errorf("unexpected output %s", stdout.String())
	}
	first := `{"pool":{"A":4,"B":0,"C":0},"mountain":{"A":0,"B":0,"C":0},"whists":{"B":{"A":8},"C":{"A":4}}}`
	if string(out.Deals[0]) != first {
		t.Errorf("deal 0 sheet %s, want %s", out.Deals[0], first)
	}
}

// TestRunBadRecord checks the failure contract: exit 1, nothing on
// standard output, one error line naming the deal and the field.
func TestRunBadRecord(t *testing.T) {
	rec := `{"convention": "sochi", "players": ["A","B","C"], "first_dealer": "C", "deals": [
	 {"contract": "6S", "declarer": "A", "whist": {"B": "pass", "C": "pass"}},
	 {"contract": "7H", "declarer": "B", "whist": {"B": "whist", "C": "whist"}}]}`
	var stdout, stderr bytes.Buffer
	if code := run(strings.NewReader(rec), &stdout, &stderr); code == 0 {
		t.Fatal("exit 0 on a bad record")
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q", stdout.String())
	}
	if got, want := stderr.String(), "deal 1: whist: \"B\" is the declarer\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}
