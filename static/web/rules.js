// The rules page: one <main> per language; show the browser's language
// (Russian for Russian speakers, English otherwise) or the one chosen, and
// remember the choice for the club's other pages.
"use strict";

(function () {
  const KEY = "trelljaz-lang";
  const pick = () => {
    const saved = localStorage.getItem(KEY);
    if (saved === "ru" || saved === "en") return saved;
    return (navigator.languages || [navigator.language || "en"]).some((l) => /^(ru|uk|be|kk)\b/i.test(l)) ? "ru" : "en";
  };
  const show = (lang) => {
    document.documentElement.lang = lang;
    for (const m of document.querySelectorAll("main[data-lang]")) m.hidden = m.dataset.lang !== lang;
    for (const b of document.querySelectorAll("nav.lang button")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  };
  for (const b of document.querySelectorAll("nav.lang button")) {
    b.addEventListener("click", () => { localStorage.setItem(KEY, b.dataset.lang); show(b.dataset.lang); });
  }
  const hash = location.hash.slice(1, 3);
  show(hash === "ru" || hash === "en" ? hash : pick());
})();
