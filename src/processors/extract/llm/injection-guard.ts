// Customer text that reads like instructions to a model (prompt injection),
// in Spanish and English. Such messages are still sent (as data), but they can
// never be cited as support for a claim: a model that obeyed them would cite
// exactly them. A heuristic, so a second line behind the data delimiters.
const PATTERNS: RegExp[] = [
  // "ignore/forget the previous instructions", "ignora las instrucciones anteriores"
  /\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules|prompt|above|previous|system)\b/i,
  /\b(?:ignora|ignorar|olvida|olvidar|omite|omitir|descarta)\b.{0,40}\b(?:instrucci[oó]n(?:es)?|reglas|indicaciones|prompt|anteriores?|sistema)\b/i,
  /\b(?:system prompt|developer mode|jailbreak|new instructions|you are now|act as (?:an?|the) )/i,
  /\b(?:prompt del sistema|modo desarrollador|nuevas instrucciones|ahora eres|act[uú]a como (?:un|una|el|la) )/i,
  // "mark/classify this lead as qualified", "marca este lead como calificado"
  /\b(?:mark|classify|label|set|rate|flag|tag)\b.{0,30}\b(?:qualified|hot lead|high intent|tier)\b/i,
  /\b(?:marca|marcar|clasifica|clasificar|califica|calificar|pon|poner|etiqueta)\b.{0,30}\b(?:calificad[oa]|qualified|lead caliente|alta intenci[oó]n|tier|prioridad m[aá]xima)\b/i,
  /\b(?:tierSuggestion|intent\.level|response schema|json schema)\b/i,
  /<\s*\/?\s*(?:system|instructions?|assistant)\s*>/i,
];

export function looksLikeInstructions(text: string): boolean {
  return PATTERNS.some((p) => p.test(text));
}
