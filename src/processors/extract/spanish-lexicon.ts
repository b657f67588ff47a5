// A small curated Spanish valence lexicon (AFINN-style, −5..5) for chat
// sentiment: no maintained Spanish lexicon ships on npm, and `sentiment`
// bundles English only. Words are folded (no accents, lower case) because the
// text is folded before scoring. Covers sales-chat vocabulary, not literature.
export const SPANISH_LEXICON: Record<string, number> = {
  // positive
  gracias: 2, graciass: 2, agradezco: 2, agradecido: 2, agradecida: 2, excelente: 3, excelentes: 3, genial: 3,
  perfecto: 3, perfecta: 3, bueno: 2, buena: 2, buenos: 1, buenas: 1, bien: 2, muybien: 3, maravilloso: 4, maravillosa: 4,
  increible: 3, fantastico: 4, fantastica: 4, encanta: 3, encanto: 3, encantado: 3, encantada: 3, feliz: 3, contento: 2,
  contenta: 2, satisfecho: 2, satisfecha: 2, interesante: 2, interesa: 1, util: 2, rapido: 1, rapida: 1, facil: 1,
  amable: 2, amables: 2, super: 2, chevere: 2, bacano: 2, lindo: 2, linda: 2, hermoso: 3, hermosa: 3, recomendado: 2,
  recomiendo: 2, calidad: 1, listo: 1, lista: 1, dale: 1, ok: 1, vale: 1, claro: 1, exito: 3, ganar: 2, mejor: 2,
  mejores: 2, confiable: 2, confianza: 2, seguro: 1, bendiciones: 2, saludos: 1, gusto: 2, gustaria: 1, excelencia: 3,
  // negative
  malo: -3, mala: -3, malos: -3, malas: -3, mal: -2, pesimo: -4, pesima: -4, terrible: -4, horrible: -4, fatal: -3,
  caro: -2, cara: -1, caros: -2, costoso: -2, problema: -2, problemas: -2, queja: -3, reclamo: -3, estafa: -5,
  fraude: -5, robo: -4, enojado: -3, enojada: -3, molesto: -3, molesta: -3, furioso: -4, decepcionado: -3,
  decepcionada: -3, decepcion: -3, triste: -2, lento: -2, lenta: -2, tarde: -1, demora: -2, demorado: -2, atraso: -2,
  atrasado: -2, roto: -3, rota: -3, danado: -3, danada: -3, defectuoso: -3, defectuosa: -3, falla: -2, fallas: -2,
  error: -2, errores: -2, nunca: -1, jamas: -2, peor: -3, dificil: -1, imposible: -2, preocupado: -2, preocupada: -2,
  cancelar: -1, devolver: -1, reembolso: -2, lamentable: -3, verguenza: -3, basura: -4, mentira: -3, mentiras: -3,
  engano: -4, ignoran: -2, ignorado: -2, nadie: -1, urgente: -1, desastre: -4, odio: -4, cansado: -2, harto: -3, harta: -3,
};

/** Words that flip the valence of the next word ("no es bueno", "nada bueno"). */
export const SPANISH_NEGATORS = new Set(['no', 'nunca', 'ni', 'tampoco', 'sin', 'jamas', 'nada', 'poco']);

/** Emoji valence, shared by both languages. */
export const EMOJI_VALENCE: Record<string, number> = {
  '👍': 2, '👌': 2, '🙏': 1, '😊': 2, '🙂': 1, '😀': 2, '😁': 2, '😃': 2, '😄': 2, '😍': 3, '🥰': 3, '❤': 3, '❤️': 3,
  '💯': 2, '🔥': 1, '👏': 2, '🤝': 2, '😉': 1,
  '👎': -2, '😡': -4, '😠': -3, '🤬': -4, '😞': -2, '😢': -2, '😭': -3, '😤': -2, '🙄': -2, '😒': -2, '💩': -3,
};
