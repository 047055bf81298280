/** `mgops users …` and `mgops tokens …`: manage dashboard users and API tokens in the data folder. */
import type { Config } from '../config/schema.js';
import { openStore } from '../storage/index.js';
import { isRole, ROLES } from './roles.js';
import { Users } from './users.js';

export async function usersCommand(cmd: 'users' | 'tokens', sub: string | undefined, values: Record<string, string | boolean | undefined>, config: Config, dataDir: string): Promise<void> {
  const store = await openStore(config, dataDir);
  try {
    const users = new Users(store);
    const name = values.name;
    const role = values.role;
    if (sub === 'list' && cmd === 'users') {
      for (const u of await users.list()) console.log(`${u.name}\t${u.role}\t${new Date(u.createdAt).toISOString()}`);
      return;
    }
    if (sub !== 'create') throw new Error(`unknown ${cmd} command '${sub ?? ''}' (create${cmd === 'users' ? ', list' : ''})`);
    if (typeof name !== 'string') throw new Error(`${cmd} create needs --name N`);
    if (!isRole(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
    if (cmd === 'tokens') {
      const { id, token } = await users.createToken(name, role);
      console.error(`created API token ${id} (${role}) for ${name}; it is shown once — send it as "Authorization: Bearer <token>":`);
      console.log(token);
      return;
    }
    const password = await users.upsert(name, role, typeof values.password === 'string' ? values.password : undefined);
    if (typeof values.password === 'string') console.log(`user ${name} (${role}) saved`);
    else {
      console.error(`user ${name} (${role}) saved; one-time password (shown once):`);
      console.log(password);
    }
  } finally {
    await store.close();
  }
}
