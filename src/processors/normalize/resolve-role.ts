// sendable_type (Laravel's polymorphic class name) → who is speaking.
import type { Role } from '../../records/normalized-message.js';

export type RoleResolver = (sendableType: string | null) => Role;

export function createRoleResolver(roleMap: Record<string, Role>, defaultRole: Role): RoleResolver {
  // Exact class names first; then the class basename, case-insensitively, so
  // that `App\Models\Customer` in the map also matches `Customer` (morph-map
  // aliases) and a `Modules\Crm\Models\Customer` namespace.
  const exact = new Map(Object.entries(roleMap));
  const byBase = new Map<string, Role>();
  for (const [type, role] of exact) {
    const base = basename(type);
    if (!byBase.has(base)) byBase.set(base, role);
  }
  return (sendableType) => {
    if (!sendableType) return defaultRole;
    return exact.get(sendableType) ?? byBase.get(basename(sendableType)) ?? defaultRole;
  };
}

function basename(type: string): string {
  const i = type.lastIndexOf('\\');
  return (i >= 0 ? type.slice(i + 1) : type).toLowerCase();
}
