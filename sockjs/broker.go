package sockjs

import (
	"context"
	"errors"
	"time"
)

// Broker carries published payloads between the processes of one
// deployment, so that a Hub on every process sees every publish. MemoryBroker
// is the embedded default for one process; package redisbroker connects
// processes through Redis pub/sub.
//
// Guarantees every implementation gives:
//
//   - Ordering: payloads published by one goroutine to one channel reach each
//     subscriber in publish order. Nothing is promised across channels or
//     across publishers.
//   - At most once: a payload reaches each subscription at most once. While a
//     broker's subscription is down (Ready reports false) payloads published
//     meanwhile may be lost; the broker reports such a gap with a
//     BrokerEvent so the application can resync (for example reload the
//     state of a room from its database) instead of silently diverging.
//   - Handlers must not block: they run on the broker's receive path (for
//     MemoryBroker, in the publisher's goroutine, so handlers of different
//     publishes may run concurrently). Hand work off; Session.SendMessage
//     never blocks.
//
// All methods may be called concurrently.
type Broker interface {
	// Publish sends payload to every subscription of channel in every
	// process, this one included. A nil error means the broker accepted the
	// payload (for Redis: the server answered the PUBLISH), not that anyone
	// received it.
	Publish(ctx context.Context, channel string, payload []byte) error

	// Subscribe calls handler with every payload published to channel from
	// the moment the subscription is live until unsubscribe is called. It
	// returns once the subscription is live or, while the broker is not
	// ready, at once: the subscription is then made when the broker
	// (re)connects. The payload slice is shared with other handlers and must
	// not be modified or retained.
	Subscribe(ctx context.Context, channel string, handler func(payload []byte)) (unsubscribe func(), err error)

	// Ready reports whether the broker is connected and every subscription
	// is live. While it is false, publishes may fail and deliveries may be
	// lost (a gap).
	Ready() bool

	// Close stops the broker. Later calls to Publish and Subscribe fail with
	// ErrBrokerClosed.
	Close() error
}

// BrokerEventKind tells what a BrokerEvent reports.
type BrokerEventKind int

const (
	// BrokerDown: the broker lost its subscription connection. From now on
	// payloads may be lost until a BrokerResubscribed event.
	BrokerDown BrokerEventKind = iota + 1
	// BrokerResubscribed: the broker is connected again and every
	// subscription is live. Payloads published between the BrokerDown event
	// and this one may have been lost: this is a gap, and Channels lists the
	// channels it affected. Resync what depends on them.
	BrokerResubscribed
)

func (k BrokerEventKind) String() string {
	switch k {
	case BrokerDown:
		return "down"
	case BrokerResubscribed:
		return "resubscribed"
	}
	return "unknown"
}

// BrokerEvent reports a change in a broker's connection. Brokers deliver
// events to a callback in their options.
type BrokerEvent struct {
	Kind BrokerEventKind
	// Channels affected by the gap (BrokerResubscribed), or subscribed when
	// the connection went down (BrokerDown).
	Channels []string
	// Err is why the connection went down (BrokerDown).
	Err error
	// Down is how long the subscription was down (BrokerResubscribed).
	Down time.Duration
}

// ErrBrokerClosed is returned by a Broker used after Close.
var ErrBrokerClosed = errors.New("sockjs: broker closed")
