package sockjs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// The websocket read side is this package's own: gorilla/websocket makes
// the handshake and writes every frame, but the client's frames are read
// here (RFC 6455 §5). The reason is memory. gorilla's NextReader waits for
// the next frame about 1.5 KB of stack deep, so every idle session kept a
// 4 KB goroutine stack (Go shrinks a stack only while less than a quarter of
// it is in use). Reading frames ourselves lets an idle session wait in a
// plain net.Conn Read on a fresh goroutine, whose stack stays at Go's
// smallest (2 KB), and hold no read buffer while it waits: the buffer below
// is pooled and taken only while frames arrive. See serveConn and
// BenchmarkIdleSessionRSS.

// WebSocket opcodes (RFC 6455 §5.2).
const (
	wsOpContinuation = 0x0
	wsOpText         = 0x1
	wsOpBinary       = 0x2
	wsOpClose        = 0x8
	wsOpPing         = 0x9
	wsOpPong         = 0xA
)

// wsMaxControlPayload is the most a control frame may carry (RFC 6455 §5.5).
const wsMaxControlPayload = 125

// wsReadBuf is the pooled buffer a session reads frames through while they
// arrive; it holds every frame header and control frame whole.
type wsReadBuf [4 << 10]byte

// wsProtocolError is a client's breach of RFC 6455 framing; the connection
// ends with a close frame 1002 carrying the text.
type wsProtocolError string

func (e wsProtocolError) Error() string { return "websocket: " + string(e) }

// wsFrame is one frame read by wsFrames.next.
type wsFrame struct {
	op  byte // wsOp*; a continuation frame is reported as wsOpContinuation
	fin bool // the last frame of its message (always set on control frames)
	// payload is a control frame's unmasked payload; it aliases the read
	// buffer and is valid until the next call. Data frames leave it nil:
	// their payload goes to the message buffer.
	payload []byte
}

// wsFrames reads the frames a client sends: masked, possibly fragmented
// messages, with control frames allowed between the fragments. It keeps
// what it read ahead in buf; buf[r:w] is not consumed yet.
type wsFrames struct {
	src       io.Reader
	buf       *wsReadBuf
	r, w      int
	inMessage bool // a data message has begun and its final frame not come
}

// buffered reports whether bytes read from the connection wait in buf.
func (f *wsFrames) buffered() bool { return f.r < f.w }

// fill reads until at least n (at most len(buf)) bytes are buffered.
func (f *wsFrames) fill(n int) error {
	if f.w-f.r >= n {
		return nil
	}
	if len(f.buf)-f.r < n {
		f.w = copy(f.buf[:], f.buf[f.r:f.w])
		f.r = 0
	}
	for f.w-f.r < n {
		m, err := f.src.Read(f.buf[f.w:])
		f.w += m
		if err != nil && f.w-f.r < n {
			if errors.Is(err, io.EOF) && f.w > f.r {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// next reads one frame. The payload of a data frame is unmasked and
// appended to msg, but never more than keep bytes in all (msg.Len() may
// reach keep; what is over it is read and dropped), so a caller that gives
// keep = limit+1 learns that a message is over limit with bounded memory.
// A breach of the framing rules is a wsProtocolError.
func (f *wsFrames) next(msg *bytes.Buffer, keep int) (wsFrame, error) {
	if err := f.fill(2); err != nil {
		return wsFrame{}, err
	}
	b0, b1 := f.buf[f.r], f.buf[f.r+1]
	fr := wsFrame{op: b0 & 0x0f, fin: b0&0x80 != 0}
	size := 2
	switch b1 & 0x7f {
	case 126:
		size += 2
	case 127:
		size += 8
	}
	if b1&0x80 != 0 {
		size += 4
	}
	if err := f.fill(size); err != nil {
		return wsFrame{}, err
	}
	h := f.buf[f.r+2 : f.r+size]
	length := uint64(b1 & 0x7f)
	switch length {
	case 126:
		length, h = uint64(binary.BigEndian.Uint16(h)), h[2:]
	case 127:
		length, h = binary.BigEndian.Uint64(h), h[8:]
	}
	var key [4]byte
	copy(key[:], h)
	f.r += size

	switch {
	case b0&0x70 != 0:
		return fr, wsProtocolError("unexpected reserved bits 0x" + strconv.FormatUint(uint64(b0&0x70), 16))
	case b1&0x80 == 0:
		return fr, wsProtocolError("incorrect mask flag")
	case length > math.MaxInt64:
		return fr, wsProtocolError("frame length over 2^63")
	}
	switch fr.op {
	case wsOpClose, wsOpPing, wsOpPong:
		switch {
		case !fr.fin:
			return fr, wsProtocolError("control frame not final")
		case length > wsMaxControlPayload:
			return fr, wsProtocolError("control frame length > 125")
		}
		n := int(length)
		if err := f.fill(n); err != nil {
			return fr, unexpectedEOF(err)
		}
		fr.payload = f.buf[f.r : f.r+n]
		f.r += n
		wsUnmask(fr.payload, key, 0)
		return fr, nil
	case wsOpText, wsOpBinary:
		if f.inMessage {
			return fr, wsProtocolError("message start before final message frame")
		}
	case wsOpContinuation:
		if !f.inMessage {
			return fr, wsProtocolError("continuation after final message frame")
		}
	default:
		return fr, wsProtocolError("unknown opcode " + strconv.Itoa(int(fr.op)))
	}
	f.inMessage = !fr.fin
	return fr, f.readPayload(int64(length), key, msg, keep)
}

// readPayload reads n payload bytes masked with key, appending them
// unmasked to msg while msg holds fewer than keep bytes, dropping the rest.
func (f *wsFrames) readPayload(n int64, key [4]byte, msg *bytes.Buffer, keep int) error {
	pos := 0 // where in the payload (and so in the mask) the next byte is
	for n > 0 {
		room := int64(max(keep-msg.Len(), 0))
		if !f.buffered() && min(n, room) >= int64(len(f.buf)) {
			// A large payload with nothing read ahead: read it straight
			// into the message, which grows with what came (doubling),
			// not with what the header announced.
			want := int(min(n, room, int64(max(len(f.buf), msg.Len()))))
			msg.Grow(want)
			p := msg.AvailableBuffer()[:want]
			m, err := f.src.Read(p)
			if m > 0 {
				wsUnmask(p[:m], key, pos)
				msg.Write(p[:m])
				pos += m
				n -= int64(m)
			}
			if err != nil && n > 0 {
				return unexpectedEOF(err)
			}
			continue
		}
		if err := f.fill(1); err != nil {
			return unexpectedEOF(err)
		}
		chunk := f.buf[f.r:f.w]
		if int64(len(chunk)) > n {
			chunk = chunk[:n]
		}
		kept := chunk[:min(int64(len(chunk)), room)]
		wsUnmask(kept, key, pos)
		msg.Write(kept)
		f.r += len(chunk)
		pos += len(chunk)
		n -= int64(len(chunk))
	}
	return nil
}

// unexpectedEOF is err, but io.ErrUnexpectedEOF for io.EOF: the input
// ended inside a frame.
func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// wsUnmask applies the masking key to p, the payload bytes from offset pos
// on (RFC 6455 §5.3).
func wsUnmask(p []byte, key [4]byte, pos int) {
	i := 0
	if len(p) >= 16 {
		// Eight bytes at a time: the key rotated to start at pos, twice.
		var k8 [8]byte
		for j := range k8 {
			k8[j] = key[(pos+j)&3]
		}
		w := binary.LittleEndian.Uint64(k8[:])
		for ; i+8 <= len(p); i += 8 {
			binary.LittleEndian.PutUint64(p[i:], binary.LittleEndian.Uint64(p[i:])^w)
		}
	}
	for ; i < len(p); i++ {
		p[i] ^= key[(pos+i)&3]
	}
}

// wsCloseCodeReceivable reports whether a client may send code in a close
// frame (RFC 6455 §7.4; 1005, 1006 and 1015 are never sent).
func wsCloseCodeReceivable(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	default:
		return code >= 3000 && code <= 4999
	}
}

// wsParseClose reads a close frame's payload: its code (1005 when it has
// none) and reason, or a wsProtocolError.
func wsParseClose(payload []byte) (code int, reason string, err error) {
	switch len(payload) {
	case 0:
		return 1005, "", nil
	case 1:
		return 0, "", wsProtocolError("close frame of one byte")
	}
	code = int(binary.BigEndian.Uint16(payload))
	if !wsCloseCodeReceivable(code) {
		return 0, "", wsProtocolError("bad close code " + strconv.Itoa(code))
	}
	if !utf8.Valid(payload[2:]) {
		return 0, "", wsProtocolError("invalid utf8 payload in close frame")
	}
	return code, string(payload[2:]), nil
}
