import type { TurnContext } from 'botbuilder';
import { TurnOnlyState } from '../../../src/teams/turn-only-state';

/** teams-ai's turn state held for one turn: nothing to load, nothing saved, and a write to a kept scope fails loudly. */
describe('TurnOnlyState', () => {
  const ctx = { activity: { channelId: 'msteams', recipient: { id: '28:bot' }, conversation: { id: 'a:1' }, from: { id: '29:ada' } } } as unknown as TurnContext;

  it('loads empty scopes without a store, and saves an untouched turn (temp included) without complaint', async () => {
    const state = new TurnOnlyState();
    await state.load(ctx);
    expect([state.conversation, state.user]).toEqual([{}, {}]);
    state.temp.input = 'help';
    state.temp.actionOutputs = {};
    await expect(state.save()).resolves.toBeUndefined();
  });

  it.each(['conversation', 'user'] as const)('a value put in state.%s makes the save fail instead of being lost', async (scope) => {
    const state = new TurnOnlyState();
    await state.load(ctx);
    (state[scope] as Record<string, unknown>).pendingRequest = 'r-1';
    await expect(state.save()).rejects.toThrow(`teams-ai ${scope} state is not kept`);
  });
});
