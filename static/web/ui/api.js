// Reads of the club's JSON API (/api/ratings, /api/pulkas, /api/players),
// each answer kept in memory for a while so that drawing the page again or
// showing a name's rating twice costs no request.
const cache = new Map(); // url -> {at, promise}
const MAX = 200;

// getJSON fetches url's JSON; an answer younger than maxAge ms is reused
// (a request in flight is shared). A failure is not kept.
export function getJSON(url, maxAge = 30000) {
  const hit = cache.get(url);
  if (hit && Date.now() - hit.at < maxAge) return hit.promise;
  const promise = fetch(url, { credentials: "same-origin" }).then(async (r) => {
    const body = await r.json().catch(() => null);
    if (!r.ok) throw Object.assign(new Error((body && body.error) || `HTTP ${r.status}`), { status: r.status });
    return body;
  });
  cache.set(url, { at: Date.now(), promise });
  promise.catch(() => { if (cache.get(url) && cache.get(url).promise === promise) cache.delete(url); });
  if (cache.size > MAX) cache.delete(cache.keys().next().value);
  return promise;
}

// forget drops the cached answers whose URL starts with prefix.
export function forget(prefix) {
  for (const k of [...cache.keys()]) if (k.startsWith(prefix)) cache.delete(k);
}

// accountID is the archive's id of a socket player id ("17"), or "" for
// players the archive does not know (bots, the dev sign-in of tests).
export function accountID(id) {
  return typeof id === "string" && /^[1-9][0-9]{0,17}$/.test(id) ? id : "";
}

const ratings = new Map(); // account id -> {ordinal} | null while asked

// ratingOf returns a player's rating from the cache, or undefined while it
// is asked for; onFetched runs once it arrives (to draw again).
export function ratingOf(id, onFetched) {
  const aid = accountID(id);
  if (!aid) return undefined;
  if (ratings.has(aid)) return ratings.get(aid) || undefined;
  ratings.set(aid, null);
  getJSON(`/api/players/${aid}`, 60000).then((p) => {
    ratings.set(aid, p.rating);
    setTimeout(() => ratings.delete(aid), 120000); // asked again after a while
    onFetched();
  }, () => { /* no archive or no such player: no number shown */ });
  return undefined;
}
