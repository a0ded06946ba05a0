import type { PGlite } from '@electric-sql/pglite';
import type { Statement } from './database.js';

type PGliteModule = typeof import('@electric-sql/pglite');

function concat(parts: Uint8Array[]): Uint8Array {
  const message = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  return message;
}

/**
 * Named prepared statements on PGlite, which `pglite.query` does not offer: it parses and plans every
 * statement anew, and planning the access recheck's seven-table join in WebAssembly costs ~3 ms, against
 * ~0.25 ms to execute it prepared. Each statement is parsed (and its parameter types described) once per
 * database; every run is one Bind/Describe/Execute/Sync exchange. Runs behind the same two locks as
 * `pglite.query`, so a statement never lands inside a transaction the ORM holds open on the one session.
 */
export function pgliteStatements(pglite: PGlite, { parse, protocol: { serialize } }: Pick<PGliteModule, 'parse' | 'protocol'>) {
  const parameterTypes = new Map<string, number[]>();
  const exchange = async (parts: Uint8Array[]) => (await pglite.execProtocol(concat(parts))).messages;

  return <T>(statement: Statement, values: unknown[]): Promise<T[]> =>
    pglite._runExclusiveTransaction(() =>
      pglite._runExclusiveQuery(async () => {
        let types = parameterTypes.get(statement.name);
        if (!types) {
          const described = await exchange([serialize.parse({ name: statement.name, text: statement.text, types: [] }), serialize.describe({ type: 'S', name: statement.name }), serialize.sync()]);
          types = parse.parseDescribeStatementResults(described);
          parameterTypes.set(statement.name, types);
        }
        const parameters = values.map((value, index) => {
          if (value === null || value === undefined) return null;
          const serializer = pglite.serializers[types[index]!];
          return serializer ? serializer(value) : String(value);
        });
        const messages = await exchange([serialize.bind({ statement: statement.name, values: parameters }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
        return parse.parseResults(messages, pglite.parsers)[0]!.rows as T[];
      }),
    );
}
