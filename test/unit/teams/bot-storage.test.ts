import { MemoryKeyValueStore } from '../../../src/storage/key-value-store';
import { KeyValueBotStorage } from '../../../src/teams/bot-storage';

describe("KeyValueBotStorage (botbuilder's Storage over the bot's store)", () => {
  it('reads back what was written, with an eTag; a stale eTag is refused; * overwrites; delete removes', async () => {
    const storage = new KeyValueBotStorage(new MemoryKeyValueStore());
    await storage.write({ 'msteams/bot/conversations/c1': { count: 1 } });
    const first = await storage.read(['msteams/bot/conversations/c1', 'missing']);
    expect(Object.keys(first)).toEqual(['msteams/bot/conversations/c1']);
    const item = first['msteams/bot/conversations/c1'];
    expect(item.count).toBe(1);
    expect(typeof item.eTag).toBe('string');

    await storage.write({ 'msteams/bot/conversations/c1': { ...item, count: 2 } });
    await expect(storage.write({ 'msteams/bot/conversations/c1': { ...item, count: 3 } })).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
    await storage.write({ 'msteams/bot/conversations/c1': { count: 4, eTag: '*' } });
    const after = (await storage.read(['msteams/bot/conversations/c1']))['msteams/bot/conversations/c1'];
    expect(after.count).toBe(4);
    expect(after).not.toHaveProperty('value');

    await storage.delete(['msteams/bot/conversations/c1']);
    expect(await storage.read(['msteams/bot/conversations/c1'])).toEqual({});
  });
});
