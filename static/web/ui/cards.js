// Cards as a Preferans player expects them: ranks 7 to ace, suits in the
// order of the bidding ladder (♠ ♣ ♦ ♥), a hand sorted by suit with colours
// alternating so that two red or two black suits never touch, highest card
// first. Four-colour deck as an option (♠ black, ♣ green, ♦ blue, ♥ red).
//
// Cards travel on the wire in the rules engine's ASCII form: "10H", "AS".

export const SUITS = ["S", "C", "D", "H"]; // the ladder's order, lowest first
export const SYMBOL = { S: "♠", C: "♣", D: "♦", H: "♥" };
export const RANKS = ["7", "8", "9", "10", "J", "Q", "K", "A"];

export function suitOf(card) { return card.slice(-1); }
export function rankOf(card) { return card.slice(0, -1); }

// Display order of suits: black, red, black, red.
const DISPLAY = ["S", "D", "C", "H"];

// sortHand returns the cards sorted for display.
export function sortHand(cards) {
  return [...cards].sort((a, b) =>
    DISPLAY.indexOf(suitOf(a)) - DISPLAY.indexOf(suitOf(b)) ||
    RANKS.indexOf(rankOf(b)) - RANKS.indexOf(rankOf(a)));
}

// label is the text a screen reader reads for a card ("10♥").
export function label(card) { return rankOf(card) + SYMBOL[suitOf(card)]; }

// cardFace returns a card element: a button when playable (so that it is
// reachable by keyboard), a plain element otherwise. A missing card (a
// hidden one) is drawn as a back.
export function cardFace(card, opts = {}) {
  if (!card || card === "--") {
    const back = document.createElement("span");
    back.className = "card back";
    back.setAttribute("aria-hidden", "true");
    return back;
  }
  const e = document.createElement(opts.onPlay ? "button" : "span");
  e.className = `card suit-${suitOf(card)}`;
  if (opts.onPlay) {
    e.type = "button";
    e.classList.add("playable");
    e.addEventListener("click", () => opts.onPlay(card));
  }
  if (opts.disabled) {
    e.classList.add("dim");
    if (e.tagName === "BUTTON") e.disabled = true;
  }
  if (opts.picked) e.classList.add("picked");
  e.dataset.card = card;
  e.setAttribute("aria-label", label(card));
  const corner = document.createElement("span");
  corner.className = "corner";
  corner.textContent = rankOf(card);
  const pip = document.createElement("span");
  pip.className = "pip";
  pip.textContent = SYMBOL[suitOf(card)];
  const pip2 = document.createElement("span");
  pip2.className = "pip small";
  pip2.textContent = SYMBOL[suitOf(card)];
  corner.append(pip2);
  e.append(corner, pip);
  return e;
}

// fan lays cards out as a fanned hand: each card overlaps the previous one
// and is turned a little around a point below the hand.
export function fan(cards, opts = {}) {
  const row = document.createElement("div");
  row.className = "hand fan";
  row.setAttribute("role", "group");
  if (opts.label) row.setAttribute("aria-label", opts.label);
  const n = cards.length;
  cards.forEach((c, i) => {
    const e = cardFace(c, {
      onPlay: opts.playable && opts.playable(c) ? opts.onPlay : undefined,
      disabled: opts.playable && !opts.playable(c),
      picked: opts.picked && opts.picked.includes(c),
    });
    const t = n > 1 ? i / (n - 1) - 0.5 : 0;
    e.style.setProperty("--turn", `${t * (opts.spread ?? 16)}deg`);
    e.style.setProperty("--lift", `${Math.abs(t) * Math.abs(t) * 18}px`);
    row.append(e);
  });
  return row;
}

// backs draws n card backs, fanned small, for another seat's hidden hand.
export function backs(n) {
  const row = document.createElement("div");
  row.className = "hand backs";
  row.setAttribute("aria-label", `${n}`);
  for (let i = 0; i < n; i++) row.append(cardFace(null));
  return row;
}
