export function normalizeTeamDescription(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : raw.trim().slice(0, 1000);
}
