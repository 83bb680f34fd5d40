// The club's connection: one SockJS session at a time, reconnecting with
// capped, jittered backoff, authenticated by a short-lived token fetched
// from the site with the page's cookie (never by a cookie on the SockJS
// transports, never by a name the page states).
//
// The page hands connect() what to do on each event; this module knows
// nothing of tables or lobbies. After every (re)connect, onOpen runs first
// with a send function: that is where the page sends its token and the
// versions it holds, so the server sends exactly what it missed.

const BACKOFF_MIN = 500; // ms
const BACKOFF_MAX = 15000;

// transportsFromURL lets a test or a user behind a websocket-hostile proxy
// pick SockJS transports: ?transports=xhr-streaming,xhr-polling
export function transportsFromURL(search) {
  const t = new URLSearchParams(search).get("transports");
  return t ? t.split(",").filter(Boolean) : undefined;
}

// fetchToken asks the site for a socket token; null when signed out.
export async function fetchToken() {
  const r = await fetch("/api/token", { credentials: "same-origin", cache: "no-store" });
  if (r.status === 401 || r.status === 403) return null;
  if (!r.ok) throw new Error(`token: HTTP ${r.status}`);
  const body = await r.json();
  return body.token || null;
}

// connect opens the connection and keeps it open until close() is called.
// handlers: onOpen(send), onMessage(obj), onState("connecting"|"open"|
// "closed", detail). It returns {send, close}; send returns false while
// the connection is down (the caller decides whether to keep the message).
export function connect(url, handlers, opts = {}) {
  let sock = null;
  let stopped = false;
  let attempt = 0;
  let timer = 0;
  const SockJSImpl = opts.SockJS || globalThis.SockJS;

  const send = (obj) => {
    if (!sock || sock.readyState !== 1) return false;
    sock.send(JSON.stringify(obj));
    return true;
  };

  const open = () => {
    if (stopped) return;
    handlers.onState?.("connecting", { attempt });
    const s = new SockJSImpl(url, null, { transports: opts.transports });
    sock = s;
    s.onopen = () => {
      attempt = 0;
      handlers.onState?.("open", { transport: s.transport });
      handlers.onOpen?.(send);
    };
    s.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        console.warn("trelljaz: undecodable message", err);
        return;
      }
      handlers.onMessage?.(msg);
    };
    s.onclose = (e) => {
      if (sock !== s) return;
      sock = null;
      // 4000-4099: the server says "don't retry" (rejected, bad request,
      // forbidden): stop and let the page say why.
      const final = e.code >= 4000 && e.code < 4100;
      handlers.onState?.("closed", { code: e.code, reason: e.reason, final });
      if (stopped || final) return;
      const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** attempt++);
      timer = setTimeout(open, base / 2 + Math.random() * base / 2);
    };
  };
  open();
  return {
    send,
    close() {
      stopped = true;
      clearTimeout(timer);
      if (sock) sock.close();
    },
    // reconnectNow skips the wait (a "reconnect" button, the tab coming back).
    reconnectNow() {
      if (sock || stopped) return;
      clearTimeout(timer);
      attempt = 0;
      open();
    },
  };
}
