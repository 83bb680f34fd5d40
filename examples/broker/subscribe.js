// subscribe keeps a page subscribed to the push broker at url (a SockJS
// endpoint, like "https://push.example.com/push"). Every connection, the
// first and each reconnection, starts with a fresh token from fetchToken:
// tokens are short-lived, and the one of the last connection may have
// expired. onMessage gets every message the website publishes. After a
// close (the broker restarting, the network gone, a refused token) it
// reconnects after 1 s, doubling up to 30 s, with jitter. Needs
// sockjs-client (the broker serves it at /push/sockjs.min.js).
//
//   const sub = subscribe("https://push.example.com/push",
//     () => fetch("/push-token", { credentials: "same-origin" }).then((r) => r.text()),
//     (msg) => console.log(msg));
//   // later: sub.close();
//
// options.sockjs is passed to new SockJS (e.g. { transports: [...] });
// options.onSubscribed(channel) is called on every (re)subscription.
function subscribe(url, fetchToken, onMessage, options = {}) {
  let delay = 1000;
  let stopped = false;
  let sock = null;

  async function connect() {
    let token;
    try {
      token = await fetchToken(); // a fresh token for every connection
    } catch (e) {
      retry();
      return;
    }
    if (stopped) return;
    const s = new SockJS(url, null, options.sockjs);
    sock = s;
    let subscribed = false;
    s.onopen = () => s.send(token);
    s.onmessage = (e) => {
      if (!subscribed) {
        // The broker's answer to the token comes first.
        let reply = null;
        try { reply = JSON.parse(e.data); } catch (_) { /* a published message */ }
        if (reply && reply.type === "subscribed") {
          subscribed = true;
          delay = 1000;
          if (options.onSubscribed) options.onSubscribed(reply.channel);
          return;
        }
        if (reply && reply.type === "error") {
          s.close(); // refused token: reconnect with a fresh one
          return;
        }
      }
      onMessage(e.data);
    };
    s.onclose = () => {
      if (sock === s) sock = null;
      retry();
    };
  }

  function retry() {
    if (stopped) return;
    setTimeout(connect, delay * (0.5 + Math.random()));
    delay = Math.min(delay * 2, 30000);
  }

  connect();
  return {
    close() {
      stopped = true;
      if (sock) sock.close();
    },
  };
}
