/** A client-generated id for idempotent commands (`ClientId`: 8-64 of [A-Za-z0-9_-]). */
export function newClientId(): string {
  // randomUUID exists only in secure contexts; a Hovor server on plain http still needs ids.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}
