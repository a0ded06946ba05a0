import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, DomainError, EmbeddedDatabaseBusyError, loadConfig } from '@app/shared';
import { UsageError } from './arguments.js';
import { CliModule } from './cli.module.js';
import { commands } from './commands.js';

// Exit codes: 0 done, 1 refused (bad input, conflict, busy database), 2 usage.
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(`${name ? `Unknown command "${name}". ` : ''}Usage: npm run cli -- <command>\n`);
    for (const c of Object.values(commands)) console.error(`  ${c.usage}`);
    return 2;
  }
  let app;
  try {
    const config = loadConfig();
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error'], abortOnError: false });
    await command.run(app, args, (line) => console.log(line));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\nUsage: npm run cli -- ${command.usage}`);
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
    console.error('Unexpected failure:', error);
    return 1;
  } finally {
    await app?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
