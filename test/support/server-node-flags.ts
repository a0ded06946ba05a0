import { readFileSync } from 'node:fs';

const config = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { config: { serverNodeFlags: string; serverEnv: string } }).config;

/**
 * The Node flags `npm start` runs the server with (package.json `config.serverNodeFlags`), for every other
 * place that starts a server process: the cluster and fault runs and the benchmarks measure that server.
 */
export const SERVER_NODE_FLAGS: string[] = config.serverNodeFlags.split(' ').filter(Boolean);

/**
 * The environment `npm start` adds for the server process (package.json `config.serverEnv`, NAME=value
 * pairs): settings read before any JavaScript runs, such as glibc's malloc tunables.
 */
export const SERVER_ENV: Record<string, string> = Object.fromEntries(
  config.serverEnv
    .split(' ')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
