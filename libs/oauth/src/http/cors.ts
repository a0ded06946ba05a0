import type { Response } from 'express';

// Browser-based MCP clients call discovery, registration, token and revocation cross-origin. These
// endpoints take no cookies, so allowing any origin grants nothing that a native client lacks.
export function allowAnyOrigin(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, MCP-Protocol-Version');
  res.setHeader('Access-Control-Max-Age', '600');
}
