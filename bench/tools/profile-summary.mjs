#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by
// file, so a benchmark run shows where its time goes without DevTools.
//   node bench/tools/profile-summary.mjs FILE.cpuprofile [top] [--last-ms N]
// --last-ms keeps only the samples of the profile's last N ms (the stage phase
// of a benchmark, after its set-up and baseline).
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const li = argv.indexOf('--last-ms');
const lastMs = li >= 0 ? Number(argv.splice(li, 2)[1]) : Infinity;
const [file, topArg] = argv;
if (!file) { console.error('usage: profile-summary.mjs FILE.cpuprofile [top]'); process.exit(2); }
const top = Number(topArg ?? 40);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const dt = new Map();
const from = prof.endTime - lastMs * 1000;
let at = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  at += prof.timeDeltas[i] ?? 0;
  if (at >= from) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const files = new Map();
for (const [id, us] of dt) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const short = cf.url.replace(/^file:\/\/\/work\/main\//, '').replace(/.*node_modules\//, 'nm/');
  const k = `${cf.functionName || '(anon)'}  ${short}:${cf.lineNumber + 1}`;
  fn.set(k, (fn.get(k) ?? 0) + us);
  const f = short.replace(/:\d+$/, '') || cf.functionName;
  files.set(f, (files.get(f) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`total ${(total / 1e6).toFixed(2)} s sampled`);
console.log('\nself time by function');
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log('\nself time by file');
for (const [k, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${pct(us)}  ${k}`);
