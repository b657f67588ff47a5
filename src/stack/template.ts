/**
 * Fills `${NAME}` placeholders. A placeholder without a value is an error, not an empty string:
 * a connector registered with `database.hostname=""` fails much later and much less clearly.
 */
export function renderTemplate(text: string, vars: Record<string, string | number>): string {
  const missing = new Set<string>();
  const out = text.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) {
      missing.add(name);
      return '';
    }
    return String(v);
  });
  if (missing.size > 0) throw new Error(`template placeholders without a value: ${[...missing].join(', ')}`);
  return out;
}

/** The `${NAME}` placeholders a template uses. */
export function templatePlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!))];
}
