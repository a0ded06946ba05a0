// Resolves `@app/<context>` to the compiled library entry, so dist runs without path rewriting.
import { registerHooks } from 'node:module';

const libs = new URL('../dist/libs/', import.meta.url);
const contextImport = /^@app\/([a-z0-9-]+)$/;
// Packages that ship both a CommonJS and an ES module build. @rekog/mcp-nest require()s them while the
// app imports them, and Node would then hold two copies of each (two MCP SDKs, two zods: about 10 MB of
// heap and their schemas built twice). require() of them gets the ES module build too (Node ≥ 22.12
// loads ES modules synchronously from require).
const dualBuild = /^(zod|@modelcontextprotocol\/(server|core|node))(\/|$)/;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const match = contextImport.exec(specifier);
    if (match) return nextResolve(new URL(`${match[1]}/src/index.js`, libs).href, context);
    if (dualBuild.test(specifier) && context.conditions.includes('require')) {
      return nextResolve(specifier, { ...context, conditions: context.conditions.map((condition) => (condition === 'require' ? 'import' : condition)) });
    }
    return nextResolve(specifier, context);
  },
});
