// A short tone for every read and every refusal: high and short for OK, low and long for refusal.
let ctx: AudioContext | null = null;

export function cue(ok: boolean): void {
  try {
    ctx ??= new AudioContext();
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.frequency.value = ok ? 1320 : 330;
    g.gain.value = 0.08;
    o.connect(g).connect(ctx.destination);
    o.start();
    o.stop(ctx.currentTime + (ok ? 0.12 : 0.45));
  } catch {
    // No audio device: the colour cue still shows.
  }
}
