package protocol

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestTableEventsEncodedAtOnceKeepTheirOwnJSON: tables encode their events
// at the same time through one pool of scratch buffers; every encoding is
// the event's own JSON, and stays so after the buffer it was written in
// served other events (small ones, and ones too large for the pool to
// keep).
func TestTableEventsEncodedAtOnceKeepTheirOwnJSON(t *testing.T) {
	const workers, events = 8, 200
	type done struct {
		enc  *Encoded
		want string
	}
	got := make([][]done, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range events {
				e := TableEvent{Table: fmt.Sprintf("t%d-%d", w, i), V: uint64(i + 1), Kind: KindChat}
				switch i % 3 {
				case 1: // larger than the pool's first buffers
					e.Chat = &ChatLine{From: Player{ID: "p", Name: "P"}, Text: strings.Repeat(fmt.Sprint(w), 3000)}
				case 2: // larger than the pool keeps
					e.Chat = &ChatLine{From: Player{ID: "p", Name: "P"}, Text: strings.Repeat("\"", maxScratch)}
				}
				got[w] = append(got[w], done{EncodeTableEvent(&e), encodeReflect(e).JSON()})
			}
		})
	}
	wg.Wait()
	for w := range got {
		for i, d := range got[w] {
			if d.enc.JSON() != d.want {
				t.Fatalf("worker %d event %d: %.80q..., want %.80q...", w, i, d.enc.JSON(), d.want)
			}
		}
	}
}

// TestRawAndBytesShareNoMemoryWithTheCaller: Raw keeps its own copy of
// the message (the broker's buffer may be reused), and Bytes hands out a
// copy (writing it does not change the message every recipient shares).
func TestRawAndBytesShareNoMemoryWithTheCaller(t *testing.T) {
	data := []byte(`{"type":"left","table":"t1"}`)
	e, err := Raw(data)
	if err != nil {
		t.Fatal(err)
	}
	want := string(data)
	copy(data, `{"type":"XXXX"`)
	if e.JSON() != want {
		t.Errorf("Raw's message changed with the caller's buffer: %q, want %q", e.JSON(), want)
	}
	b := e.Bytes()
	b[2] = 'X'
	if e.JSON() != want {
		t.Errorf("writing Bytes changed the message: %q, want %q", e.JSON(), want)
	}
}
