import { readFileSync } from 'node:fs';

/**
 * The Node flags `npm start` runs the server with (package.json `config.serverNodeFlags`), for every other
 * place that starts a server process: the cluster and fault runs and the benchmarks measure that server.
 */
export const SERVER_NODE_FLAGS: string[] = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { config: { serverNodeFlags: string } }
).config.serverNodeFlags
  .split(' ')
  .filter(Boolean);
