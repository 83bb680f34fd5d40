package sockjs

import (
	"errors"
	"log/slog"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Prometheus metrics of a Server (Options.Metrics). A
// Server without Options.Metrics has none: every use is behind a nil check.
type metrics struct {
	byTransport map[string]*transportMetrics

	closed        *prometheus.CounterVec // transport, code
	slowConsumer  prometheus.Counter
	writeTimeout  prometheus.Counter
	rateLimited   prometheus.Counter
	peerTimeout   prometheus.Counter
	messageTooBig prometheus.Counter
	refusedOrigin prometheus.Counter
	refusedHost   prometheus.Counter
}

// transportMetrics are the metrics of one transport, resolved once so that
// the hot path does no label lookup.
type transportMetrics struct {
	open                  prometheus.Gauge
	opened                prometheus.Counter
	messagesIn, bytesIn   prometheus.Counter
	messagesOut, bytesOut prometheus.Counter
	queueBytes            prometheus.Histogram
	closedByCode          map[int]prometheus.Counter
	closedOther           *prometheus.CounterVec
	transport             string
}

// newMetrics makes the metrics and registers them with reg. A metric that
// is already registered (another Server on the same registry) is shared;
// any other registration error is logged and that metric is not exported.
func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	register := func(c prometheus.Collector) prometheus.Collector {
		err := reg.Register(c)
		var are prometheus.AlreadyRegisteredError
		switch {
		case err == nil:
		case errors.As(err, &are):
			return are.ExistingCollector
		default:
			log.Error("sockjs: register metric; it is not exported", slog.Any("error", err))
		}
		return c
	}
	counterVec := func(name, help string, labels ...string) *prometheus.CounterVec {
		return register(prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)).(*prometheus.CounterVec)
	}
	counter := func(name, help string) prometheus.Counter {
		return register(prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})).(prometheus.Counter)
	}
	open := register(prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "sockjs_sessions_open", Help: "Sessions open now (OnOpen succeeded, OnClose not yet run), by transport.",
	}, []string{"transport"})).(*prometheus.GaugeVec)
	opened := counterVec("sockjs_sessions_opened_total", "Sessions whose OnOpen succeeded, by transport.", "transport")
	closed := counterVec("sockjs_sessions_closed_total", "Sessions closed (OnClose ran), by transport and close code.", "transport", "code")
	msgsIn := counterVec("sockjs_messages_received_total", "Messages received from clients (OnMessage calls), by transport.", "transport")
	bytesIn := counterVec("sockjs_received_bytes_total", "Bytes of the messages received from clients, as OnMessage gets them, by transport.", "transport")
	msgsOut := counterVec("sockjs_messages_sent_total", "Messages handed to the network for clients, by transport.", "transport")
	bytesOut := counterVec("sockjs_sent_bytes_total", "Bytes of the messages handed to the network for clients, unframed, by transport.", "transport")
	queue := register(prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sockjs_send_queue_bytes",
		Help:    "Bytes queued for a session when a delivery takes them (how far behind clients are; Options.SendQueueBytes is the bound), by transport.",
		Buckets: prometheus.ExponentialBuckets(64, 4, 9), // 64 B … 4 MiB
	}, []string{"transport"})).(*prometheus.HistogramVec)
	m := &metrics{
		byTransport:   make(map[string]*transportMetrics),
		closed:        closed,
		slowConsumer:  counter("sockjs_slow_consumer_closes_total", "Sessions closed with CloseSlowConsumer: the send queue went over Options.SendQueueBytes."),
		writeTimeout:  counter("sockjs_write_timeout_closes_total", "Sessions closed with CloseWriteTimeout: a write outlasted Options.WriteTimeout."),
		rateLimited:   counter("sockjs_rate_limit_closes_total", "Sessions closed with CloseRateLimited: the client went over Options.MessageRate."),
		peerTimeout:   counter("sockjs_peer_timeout_closes_total", "Sessions closed with ClosePeerTimeout: the peer was silent for Options.PeerTimeout."),
		messageTooBig: counter("sockjs_message_too_big_closes_total", "Sessions closed with CloseMessageTooBig: a message over Options.MaxMessageSize or a frame over MaxFrameSize."),
		refusedOrigin: counter("sockjs_refused_origin_total", "Requests refused because their origin is not in Options.AllowedOrigins."),
		refusedHost:   counter("sockjs_refused_host_total", "Requests refused because their Host is not in Options.Hosts."),
	}
	for _, t := range []string{TransportWebsocket, TransportXHRStreaming, TransportXHRPolling,
		TransportEventSource, TransportHTMLFile, TransportJSONP, TransportRawWebsocket} {
		tm := &transportMetrics{
			transport:    t,
			open:         open.WithLabelValues(t),
			opened:       opened.WithLabelValues(t),
			messagesIn:   msgsIn.WithLabelValues(t),
			bytesIn:      bytesIn.WithLabelValues(t),
			messagesOut:  msgsOut.WithLabelValues(t),
			bytesOut:     bytesOut.WithLabelValues(t),
			queueBytes:   queue.WithLabelValues(t).(prometheus.Histogram),
			closedByCode: make(map[int]prometheus.Counter, len(closeReasons)),
			closedOther:  closed,
		}
		for code := range closeReasons {
			tm.closedByCode[code] = closed.WithLabelValues(t, strconv.Itoa(code))
		}
		m.byTransport[t] = tm
	}
	return m
}

// sessionClosed counts a session whose OnClose is about to run.
func (tm *transportMetrics) sessionClosed(code int) {
	tm.open.Dec()
	if c, ok := tm.closedByCode[code]; ok {
		c.Inc()
		return
	}
	tm.closedOther.WithLabelValues(tm.transport, strconv.Itoa(code)).Inc()
}

// delivered counts a batch handed to the network; queued is what the
// session's queue held when it was taken.
func (tm *transportMetrics) delivered(batch []*Message, queued int) {
	if len(batch) == 0 {
		return
	}
	n := 0
	for _, m := range batch {
		n += len(m.raw)
	}
	tm.messagesOut.Add(float64(len(batch)))
	tm.bytesOut.Add(float64(n))
	tm.queueBytes.Observe(float64(queued))
}

// forcedClose counts a close the server forced for one of the reasons that
// have their own counter.
func (m *metrics) forcedClose(code int) {
	switch code {
	case CloseSlowConsumer:
		m.slowConsumer.Inc()
	case CloseWriteTimeout:
		m.writeTimeout.Inc()
	case CloseRateLimited:
		m.rateLimited.Inc()
	case ClosePeerTimeout:
		m.peerTimeout.Inc()
	case CloseMessageTooBig:
		m.messageTooBig.Inc()
	}
}
