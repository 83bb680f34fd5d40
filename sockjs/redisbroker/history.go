package redisbroker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/trelljaz/trelljaz/sockjs"
)

// History in Redis. Each channel with history has two keys, in one cluster
// slot (the channel name is their hash tag):
//
//	<Prefix>#history:{<channel>}       a stream: one entry per kept
//	                                   publication, its ID "<offset>-0",
//	                                   fields t (Redis time, ms) and p (payload)
//	<Prefix>#history:{<channel>}:meta  a hash: epoch, offset (the latest)
//
// The stream is trimmed to HistoryLimits.Size on every publish and expires
// TTL after the latest publish; entries older than TTL are not returned.
// The meta hash expires HistoryLimits.MetaTTL after the latest publish.
// When the meta hash is missing (first use, expiry, a Redis restart without
// persistence, eviction) the next publish or read makes a new epoch and
// drops any stream left over, so that offsets restart at 1 with it.

// publishScript appends a publication and publishes its frame
// (sockjs.EncodePublicationFrame) in one atomic step, one round trip.
//
// KEYS: stream, meta. ARGV: Redis channel, payload, size, TTL ms, meta TTL
// ms, epoch to use if none.
var publishScript = redis.NewScript(`
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  epoch = ARGV[6]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'epoch', epoch)
end
local offset = redis.call('HINCRBY', KEYS[2], 'offset', 1)
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], offset .. '-0', 't', ms, 'p', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', ARGV[1], '\255' .. epoch .. ' ' .. offset .. ' ' .. ARGV[2])
return {epoch, offset}
`)

// historyScript reads the kept publications after an offset and the
// channel's position, making an epoch if the channel has none.
//
// KEYS: stream, meta. ARGV: first stream ID to return, count, TTL ms, meta
// TTL ms, epoch to use if none. Returns {epoch, offset, {id, payload, ...}}.
var historyScript = redis.NewScript(`
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  epoch = ARGV[5]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'epoch', epoch, 'offset', 0)
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
local offset = redis.call('HGET', KEYS[2], 'offset') or '0'
local now = redis.call('TIME')
local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[3])
local out = {}
for _, e in ipairs(redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])) do
  local t, p
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 't' then t = tonumber(f[i + 1]) elseif f[i] == 'p' then p = f[i + 1] end
  end
  if t and p and t >= oldest then
    out[#out + 1] = e[1]
    out[#out + 1] = p
  end
end
return {epoch, offset, out}
`)

func (b *Broker) historyKeys(channel string) []string {
	stream := b.opts.Prefix + "#history:{" + channel + "}"
	return []string{stream, stream + ":meta"}
}

// newEpoch returns a random epoch: 16 hex digits.
func newEpoch() string {
	var e [8]byte
	_, _ = rand.Read(e[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(e[:])
}

// limits applies HistoryLimits' defaults (the Hub passes them applied).
func limits(l sockjs.HistoryLimits) sockjs.HistoryLimits {
	if l.Size <= 0 {
		l.Size = sockjs.DefaultHistorySize
	}
	l.Size = min(l.Size, sockjs.MaxHistorySize)
	if l.TTL <= 0 {
		l.TTL = sockjs.DefaultHistoryTTL
	}
	return l
}

// PublishHistory appends payload to channel's history in Redis and
// publishes it, framed with its position, in one script: one round trip
// (two after a Redis restart, which forgets the script).
func (b *Broker) PublishHistory(ctx context.Context, channel string, payload []byte, l sockjs.HistoryLimits) (sockjs.Position, error) {
	if b.isClosed() {
		return sockjs.Position{}, sockjs.ErrBrokerClosed
	}
	l = limits(l)
	res, err := publishScript.Run(ctx, b.client, b.historyKeys(channel),
		b.opts.Prefix+channel, payload, l.Size, l.TTL.Milliseconds(), l.MetaTTL().Milliseconds(), newEpoch()).Slice()
	if err != nil {
		return sockjs.Position{}, fmt.Errorf("redisbroker: publish to %q with history: %w", channel, err)
	}
	if len(res) != 2 {
		return sockjs.Position{}, fmt.Errorf("redisbroker: publish to %q with history: unexpected answer %v", channel, res)
	}
	epoch, _ := res[0].(string)
	offset, _ := res[1].(int64)
	if epoch == "" || offset <= 0 {
		return sockjs.Position{}, fmt.Errorf("redisbroker: publish to %q with history: unexpected answer %v", channel, res)
	}
	b.metrics.published.Inc()
	return sockjs.Position{Offset: uint64(offset), Epoch: epoch}, nil
}

// History reads the kept publications of channel after offset after, and
// its position, in one script.
func (b *Broker) History(ctx context.Context, channel string, after uint64, l sockjs.HistoryLimits) ([]sockjs.Publication, sockjs.Position, error) {
	if b.isClosed() {
		return nil, sockjs.Position{}, sockjs.ErrBrokerClosed
	}
	l = limits(l)
	res, err := historyScript.Run(ctx, b.client, b.historyKeys(channel),
		strconv.FormatUint(after+1, 10)+"-0", l.Size, l.TTL.Milliseconds(), l.MetaTTL().Milliseconds(), newEpoch()).Slice()
	if err != nil {
		return nil, sockjs.Position{}, fmt.Errorf("redisbroker: history of %q: %w", channel, err)
	}
	pubs, pos, err := parseHistory(channel, res)
	if err != nil {
		return nil, sockjs.Position{}, fmt.Errorf("redisbroker: history of %q: %w", channel, err)
	}
	return pubs, pos, nil
}

// parseHistory decodes historyScript's answer.
func parseHistory(channel string, res []any) ([]sockjs.Publication, sockjs.Position, error) {
	if len(res) != 3 {
		return nil, sockjs.Position{}, fmt.Errorf("unexpected answer of %d items", len(res))
	}
	epoch, _ := res[0].(string)
	offStr, _ := res[1].(string)
	entries, ok := res[2].([]any)
	offset, err := strconv.ParseUint(offStr, 10, 64)
	if epoch == "" || err != nil || !ok || len(entries)%2 != 0 {
		return nil, sockjs.Position{}, fmt.Errorf("unexpected answer %v", res)
	}
	pos := sockjs.Position{Offset: offset, Epoch: epoch}
	pubs := make([]sockjs.Publication, 0, len(entries)/2)
	for i := 0; i < len(entries); i += 2 {
		id, _ := entries[i].(string)
		payload, ok := entries[i+1].(string)
		ms, _, _ := strings.Cut(id, "-")
		off, err := strconv.ParseUint(ms, 10, 64)
		if err != nil || !ok {
			return nil, sockjs.Position{}, errors.New("malformed stream entry " + id)
		}
		pubs = append(pubs, sockjs.Publication{Channel: channel, Payload: payload, Position: sockjs.Position{Offset: off, Epoch: epoch}})
	}
	return pubs, pos, nil
}

func (b *Broker) isClosed() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.closed
}
