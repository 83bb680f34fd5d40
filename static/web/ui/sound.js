// Sounds made on the spot with WebAudio (no sound files): a soft tick for a
// card played, a short sweep for a trick taken, a chime for your move. Off
// unless the player turns them on (localStorage "trelljaz-sound" = "on").

const KEY = "trelljaz-sound";
let ctx = null;

export function soundOn() {
  try { return localStorage.getItem(KEY) === "on"; } catch { return false; }
}

export function setSound(on) {
  try { localStorage.setItem(KEY, on ? "on" : "off"); } catch { /* storage off */ }
}

// tone plays one enveloped oscillator note.
function tone(freq, start, dur, type = "sine", peak = 0.07, glide = 0) {
  const t0 = ctx.currentTime + start;
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = type;
  osc.frequency.setValueAtTime(freq, t0);
  if (glide) osc.frequency.exponentialRampToValueAtTime(freq * glide, t0 + dur);
  gain.gain.setValueAtTime(0.0001, t0);
  gain.gain.exponentialRampToValueAtTime(peak, t0 + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, t0 + dur);
  osc.connect(gain).connect(ctx.destination);
  osc.start(t0);
  osc.stop(t0 + dur + 0.02);
}

const SOUNDS = {
  card: () => tone(1400, 0, 0.05, "triangle", 0.05, 0.5),
  trick: () => { tone(520, 0, 0.09, "sine", 0.05, 0.8); tone(390, 0.07, 0.12, "sine", 0.04, 0.8); },
  turn: () => { tone(660, 0, 0.18); tone(880, 0.12, 0.22); },
};

// play makes sound name when sound is on; without audio it does nothing.
export function play(name) {
  if (!soundOn() || !Object.hasOwn(SOUNDS, name)) return;
  try {
    ctx = ctx || new AudioContext();
    if (ctx.state === "suspended") ctx.resume();
    SOUNDS[name]();
  } catch { /* no audio: the page says it all */ }
}
