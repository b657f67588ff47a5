// Language of one message. franc (trigram statistics) is good on sentences and
// poor on the short bursts that make up half of chat traffic ("El precio",
// "500", "ok"), so a small Spanish/English lexicon of function words and
// greetings votes alongside it, and messages of one or two words are never
// marked reliable: the window decides a conversation's language from many.
import { francAll } from 'franc-min';

export interface DetectedLanguage {
  code: 'es' | 'en' | 'pt' | 'fr' | 'und';
  confidence: number;
  reliable: boolean;
}

// Portuguese and French are candidates so that they are not forced into
// Spanish or English; the rest of the world stays 'und'.
const ONLY = ['spa', 'eng', 'por', 'fra'];
const ISO1: Record<string, DetectedLanguage['code']> = { spa: 'es', eng: 'en', por: 'pt', fra: 'fr' };
const UND: DetectedLanguage = Object.freeze({ code: 'und', confidence: 0, reliable: false }) as DetectedLanguage;

const ES = new Set(('de la que el en y los se del las un por con no una su para es al lo como más mas pero sus le ya o este sí si porque esta entre cuando muy sin sobre también me hasta hay donde dónde quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué que unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus ellas nosotras vosotros vosotras os mío mía tuyo suyo nuestro vuestro esos esas estoy estás está estamos están soy eres somos son tengo tiene tienen tenemos hola buenas buenos días dias tardes noches gracias favor quiero quisiera necesito precio precios cuánto cuanto cuánta cuesta cuestan valor envío envio envíos pedido comprar compra información informacion cómo como puedo puede pueden hacer saber usted ustedes señor señora bien vale listo claro también tambien ahora mañana hoy aquí aqui allí dónde bueno buena disculpe perdón perdon ayuda unidades cotización cotizacion perfecto perfecta excelente listo dale interesa interesado interesada gustaría gustaria video catálogo catalogo').split(' '));
const EN = new Set(('the be to of and in that have i it for not on with he as you do at this but his by from they we say her she or an will my one all would there their what so up out if about who get which go me when make can like time no just him know take people into year your good some could them see other than then now look only come its over think also back after use two how our work first well way even new want because any these give day most us is are was were am been has had does did hi hello hey thanks thank please price prices quote much many need buy order shipping info yes sure cost costs interested').split(' '));
const PT = new Set(('olá ola obrigado obrigada gostaria preço preços você vocês não sim bom boa dia tarde noite quanto custa está estou tem têm com uma um para por favor do da dos das no na em os as o e é são também muito quero queria').split(' '));
const FR = new Set(('bonjour bonsoir merci je tu il nous vous ils est sont suis un une des le la les du de et à au aux pour avec pas oui non combien prix voudrais veux devis s\'il plaît plait très bien').split(' '));
const ES_MARKS = /[ñ¿¡]/i;
const PT_MARKS = /[ãõç]|ção|ções/i;
const WORD = /[\p{L}']+/gu;

interface Votes { es: number; en: number; pt: number; fr: number; words: number }

function lexiconVotes(text: string): Votes {
  const words = text.toLowerCase().match(WORD) ?? [];
  const v: Votes = { es: 0, en: 0, pt: 0, fr: 0, words: words.length };
  for (const w of words) {
    if (ES.has(w)) v.es++;
    if (EN.has(w)) v.en++;
    if (PT.has(w)) v.pt++;
    if (FR.has(w)) v.fr++;
  }
  if (ES_MARKS.test(text)) v.es += 0.5;
  if (PT_MARKS.test(text)) v.pt += 0.5;
  return v;
}

// Exact short texts repeat constantly in chat ("Hola", "Gracias", "El precio"):
// remember the answer for them instead of running trigrams again.
const CACHE_MAX = 4096;
const CACHE_TEXT_MAX = 40;
const cache = new Map<string, DetectedLanguage>();

// franc reads at most the first 2,048 characters of a text; the lexicon reads
// the same window, so a 20,000-character body costs what a 2,048 one does.
const SAMPLE_CHARS = 2048;

/** Detects the language of cleaned text; `words` is its whitespace token count. */
export function detectLanguage(text: string, words: number): DetectedLanguage {
  if (!text) return UND;
  const cacheable = text.length <= CACHE_TEXT_MAX;
  if (cacheable) {
    const hit = cache.get(text);
    if (hit) return hit;
  }
  const result = detect(text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text, words);
  if (cacheable) {
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(text, result);
  }
  return result;
}

function detect(text: string, words: number): DetectedLanguage {
  const lex = lexiconVotes(text);
  if (lex.words === 0) return UND;
  const short = words <= 2;
  if (short) {
    // Trigrams on one or two words are noise; the lexicon alone, with low confidence.
    let best: 'es' | 'en' | 'pt' | 'fr' | null = null;
    let tie = false;
    for (const lang of ['es', 'en', 'pt', 'fr'] as const) {
      if (lex[lang] === 0) continue;
      if (best === null || lex[lang] > lex[best]) { best = lang; tie = false; }
      else if (lex[lang] === lex[best]) tie = true;
    }
    if (best === null || tie) return UND;
    return { code: best, confidence: lex.words === 1 ? 0.3 : 0.4, reliable: false };
  }
  // Most chat sentences carry two or more function words of one language and
  // none of the others: that settles it without trigrams (franc is the
  // expensive part of normalize, ~10–20 µs a call).
  const ranked = (['es', 'en', 'pt', 'fr'] as const).map((l) => [l, lex[l]] as const).sort((a, b) => b[1] - a[1]);
  const [lead, runnerUp] = [ranked[0]!, ranked[1]!];
  const share = lead[1] / lex.words;
  if (lead[1] >= 2 && share >= 0.3 && lead[1] >= 3 * runnerUp[1]) {
    const confidence = round2(Math.min(0.95, 0.5 + share * 0.6 + Math.min(lex.words, 12) * 0.01));
    return { code: lead[0], confidence, reliable: true };
  }
  const scores: Record<string, number> = { spa: 0, eng: 0, por: 0, fra: 0 };
  for (const [lang, score] of francAll(text, { only: ONLY, minLength: 3 })) scores[lang] = score;
  // franc scores are relative (best = 1). The lexicon share weighs more on
  // short texts, where trigrams are least informative.
  const lexWeight = lex.words < 8 ? 1.5 : 0.6;
  scores.spa! += lexWeight * (lex.es / lex.words);
  scores.eng! += lexWeight * (lex.en / lex.words);
  scores.por! += lexWeight * (lex.pt / lex.words);
  scores.fra! += lexWeight * (lex.fr / lex.words);
  let best = 'und';
  let second = 'und';
  for (const lang of ONLY) {
    if (best === 'und' || scores[lang]! > scores[best]!) { second = best; best = lang; }
    else if (second === 'und' || scores[lang]! > scores[second]!) second = lang;
  }
  const top = scores[best]!;
  if (top <= 0) return UND;
  const margin = (top - (scores[second] ?? 0)) / top;
  const lengthFactor = Math.min(1, lex.words / 8);
  const confidence = round2(Math.min(0.99, 0.35 + 0.65 * Math.min(1, margin * 2.5) * (0.5 + 0.5 * lengthFactor)));
  return { code: ISO1[best] ?? 'und', confidence, reliable: confidence >= 0.5 };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
