/** A one-line progress display on stderr (redrawn on a TTY, a line every few seconds otherwise). */
export function createProgress(label: string, total?: number) {
  const started = Date.now();
  let last = 0;
  let done = 0;
  const tty = process.stderr.isTTY;
  const render = (final = false) => {
    const secs = (Date.now() - started) / 1000;
    const rate = done / Math.max(secs, 0.001);
    let bar = '';
    if (total && total > 0) {
      const f = Math.min(1, done / total);
      bar = `[${'#'.repeat(Math.round(f * 24)).padEnd(24)}] ${(f * 100).toFixed(0).padStart(3)}% `;
    }
    const line = `${label} ${bar}${done}${total ? `/${total}` : ''} (${rate.toFixed(0)}/s, ${secs.toFixed(1)} s)`;
    if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    else if (final || Date.now() - last > 5000) { process.stderr.write(`${line}\n`); last = Date.now(); }
  };
  return {
    add(n: number) { done += n; if (tty || Date.now() - last > 5000) render(); },
    finish() { render(true); return { done, seconds: (Date.now() - started) / 1000 }; },
  };
}

/** Waits so that `count` items over the elapsed time stay under `perSecond`. */
export async function paceTo(perSecond: number | undefined, count: number, startedAt: number): Promise<void> {
  if (!perSecond) return;
  const due = startedAt + (count / perSecond) * 1000;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
