// Used by share_skill when the organization has no marketplace yet.
export const DEFAULT_MARKETPLACE = { name: 'default', description: 'Plugins shared with the organization.' };
