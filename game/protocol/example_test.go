package protocol_test

import (
	"fmt"
	"slices"

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

func ExampleTableOrder() {
	tables := []protocol.Summary{
		{ID: "t1", State: protocol.StatePlaying, Watchers: 2},
		{ID: "t2", State: protocol.StateFinished},
		{ID: "t3", State: protocol.StatePlaying, Watchers: 40},
		{ID: "t4", State: protocol.StateWaiting, Players: 3, Seats: []protocol.Seat{{Player: protocol.Player{ID: "1"}}, {}, {}}},
		{ID: "t5", State: protocol.StateWaiting, Players: 3, Seats: []protocol.Seat{{Player: protocol.Player{ID: "2"}}, {Player: protocol.Player{ID: "3"}}, {}}},
		{ID: "t6", State: protocol.StateConvention},
	}
	slices.SortFunc(tables, protocol.TableOrder)
	for _, t := range tables {
		fmt.Print(t.ID, " ")
	}
	fmt.Println()
	// Output: t5 t4 t6 t3 t1 t2
}

func ExampleLobbyView_Normal() {
	v := protocol.LobbyView{State: protocol.StateWaiting}
	fmt.Printf("%+v\n", v.Normal())
	// Output: {Tables:50 Online:50 State:waiting Players:0 Preset:}
}

func ExampleEncodeTableEvent() {
	e := protocol.EncodeTableEvent(&protocol.TableEvent{Table: "t1", V: 7, Kind: protocol.KindChat})
	fmt.Println(e.JSON())
	// Output: {"type":"table_event","table":"t1","v":7,"kind":"chat"}
}

// A table keeps its recent events as their JSON alone, and sends one
// again from it when a client resyncs.
func ExampleResend() {
	e := protocol.Encode(protocol.Left{Table: "t1"})
	e.SockJS() // sent
	kept := e.JSON()
	again := protocol.Resend(kept)
	fmt.Println(again.JSON() == e.JSON(), again.Len())
	// Output: true 28
}
