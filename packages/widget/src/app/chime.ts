/** The chime's two notes (Hz), their spacing and length (s): short, soft, rising. */
const NOTES = [880, 1320];
const STEP_S = 0.12;
const LENGTH_S = 0.3;

/**
 * A short two-note chime made with Web Audio, so there is no sound file to load. Where the
 * browser blocks audio until the visitor has interacted with the chat, it stays silent.
 */
export function playChime(): void {
  try {
    const audio = new AudioContext();
    const start = audio.currentTime;
    NOTES.forEach((frequency, i) => {
      const at = start + i * STEP_S;
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, at);
      volume.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, at + LENGTH_S);
      tone.connect(volume).connect(audio.destination);
      tone.start(at);
      tone.stop(at + LENGTH_S);
    });
    setTimeout(() => void audio.close(), 1000);
  } catch {
    // No Web Audio here: the badge and the title still tell.
  }
}
