package protocol_test

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/protocol"
)

func ExampleDecode() {
	r, err := protocol.Decode([]byte(`{"type":"move","table":"t1","move":{"seat":2,"kind":"bid","bid":"7H"}}`))
	fmt.Println(r.Type, r.Table, r.Move, err)
	_, err = protocol.Decode([]byte(`{"type":"sit","table":"t1","seat":5}`))
	fmt.Println(err)
	// Output:
	// move t1 seat 2 bid 7♥ <nil>
	// sit: seat must be 0 to 3
}

func ExampleEncode() {
	e := protocol.Encode(protocol.Error{Code: protocol.ErrSeatTaken, Text: "seat 1 is taken", Table: "t1"})
	fmt.Println(string(e.Bytes()))
	// Output: {"type":"error","code":"seat_taken","text":"seat 1 is taken","table":"t1"}
}
