// Creates an operator (docs/OPERATORS.md): the first admin of a fresh install, or any operator from a shell.
//   npm run users:create -- --email ops@example.com --role admin                  (asks for the password)
//   printf '%s' "$PASSWORD" | npm run users:create -- --email ops@example.com --password-stdin
// Roles: admin, operator, viewer (default admin). The password is never echoed, logged or audited.
import 'reflect-metadata';
import { randomUUID } from 'crypto';
import { createInterface } from 'readline';
import { loadEnv } from '@conduit/config';
import { hashPassword } from '@conduit/custody';
import { audit, createDataSource, first, OPERATOR_ROLES, OperatorRole } from '@conduit/db';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks twice on the terminal without echoing. */
async function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  muted._writeToOutput = (s: string) => {
    if (s.startsWith(question)) muted.output.write(question);
  };
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function main() {
  const email = arg('email')?.trim().toLowerCase();
  const role = (arg('role') ?? 'admin') as OperatorRole;
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error('--email <address> is required');
  if (!OPERATOR_ROLES.includes(role)) throw new Error(`--role must be one of ${OPERATOR_ROLES.join(', ')}`);
  let password: string;
  if (process.argv.includes('--password-stdin')) password = await readStdin();
  else {
    if (!process.stdin.isTTY) throw new Error('no terminal to ask the password on: pipe it with --password-stdin');
    password = await prompt('Password: ');
    if ((await prompt('Again: ')) !== password) throw new Error('the passwords differ');
  }
  if (password.length < 12 || password.length > 256) throw new Error('the password must be 12 to 256 characters');

  const env = loadEnv();
  const hash = await hashPassword(password);
  const ds = await createDataSource(env.DATABASE_URL, { extra: { max: 1 } }).initialize();
  try {
    const user = await ds.transaction(async (em) => {
      const row = await first<{ id: string }>(
        em,
        `INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id`,
        [email, hash, role],
      );
      if (!row) throw new Error(`${email} is already an operator`);
      await audit(em, 'v3.operator.created', 'user', row.id, { email, role, by: 'users:create' }, randomUUID());
      return row;
    });
    console.log(`created ${role} ${email} (${user.id}); sign in at POST /api/v3/operators/login`);
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => {
  console.error(`users:create failed: ${e.message}`);
  process.exit(1);
});
