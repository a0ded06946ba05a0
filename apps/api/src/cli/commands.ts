import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { AccountsService, SessionsService } from '@app/identity';
import { SigningKeysService } from '@app/keys';
import { OutboxListing } from '@app/mail';
import { AlreadyMemberError, OrganizationsService } from '@app/members';
import { optionalInteger, parseFlags, required } from './arguments.js';

type Print = (line: string) => void;

export interface Command {
  usage: string;
  run(app: INestApplicationContext, args: string[], print: Print): Promise<void>;
}

const DEMO_ORG_SLUG = 'acme-demo';
const demoPassword = () => `demo-${randomBytes(9).toString('base64url')}`;

export const commands: Record<string, Command> = {
  'db:migrate': {
    usage: 'db:migrate',
    // Opening the database applies pending migrations; nothing else to do.
    async run(_app, args, print) {
      parseFlags(args, []);
      print('Database schema is up to date.');
    },
  },
  'users:create': {
    usage: 'users:create --email E --password P --name N',
    async run(app, args, print) {
      const flags = parseFlags(args, ['email', 'password', 'name']);
      const account = await app.get(AccountsService).register({
        email: required(flags, 'email'),
        password: required(flags, 'password'),
        name: required(flags, 'name'),
        // An operator creating the account vouches for the address.
        verified: true,
      });
      print(`Created user ${account.email} (id ${account.id}).`);
    },
  },
  'orgs:create': {
    usage: 'orgs:create --name N --owner E [--seats N] [--plan P] [--allowed-domains a.com,b.com]',
    async run(app, args, print) {
      const flags = parseFlags(args, ['name', 'owner', 'seats', 'plan', 'allowed-domains']);
      const org = await app.get(OrganizationsService).create({
        name: required(flags, 'name'),
        ownerEmail: required(flags, 'owner'),
        seats: optionalInteger(flags, 'seats'),
        plan: flags.plan,
        allowedDomains: flags['allowed-domains']?.split(','),
      });
      print(`Created organization "${org.name}" (slug ${org.slug}, id ${org.id}, plan ${org.plan}, ${org.seatLimit} seats).`);
    },
  },
  'orgs:add-member': {
    usage: 'orgs:add-member --org SLUG --email E --role owner|admin|member',
    async run(app, args, print) {
      const flags = parseFlags(args, ['org', 'email', 'role']);
      const membership = await app.get(OrganizationsService).addMember({
        orgSlug: required(flags, 'org'),
        email: required(flags, 'email'),
        role: required(flags, 'role'),
      });
      print(`Added ${flags.email} to ${flags.org} as ${membership.role} (membership ${membership.id}).`);
    },
  },
  'sessions:revoke': {
    usage: 'sessions:revoke --email E',
    async run(app, args, print) {
      const flags = parseFlags(args, ['email']);
      const account = await app.get(AccountsService).getByEmail(required(flags, 'email'));
      const count = await app.get(SessionsService).revokeAll(account.id);
      print(`Revoked ${count} session(s) of ${account.email}; their MCP access ends at the next request.`);
    },
  },
  'keys:rotate': {
    usage: 'keys:rotate',
    async run(app, args, print) {
      parseFlags(args, []);
      const { retired, active } = await app.get(SigningKeysService).forceRotation();
      print(`New signing key ${active}.`);
      if (retired.length) print(`Stopped signing with ${retired.join(', ')}; published in the JWKS for 1 more hour so tokens they signed keep verifying.`);
    },
  },
  'mail:outbox': {
    usage: 'mail:outbox [--limit N]',
    async run(app, args, print) {
      const flags = parseFlags(args, ['limit']);
      const entries = await app.get(OutboxListing).recent(optionalInteger(flags, 'limit') ?? 20);
      if (entries.length === 0) return print('The outbox is empty.');
      for (const entry of entries) {
        print(`${entry.createdAt.toISOString()}  ${entry.status.padEnd(7)}  ${entry.to}  "${entry.subject}"`);
        if (entry.link) print(`    link: ${entry.link}`);
        if (entry.lastReply) print(`    ${entry.status === 'sent' ? 'server' : 'last reply'} (attempt ${entry.attempts}): ${entry.lastReply}`);
      }
    },
  },
  'seed:demo': {
    usage: 'seed:demo',
    async run(app, args, print) {
      parseFlags(args, []);
      const accounts = app.get(AccountsService);
      const orgs = app.get(OrganizationsService);
      const people = [
        { email: 'alice@acme.example', name: 'Alice Owner', role: 'owner' },
        { email: 'priya@acme.example', name: 'Priya Patel', role: 'member' },
        { email: 'sam@acme.example', name: 'Sam Admin', role: 'admin' },
      ];
      // Re-runnable: existing demo accounts get fresh passwords, the demo organization is reused.
      const credentials: string[] = [];
      for (const person of people) {
        const password = demoPassword();
        const existing = await accounts.findByEmail(person.email);
        if (existing) await accounts.setPassword(existing.id, password);
        else await accounts.register({ email: person.email, password, name: person.name, verified: true });
        credentials.push(`  ${person.email.padEnd(22)} ${password.padEnd(20)} ${person.role}`);
      }
      const org =
        (await orgs.findBySlug(DEMO_ORG_SLUG)) ??
        (await orgs.create({ name: 'Acme Demo', ownerEmail: people[0]!.email, seats: 10, plan: 'team', allowedDomains: ['acme.example'] }));
      for (const person of people.slice(1)) {
        await orgs.addMember({ orgSlug: org.slug, email: person.email, role: person.role }).catch((error: unknown) => {
          if (!(error instanceof AlreadyMemberError)) throw error;
        });
      }
      print(`Demo organization "${org.name}" (slug ${org.slug}) with ${people.length} members. Sign in with:`);
      print(`  ${'email'.padEnd(22)} ${'password'.padEnd(20)} role`);
      credentials.forEach((line) => print(line));
    },
  },
};
