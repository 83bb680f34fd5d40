package sockjs_test

import (
	"context"
	"fmt"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

// A Hub keeps the history of the channels HubOptions.History names; a
// client that comes back asks for what it missed after the last position it
// saw. Here the broker's history is read directly.
func ExampleMemoryBroker_History() {
	ctx := context.Background()
	broker := sockjs.NewMemoryBroker()
	defer broker.Close()
	hub := sockjs.NewHub(broker, &sockjs.HubOptions{
		History: map[string]sockjs.HistoryLimits{"room:*": {Size: 100, TTL: 10 * time.Minute}},
	})
	defer hub.Close()
	for _, line := range []string{"hello", "how are you?", "fine"} {
		if err := hub.Publish(ctx, "room:1", line); err != nil {
			fmt.Println(err)
			return
		}
	}
	// A client that saw offset 1 missed these:
	missed, top, err := broker.History(ctx, "room:1", 1, sockjs.HistoryLimits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range missed {
		fmt.Println(p.Position.Offset, p.Payload)
	}
	fmt.Println("latest offset:", top.Offset)
	// Output:
	// 2 how are you?
	// 3 fine
	// latest offset: 3
}

// Sessions of a channel with history receive each publication with its
// position, as HubOptions.EncodePublication makes it; this is the default.
func ExampleEncodePublicationJSON() {
	fmt.Println(sockjs.EncodePublicationJSON(sockjs.Publication{
		Channel:  "room:1",
		Payload:  `{"text":"hi"}`,
		Position: sockjs.Position{Offset: 7, Epoch: "3f2a9c0e11d4b6a7"},
	}))
	// Output:
	// {"channel":"room:1","offset":7,"epoch":"3f2a9c0e11d4b6a7","data":"{\"text\":\"hi\"}"}
}
