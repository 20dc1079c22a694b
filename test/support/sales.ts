import type { RaffleRulesInput } from '../../src/raffle/raffle-rules.js';
import type { TestApp } from './app.js';
import { idempotencyKey, raffleDraft } from './factories.js';

export type Headers = Record<string, string>;

/** Creates a raffle from a draft and opens its sales; returns the raffle as the API shows it. */
export async function openRaffle(t: TestApp, admin: Headers, overrides: Partial<RaffleRulesInput> = {}) {
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/raffles',
    payload: raffleDraft(overrides),
    headers: admin,
  });
  if (created.statusCode !== 201) throw new Error(`create raffle: ${created.statusCode} ${created.body}`);
  const opened = await t.app.inject({
    method: 'POST',
    url: `/v1/raffles/${created.json().id}/open`,
    headers: admin,
  });
  if (opened.statusCode !== 200) throw new Error(`open raffle: ${opened.statusCode} ${opened.body}`);
  return opened.json() as { id: string } & RaffleRulesInput;
}

/** A cash sale at a POS whose seller checked the buyer's age (PLY-2: Ontario and Washington require it). */
export const posCash = {
  packageId: 'one',
  channel: 'POS',
  paymentMethod: 'cash',
  deviceId: 'pos-01',
  ageChecked: true,
};

/** POST an order through inject, with a fresh Idempotency-Key unless one is given. */
export function order(
  t: TestApp,
  raffleId: string,
  headers: Headers,
  body: object = posCash,
  key = idempotencyKey(),
) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/raffles/${raffleId}/orders`,
    payload: body,
    headers: { ...headers, 'idempotency-key': key },
  });
}

export async function summary(t: TestApp, raffleId: string, headers: Headers) {
  const response = await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffleId}/sales`, headers });
  if (response.statusCode !== 200) throw new Error(`sales summary: ${response.statusCode} ${response.body}`);
  return response.json();
}
