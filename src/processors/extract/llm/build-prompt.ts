// Builds the two chat messages of one extraction call. The system message is
// the versioned prompt file plus the catalog; it never contains customer text.
// The user message is only the data block: the transcript as a JSON array
// between delimiters, with anything that could pass for a delimiter escaped,
// every text re-redacted (the last line before the endpoint), and trimmed to
// the token budget: the newest messages, older ones replaced by a summary.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configError } from '../../../core/errors.js';
import { redactPii } from '../../normalize/redact-pii.js';
import type { Role } from '../../../records/normalized-message.js';
import type { ConversationSnapshot, TranscriptEntry } from '../../../records/conversation-snapshot.js';
import type { SignalCatalog } from '../catalog.js';
import type { SignalsResult } from '../../../records/signals-record.js';
import { looksLikeInstructions } from './injection-guard.js';
import type { TokenCounter } from './token-counter.js';

export const DEFAULT_PROMPT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../prompts');
export const DATA_OPEN = '<<<CONVERSATION_DATA';
export const DATA_CLOSE = 'CONVERSATION_DATA>>>';
export const SUMMARY_ALIAS = 's0';
/** One message never takes more than this many tokens of the budget. */
const MAX_MESSAGE_TOKENS = 600;
const MAX_SUMMARY_CHARS = 1_200;

export interface PromptTemplate {
  /** e.g. extract.v1: the file prompts/<version>.md. */
  version: string;
  text: string;
  /** sha256 prefix of the file: part of the cache key, so an edit without a version bump still misses the cache. */
  digest: string;
}

export function loadPromptTemplate(version: string, dir = DEFAULT_PROMPT_DIR): PromptTemplate {
  if (!/^[a-z0-9_-]+\.v\d+$/.test(version)) throw configError(`LLM prompt version '${version}' is not of the form name.vN (a file in prompts/)`);
  const file = join(dir, `${version}.md`);
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch {
    throw configError(`LLM prompt ${version} not found: ${file}`);
  }
  return { version, text, digest: createHash('sha256').update(text).digest('hex').slice(0, 12) };
}

export interface DataMessage { id: string; role: Role | 'summary'; text: string }

export interface BuiltPrompt {
  system: string;
  user: string;
  /** alias (m1, m2, ...) → transcript entry, for the messages in the data block. */
  aliases: Map<string, TranscriptEntry>;
  /** Aliases of customer messages that read like instructions. */
  flagged: Set<string>;
  inputTokens: number;
  /** sha256 of catalog version + user message: the cache's content hash. */
  dataHash: string;
  trimmedMessages: number;
  summarySource: 'llm' | 'rules' | null;
  lastCustomerMessageId: string | null;
  /** PII the last-line guard found and redacted (should stay 0: normalize redacts first). */
  redactions: number;
}

export interface BuildPromptInput {
  template: PromptTemplate;
  catalog: SignalCatalog;
  snapshot: ConversationSnapshot;
  rules: SignalsResult;
  /** The previous LLM summary of this conversation (rolling summary), if any. */
  previousSummary?: string | undefined;
  tokens: TokenCounter;
  maxInputTokens: number;
}

function catalogList(catalog: SignalCatalog): string {
  return catalog.signals.filter((s) => s.category !== 'act').map((s) => `- \`${s.id}\` (${s.strength ? `${s.strength} ` : ''}${s.category}): ${s.description}`).join('\n');
}

const LANGUAGE_NAMES: Record<string, string> = { es: 'Spanish', en: 'English', pt: 'Portuguese' };

export function renderSystem(template: PromptTemplate, catalog: SignalCatalog, language: string): string {
  return template.text
    .replaceAll('{{signals}}', catalogList(catalog))
    .replaceAll('{{language}}', LANGUAGE_NAMES[language] ?? 'the customer\'s language');
}

/** Neutralises delimiter look-alikes: customer text can contain neither marker, nor any `<` or `>`. */
export function neutralise(text: string): string {
  return text.replace(/CONVERSATION_DATA/gi, 'CONVERSATION DATA');
}

/** JSON with `<` and `>` escaped, so `<<<` / `>>>` cannot occur inside the data block. */
function dataLine(m: DataMessage): string {
  return JSON.stringify(m).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

// Stricter than normalize's card pattern on purpose (it skips a number followed
// by a comma, to keep decimals): before an external endpoint, any 13–19 digit
// run with single space/dash separators that passes Luhn is treated as a card.
const LOOSE_CARD = /(?<![\d])\d(?:[ -]?\d){12,18}(?!\d)/g;

function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** The last line before the endpoint: normalize's redactor again, plus the stricter card pass. */
export function guardPii(text: string, count: { n: number } = { n: 0 }): string {
  const r = redactPii(text);
  count.n += r.pii.emails + r.pii.phones + r.pii.cards + r.pii.ids;
  return r.text.replace(LOOSE_CARD, (m) => {
    const d = m.replace(/\D/g, '');
    if (d.length < 13 || d.length > 19 || !luhn(d)) return m;
    count.n++;
    return '[card]';
  });
}

const guard = guardPii;

function rulesSummary(older: TranscriptEntry[], rules: SignalsResult, snapshot: ConversationSnapshot): string {
  const customer = older.filter((e) => e.role === 'customer').length + snapshot.folded.customer;
  const agent = older.filter((e) => e.role === 'agent').length + snapshot.folded.agent;
  const olderIds = new Set(older.map((e) => e.id));
  const found = rules.signals
    .filter((s) => s.evidence.some((ev) => olderIds.has(ev.messageId)))
    .map((s) => `${s.id}${s.value !== undefined ? ` (${s.value})` : ''}`);
  return `Earlier in this conversation: ${customer} customer and ${agent} agent messages (not shown).`
    + (found.length ? ` Signals a keyword scan found in them: ${found.join(', ')}.` : '');
}

export function buildPrompt(input: BuildPromptInput): BuiltPrompt {
  const { template, catalog, snapshot, rules, tokens } = input;
  const system = renderSystem(template, catalog, snapshot.language.code);
  const redacted = { n: 0 };
  const framing = `${DATA_OPEN}\n[\n]\n${DATA_CLOSE}`;
  let budget = input.maxInputTokens - tokens.count(system) - tokens.count(framing) - 16;

  // Newest first until the budget is spent; the summary's room is reserved up front.
  const entries = snapshot.transcript;
  const summaryReserve = Math.ceil(MAX_SUMMARY_CHARS / 3);
  const lines: Array<{ entry: TranscriptEntry; text: string; tokens: number }> = [];
  let cut = entries.length;
  const hasOlder = snapshot.folded.messages > 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    let text = neutralise(guard(e.body, redacted));
    if (tokens.count(text) > MAX_MESSAGE_TOKENS) text = tokens.truncate(text, MAX_MESSAGE_TOKENS) + ' […]';
    const t = tokens.count(dataLine({ id: 'm000', role: e.role, text })) + 1;
    const reserve = (i > 0 || hasOlder) ? summaryReserve : 0;
    if (lines.length > 0 && t + reserve > budget) break;
    lines.unshift({ entry: e, text, tokens: t });
    budget -= t;
    cut = i;
  }
  const older = entries.slice(0, cut);
  const trimmedMessages = older.length + snapshot.folded.messages;

  const data: DataMessage[] = [];
  let summarySource: BuiltPrompt['summarySource'] = null;
  if (trimmedMessages > 0) {
    const fromLlm = input.previousSummary?.trim();
    summarySource = fromLlm ? 'llm' : 'rules';
    const text = (fromLlm ?? rulesSummary(older, rules, snapshot)).slice(0, MAX_SUMMARY_CHARS);
    data.push({ id: SUMMARY_ALIAS, role: 'summary', text: neutralise(guard(text, redacted)) });
  }
  const aliases = new Map<string, TranscriptEntry>();
  const flagged = new Set<string>();
  let lastCustomerMessageId: string | null = null;
  lines.forEach((l, k) => {
    const alias = `m${k + 1}`;
    aliases.set(alias, l.entry);
    if (l.entry.role === 'customer') {
      lastCustomerMessageId = l.entry.id;
      if (looksLikeInstructions(l.text)) flagged.add(alias);
    }
    data.push({ id: alias, role: l.entry.role, text: l.text });
  });

  const user = `${DATA_OPEN}\n[\n${data.map(dataLine).join(',\n')}\n]\n${DATA_CLOSE}`;
  const inputTokens = tokens.count(system) + tokens.count(user);
  const dataHash = createHash('sha256').update(catalog.version).update('\n').update(user).digest('hex');
  return { system, user, aliases, flagged, inputTokens, dataHash, trimmedMessages, summarySource, lastCustomerMessageId, redactions: redacted.n };
}
