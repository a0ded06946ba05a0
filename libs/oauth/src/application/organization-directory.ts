export interface OrganizationChoice {
  id: string;
  name: string;
  slug: string;
}

/**
 * The organizations a user belongs to. A port: the members context owns memberships (and imports this
 * context), so the application wires its OrganizationsService in here instead of an import cycle.
 */
export abstract class OrganizationDirectory {
  abstract listForUser(userId: string): Promise<{ role: string; organization: OrganizationChoice }[]>;
}
