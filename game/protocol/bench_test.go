package protocol

import "testing"

// BenchmarkDecodeMove measures decoding the most frequent client message.
func BenchmarkDecodeMove(b *testing.B) {
	msg := []byte(`{"type":"move","table":"t12","move":{"seat":1,"kind":"play","card":"10H"}}`)
	b.ReportAllocs()
	for range b.N {
		if _, err := Decode(msg); err != nil {
			b.Fatal(err)
		}
	}
}
