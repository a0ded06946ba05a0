// Summarises a V8 .cpuprofile (node --cpu-prof) of the server under load: self time by package and,
// inclusively, the share of samples spent inside the steps an MCP request goes through.
//   node dist/bench/cpu-profile.js /tmp/prof/CPU….cpuprofile [requests]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, requestsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile.js <file.cpuprofile> [requests]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const requests = requestsArg ? Number(requestsArg) : undefined;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node:internal';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `app:${url.slice(dist + 6).split('/').slice(0, 2).join('/')}`;
  return url;
}

// Steps, matched on any frame of a sample's stack (inclusive time). First match in stack order wins per step.
const STEPS: [string, (frame: ProfileNode['callFrame']) => boolean][] = [
  ['MCP server construction (createServer/new McpServer)', (f) => f.functionName === 'createServer' && f.url.includes('mcp.strategy')],
  ['handler registration (bindRequestHandlers)', (f) => f.functionName === 'bindRequestHandlers'],
  ['transport construction + connect', (f) => (f.functionName === 'connect' && f.url.includes('@modelcontextprotocol')) || f.functionName === 'NodeStreamableHTTPServerTransport' || f.functionName === 'WebStandardStreamableHTTPServerTransport'],
  ['tools/list JSON Schema conversion', (f) => f.functionName === 'toJSONSchema' || f.functionName === 'toJsonSchema'],
  ['guard (passport + bearer strategy)', (f) => f.functionName === 'canActivate' && f.url.includes('mcp-auth.guard')],
  ['  of which access recheck query', (f) => f.functionName === 'load' && f.url.includes('access-recheck')],
  ['tool interceptor', (f) => f.url.includes('tool-execution.interceptor')],
  ['zod parse/validate', (f) => f.url.includes('/zod/') && /parse|run|check/i.test(f.functionName)],
  ['Prisma client + driver adapter', (f) => f.url.includes('@prisma/') || f.url.includes('/pg/') || f.url.includes('pg-protocol')],
  ['JSON.stringify/parse', (f) => f.functionName === 'stringify' || f.functionName === 'parse' && !f.url],
  ['Nest router/pipeline (@nestjs/core)', (f) => f.url.includes('@nestjs/core')],
  ['express', (f) => f.url.includes('/express/') || f.url.includes('/router/') || f.url.includes('body-parser')],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
];

// Self time of node internals and native code (socket writes, microtask runs) charged to the first
// library or app frame above it, which is what caused it.
const attributed = new Map<string, number>();
const callersOf = process.env.CALLERS_OF;
const callers = new Map<string, number>();
const selfByPackage = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  const node = byId.get(profile.samples[i]!)!;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') {
    idle += delta;
    continue;
  }
  total += delta;
  const pkg = packageOf(url, functionName);
  selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + delta);
  const fn = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber}`;
  selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + delta);
  let owner = '(node internals only)';
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!.callFrame;
    const framePackage = packageOf(frame.url, frame.functionName);
    if (framePackage !== 'node:internal' && !framePackage.startsWith('(') && frame.url) {
      owner = framePackage;
      break;
    }
  }
  if (functionName === '(garbage collector)') owner = '(garbage collector)';
  attributed.set(owner, (attributed.get(owner) ?? 0) + delta);
  if (callersOf && functionName === callersOf) {
    const chain: string[] = [];
    for (let id = parent.get(node.id); id !== undefined && chain.length < 8; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      chain.push(`${frame.functionName || '(anon)'}@${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`);
    }
    const key = chain.join(' < ');
    callers.set(key, (callers.get(key) ?? 0) + delta);
  }
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!.callFrame;
    for (const [step, matches] of STEPS) if (!seen.has(step) && matches(frame)) seen.add(step);
  }
  for (const step of seen) inclusive.set(step, (inclusive.get(step) ?? 0) + delta);
}

const ms = (micros: number) => `${(micros / 1000).toFixed(0)} ms`;
const share = (micros: number) => `${((micros / total) * 100).toFixed(1).padStart(5)} %`;
const perRequest = (micros: number) => (requests ? `${(micros / requests).toFixed(1).padStart(7)} µs/req` : '');
console.log(`busy ${ms(total)}, idle/program ${ms(idle)}${requests ? `, ${requests} requests: ${(total / requests).toFixed(0)} µs CPU per request` : ''}`);
console.log('\ninclusive time by step:');
for (const [step] of STEPS) {
  const micros = inclusive.get(step) ?? 0;
  console.log(`  ${step.padEnd(56)} ${share(micros)} ${perRequest(micros)}`);
}
console.log('\nself time charged to the package that caused it (node internals/native → nearest library frame):');
for (const [pkg, micros] of [...attributed].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`  ${pkg.padEnd(56)} ${share(micros)} ${perRequest(micros)}`);
if (callersOf) {
  console.log(`\ncallers of ${callersOf}:`);
  for (const [chain, micros] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${share(micros)} ${chain}`);
}
console.log('\nself time by package:');
for (const [pkg, micros] of [...selfByPackage].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`  ${pkg.padEnd(56)} ${share(micros)} ${perRequest(micros)}`);
console.log('\nself time, top functions:');
for (const [fn, micros] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${fn.slice(0, 90).padEnd(90)} ${share(micros)}`);
