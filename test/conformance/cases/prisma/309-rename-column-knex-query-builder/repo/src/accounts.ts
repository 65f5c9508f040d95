import { knex } from './db';

export async function accountCard(id: number) {
  return knex('accounts')
    .select('id', 'email', 'display_name')
    .where({ id })
    .first();
}
