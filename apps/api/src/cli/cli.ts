import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, DomainError, EmbeddedDatabaseBusyError, loadConfig } from '@app/shared';
import { UsageError } from './arguments.js';
import { CliModule } from './cli.module.js';
import { commands } from './commands.js';

// Exit codes: 0 done, 1 refused (bad input, conflict, busy database), 2 usage. A refusal is one line on
// stderr, never a stack trace: the person at the terminal needs the reason and what to do, not our internals.
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    if (name) {
      console.error(`Unknown command "${name}". Commands: ${Object.keys(commands).join(', ')} (npm run cli -- <command>).`);
    } else {
      console.error('Usage: npm run cli -- <command>\n');
      for (const c of Object.values(commands)) console.error(`  ${c.usage}`);
    }
    return 2;
  }
  let app;
  let started = false;
  try {
    const config = loadConfig();
    // Nest's own logger would print a stack trace for a refusal raised while the app starts (a busy
    // embedded database); every failure is reported below, once.
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
    started = true;
    await command.run(app, args, (line) => console.log(line));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message} Usage: npm run cli -- ${command.usage}`);
      return 2;
    }
    if (error instanceof DomainError) {
      console.error(`Error (${error.code}): ${error.message}${error.hint ? ` ${error.hint}` : ''}`);
      return 1;
    }
    if (error instanceof ConfigError || error instanceof EmbeddedDatabaseBusyError) {
      console.error(error.message);
      return 1;
    }
    console.error(started ? `Unexpected failure: ${oneLine(error)}` : `Could not open the database: ${oneLine(error)}`);
    return 1;
  } finally {
    await app?.close().catch(() => undefined);
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').slice(0, 500);
}

process.exitCode = await main(process.argv.slice(2));
