"""HTTP and WebSocket helpers for the SockJS protocol suite, on Python 3.

The official suite (sockjs-protocol.py) imports a helper module named
``utils``. This is Trelljaz's own replacement for it, written for Python 3
on the standard library (a plain socket speaking HTTP/1.x) and Debian's
python3-websocket (the websocket-client library).

What the suite relies on:

* ``GET``, ``POST``, ``OPTIONS`` send one request on a fresh connection,
  read the whole response and close. The result has ``.status``, ``.body``
  (str, UTF-8 decoded), ``.http`` (the version of the status line) and
  ``r['Header-Name']``: a case-insensitive look-up that gives None when the
  header is absent. ``.headers`` is a case-insensitive mapping.
* ``GET_async``, ``POST_async`` and ``old_POST_async`` send the request and
  read only the status line and headers. ``r.read()`` then gives one piece
  of the body: one HTTP chunk for a chunked response, else whatever bytes
  arrived; at the end of the body it gives '' (and keeps giving ''), so a
  test may assert it is falsy. ``r.close()`` drops the connection, which is
  how the suite simulates a client that went away.
* ``RawHttpConnection(url)`` keeps one socket open: ``request()`` writes a
  request of a given HTTP version and returns its status and headers;
  ``read(n)`` reads exactly n bytes (``read()`` what arrived),
  ``read_chunk()`` one chunk of a chunked body (the final chunk gives ''),
  ``closed()`` tells whether the peer closed the connection, ``send()``
  writes raw data.
* ``WebSocket8Client(url)`` is an RFC 6455 client with ``send``, ``recv``
  and ``close``; ``recv`` raises ``ConnectionClosedException`` carrying
  ``.code`` and ``.reason`` once the server closed the connection.

Every socket operation has a timeout (SOCKJS_TIMEOUT seconds, default 3),
so a server that never answers fails a test instead of hanging the run.
"""

import os
import re
import socket
import urllib.parse

import websocket

__all__ = [
    'GET', 'GET_async', 'POST', 'POST_async', 'OPTIONS', 'old_POST_async',
    'WebSocket8Client', 'RawHttpConnection', 'Headers', 'Response',
]

# TIMEOUT bounds every socket wait, in seconds.
TIMEOUT = float(os.environ.get('SOCKJS_TIMEOUT', '3'))

# CLOSE_WAIT bounds how long closed() waits for the peer to close.
CLOSE_WAIT = float(os.environ.get('SOCKJS_CLOSE_WAIT', '1'))

# MAX_LINE bounds the status line and each header line, in bytes.
MAX_LINE = 64 * 1024

_STATUS_LINE = re.compile(r'HTTP/(?P<version>\d+\.\d+) (?P<status>\d{3})(?: (?P<reason>.*))?$')


def _text(data):
    """Decodes bytes from the wire as UTF-8 (bodies are UTF-8 in SockJS)."""
    return data.decode('utf-8', 'surrogateescape')


class Headers(object):
    """Case-insensitive, read-mostly mapping of HTTP header names to values.

    A header that appears more than once keeps all its values, joined with
    ', ' as RFC 9110 section 5.3 allows.
    """

    def __init__(self, pairs=()):
        self._values = {}  # lower-case name -> (name as first seen, value)
        for name, value in pairs:
            self.add(name, value)

    def add(self, name, value):
        key = name.lower()
        if key in self._values:
            first, old = self._values[key]
            self._values[key] = (first, old + ', ' + value)
        else:
            self._values[key] = (name, value)

    def __setitem__(self, name, value):
        key = name.lower()
        first = self._values.get(key, (name, None))[0]
        self._values[key] = (first, value)

    def __getitem__(self, name):
        return self._values[name.lower()][1]

    def get(self, name, default=None):
        entry = self._values.get(name.lower())
        return default if entry is None else entry[1]

    def __contains__(self, name):
        return name.lower() in self._values

    def __iter__(self):
        return (name for name, _ in self._values.values())

    def __len__(self):
        return len(self._values)

    def items(self):
        return list(self._values.values())

    def __repr__(self):
        return 'Headers(%r)' % (self.items(),)


class Response(object):
    """Status line and headers of an HTTP response (and, when read, its body).

    ``r['name']`` looks a header up case-insensitively and gives None when
    it is absent.
    """

    def __init__(self, http, status, reason, headers):
        self.http = http
        self.status = status
        self.reason = reason
        self.description = reason
        self.headers = headers
        self.body = None

    def __getitem__(self, name):
        return self.headers.get(name)

    def get(self, name, default=None):
        return self.headers.get(name, default)

    def __repr__(self):
        return '<Response HTTP/%s %s %r %r>' % (self.http, self.status, self.reason, self.headers)


class ProtocolError(Exception):
    """The peer broke HTTP framing, or went silent where data was due."""


class RawHttpConnection(object):
    """One client TCP connection speaking HTTP/1.x by hand.

    Nothing is added to a request but Host and, when there is a body (every
    POST has one, maybe empty), Content-Length.
    """

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ('http', 'ws'):
            raise ValueError('unsupported scheme in %r' % (url,))
        self.host = u.hostname
        self.port = u.port or 80
        self.s = socket.create_connection((self.host, self.port), timeout=TIMEOUT)
        self._buf = b''
        self._eof = False

    # Low-level buffered input ------------------------------------------

    def _fill(self):
        """Receives more bytes into the buffer; False at end of stream."""
        if self._eof:
            return False
        data = self.s.recv(65536)
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    def _readline(self):
        while True:
            i = self._buf.find(b'\n')
            if i >= 0:
                line, self._buf = self._buf[:i + 1], self._buf[i + 1:]
                return line
            if len(self._buf) > MAX_LINE:
                raise ProtocolError('line longer than %d bytes' % MAX_LINE)
            if not self._fill():
                line, self._buf = self._buf, b''
                return line

    def _read_exact(self, size):
        while len(self._buf) < size:
            if not self._fill():
                raise ProtocolError('connection closed after %d of %d bytes' % (len(self._buf), size))
        data, self._buf = self._buf[:size], self._buf[size:]
        return data

    def _read_some(self):
        """What arrived: the buffered bytes, or the next receive (b'' at EOF)."""
        if not self._buf:
            self._fill()
        data, self._buf = self._buf, b''
        return data

    def _read_to_eof(self):
        while self._fill():
            pass
        data, self._buf = self._buf, b''
        return data

    def _read_chunk_bytes(self):
        line = self._readline()
        if not line:
            raise ProtocolError('connection closed before a chunk header')
        size_field = line.split(b';', 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            raise ProtocolError('bad chunk size line %r' % (line,))
        if size == 0:
            # Last chunk: skip trailer fields up to the empty line.
            while True:
                trailer = self._readline()
                if trailer in (b'\r\n', b'\n', b''):
                    return b''
        data = self._read_exact(size)
        if self._read_exact(2) != b'\r\n':
            raise ProtocolError('chunk of %d bytes not followed by CRLF' % size)
        return data

    # The suite's interface ---------------------------------------------

    def request(self, method, url, headers=None, body=None, http='1.1'):
        """Writes one request and returns the Response with status and headers.

        The body of the response is left on the connection for read(),
        read_chunk() or the helpers below.
        """
        self.send_request(method, url, headers=headers, body=body, http=http)
        return self._read_head()

    def send_request(self, method, url, headers=None, body=None, http='1.1'):
        """Writes one request and reads nothing back."""
        u = urllib.parse.urlsplit(url)
        target = u.path or '/'
        if u.query:
            target += '?' + u.query
        fields = Headers((headers or {}).items())
        if 'host' not in fields:
            fields['Host'] = '%s:%d' % (u.hostname, u.port) if u.port else u.hostname
        if method == 'POST' and body is None:
            body = ''
        if isinstance(body, str):
            body = body.encode('utf-8')
        if body is not None:
            fields['Content-Length'] = str(len(body))
        head = ['%s %s HTTP/%s' % (method, target, http)]
        head.extend('%s: %s' % (name, value) for name, value in fields.items())
        self.send(('\r\n'.join(head) + '\r\n\r\n').encode('utf-8') + (body or b''))

    def _read_head(self):
        line = self._readline()
        if not line:
            raise ProtocolError('connection closed before a status line')
        m = _STATUS_LINE.match(_text(line).rstrip('\r\n'))
        if not m:
            raise ProtocolError('bad status line %r' % (line,))
        fields = Headers()
        while True:
            line = self._readline()
            if line in (b'\r\n', b'\n'):
                break
            if not line:
                raise ProtocolError('connection closed inside the header')
            name, sep, value = _text(line).partition(':')
            if not sep:
                raise ProtocolError('bad header line %r' % (line,))
            fields.add(name.strip(), value.strip())
        return Response(m.group('version'), int(m.group('status')), m.group('reason') or '', fields)

    def read(self, size=None):
        """Reads exactly size bytes, or with no size what arrived ('' at EOF)."""
        if size is None:
            return _text(self._read_some())
        return _text(self._read_exact(size))

    def read_chunk(self):
        """Reads one chunk of a chunked body; the last chunk gives ''."""
        return _text(self._read_chunk_bytes())

    def read_till_eof(self):
        return _text(self._read_to_eof())

    def closed(self):
        """Whether the peer closes the connection with no more data.

        Waits up to CLOSE_WAIT seconds for the end of the stream; data that
        arrives instead, or silence, count as not closed.
        """
        if self._buf:
            return False
        if self._eof:
            return True
        self.s.settimeout(CLOSE_WAIT)
        try:
            return not self._fill()
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        finally:
            self.s.settimeout(TIMEOUT)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode('utf-8')
        self.s.sendall(data)

    def close(self):
        if self.s is not None:
            self.s.close()
            self.s = None


def _body_framing(method, r):
    """How the body of r is delimited: 'none', 'chunked', 'length' or 'eof'."""
    if method == 'HEAD' or r.status in (204, 304) or 100 <= r.status < 200:
        return 'none'
    te = (r['Transfer-Encoding'] or '').lower()
    if te:
        if te.split(',')[-1].strip() != 'chunked':
            raise ProtocolError('unsupported Transfer-Encoding %r' % (te,))
        return 'chunked'
    if r['Content-Length'] is not None:
        return 'length'
    return 'eof'


def _sync_request(method, url, headers=None, body=None):
    c = RawHttpConnection(url)
    try:
        r = c.request(method, url, headers=headers, body=body)
        framing = _body_framing(method, r)
        if framing == 'none':
            r.body = ''
        elif framing == 'chunked':
            parts = []
            while True:
                chunk = c._read_chunk_bytes()
                if not chunk:
                    break
                parts.append(chunk)
            r.body = _text(b''.join(parts))
        elif framing == 'length':
            r.body = c.read(int(r['Content-Length']))
        else:
            try:
                r.body = c.read_till_eof()
            except socket.timeout:
                raise ProtocolError('%s %s: %d response with neither Content-Length nor '
                                    'Transfer-Encoding, and the connection stayed open'
                                    % (method, url, r.status))
        return r
    finally:
        c.close()


def GET(url, **kwargs):
    """Sends a GET and returns the whole response."""
    return _sync_request('GET', url, **kwargs)


def POST(url, **kwargs):
    """Sends a POST (body '' when none is given) and returns the whole response."""
    return _sync_request('POST', url, **kwargs)


def OPTIONS(url, **kwargs):
    """Sends an OPTIONS request and returns the whole response."""
    return _sync_request('OPTIONS', url, **kwargs)


class StreamingResponse(Response):
    """A response whose body is read piece by piece with read()."""

    def __init__(self, conn, method, head):
        Response.__init__(self, head.http, head.status, head.reason, head.headers)
        self._conn = conn
        self._framing = _body_framing(method, head)
        if head.status == 101:
            self._framing = 'eof'  # after an upgrade the bytes are raw
        self._left = int(head['Content-Length']) if self._framing == 'length' else 0
        self._done = self._framing == 'none'

    def read(self):
        """One piece of the body: an HTTP chunk, or what arrived; '' at the end."""
        if self._done or self._conn is None:
            return ''
        if self._framing == 'chunked':
            data = self._conn._read_chunk_bytes()
        elif self._framing == 'length':
            data = self._conn._read_some()[:self._left] if self._left else b''
            self._left -= len(data)
        else:
            data = self._conn._read_some()
        if not data:
            self._done = True
            self.close()
            return ''
        return _text(data)

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class PendingRequest(object):
    """A request sent without reading anything back: close() drops it."""

    def __init__(self, conn):
        self._conn = conn

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _async_request(method, url, headers=None, body=None, load=True):
    c = RawHttpConnection(url)
    if not load:
        c.send_request(method, url, headers=headers, body=body)
        return PendingRequest(c)
    try:
        head = c.request(method, url, headers=headers, body=body)
    except Exception:
        c.close()
        raise
    return StreamingResponse(c, method, head)


def GET_async(url, **kwargs):
    """Sends a GET and returns once status and headers are in; see read()."""
    return _async_request('GET', url, **kwargs)


def POST_async(url, **kwargs):
    """Sends a POST and returns once status and headers are in; see read()."""
    return _async_request('POST', url, **kwargs)


def old_POST_async(url, **kwargs):
    """POST_async; with load=False it returns at once without reading anything."""
    return _async_request('POST', url, **kwargs)


class WebSocket8Client(object):
    """RFC 6455 (hybi-13, "version 8" onwards) client with text messages."""

    class ConnectionClosedException(Exception):
        """The server closed the connection; .code and .reason from its close frame."""

        def __init__(self, code=None, reason=''):
            Exception.__init__(self, code, reason)
            self.code = code
            self.reason = reason

    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=TIMEOUT)

    def send(self, data):
        self.ws.send(data)

    def recv(self):
        """Next text message, or ConnectionClosedException once closed."""
        if self.ws is None:
            raise self.ConnectionClosedException(None, 'client closed')
        try:
            opcode, frame = self.ws.recv_data_frame()
        except websocket.WebSocketConnectionClosedException:
            self.close()
            raise self.ConnectionClosedException(1006, '')
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            data = frame.data or b''
            code = int.from_bytes(data[:2], 'big') if len(data) >= 2 else 1005
            self.close()
            raise self.ConnectionClosedException(code, _text(data[2:]))
        if opcode == websocket.ABNF.OPCODE_TEXT:
            return _text(frame.data) if isinstance(frame.data, bytes) else frame.data
        return frame.data

    def close(self):
        if self.ws is not None:
            try:
                self.ws.close(timeout=1)
            except Exception:
                pass
            self.ws = None
