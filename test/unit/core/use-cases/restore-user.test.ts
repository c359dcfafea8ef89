import { AppError } from '../../../../src/core/errors';
import { findRestorableUser, restoreInsteadOfCreate } from '../../../../src/core/use-cases/restore-user';
import { submitNewUserForm } from '../../../../src/core/use-cases/submit-form';
import { FABRIKAM, codeOf, engineer, errorOf, useCaseWorld, type UseCaseWorld } from '../../../support/use-case-world';

const ada = engineer('ada');
const ben = engineer('ben');

/** A draft for bob.jones@fabrikam.example, whom the world holds as a soft-deleted user (u-bob). */
async function draftForBob(w: UseCaseWorld, userName = 'bob.jones') {
  const form = { customerId: FABRIKAM, firstName: 'Bob', lastName: 'Jones', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' };
  const result = await submitNewUserForm(w.deps, ada.cred, ada.actor, form, { mode: 'personal' });
  if (result.kind !== 'ready') throw new Error('not ready');
  w.world.calls.length = 0;
  return result.request;
}

const bobState = (w: UseCaseWorld) => w.world.users[FABRIKAM].find((u) => u.id === 'u-bob')?.state;

describe('findRestorableUser', () => {
  it('pages through the deleted users only, matching the user name case-insensitively', async () => {
    const w = useCaseWorld();
    w.world.users[FABRIKAM].unshift(
      { id: 'u-d1', userPrincipalName: 'old.one@fabrikam.example', displayName: 'x', state: 'inactive' },
      { id: 'u-d2', userPrincipalName: 'old.two@fabrikam.example', displayName: 'x', state: 'inactive' },
    );
    const request = await draftForBob(w, 'Bob.Jones');
    expect((await findRestorableUser(w.deps, ada.cred, request))?.id).toBe('u-bob');
    const pages = w.callsTo('listUsers');
    expect(pages.map((c) => (c.args[1] as { deleted?: boolean; continuationToken?: string }))).toEqual([{ deleted: true }, { deleted: true, continuationToken: '2' }]);
    expect(pages.every((c) => c.token === 'pc:oid-ada')).toBe(true);
  });

  it('an active user with the name is not restorable', async () => {
    const w = useCaseWorld();
    const request = await draftForBob(w, 'alice.smith');
    expect(await findRestorableUser(w.deps, ada.cred, request)).toBeUndefined();
  });
});

describe('restoreInsteadOfCreate', () => {
  it('restores the deleted user once, ends the request as cancelled with the story in its history, and erases the password', async () => {
    const w = useCaseWorld();
    const request = await draftForBob(w);
    expect(await w.deps.vault.get(request.id)).toBeDefined();

    const { request: after, restored } = await restoreInsteadOfCreate(w.deps, ada.cred, ada.actor, request.id);
    expect(restored?.id).toBe('u-bob');
    expect(bobState(w)).toBe('active');
    expect(after.state).toMatchObject({ kind: 'cancelled', by: { oid: 'oid-ada' } });
    expect(after.history.map((h) => h.event)).toEqual(['drafted', 'restore-started', 'restored-instead']);
    expect((await w.requests.get(request.id))?.value).toEqual(after);
    expect(await w.deps.vault.get(request.id)).toBeUndefined();
    expect(w.callsTo('restoreUser').map((c) => [c.token, c.args])).toEqual([['pc:oid-ada', [FABRIKAM, 'u-bob']]]);

    // A second click (or a second instance answering the same click) restores nothing more.
    const again = await restoreInsteadOfCreate(w.deps, ada.cred, ada.actor, request.id);
    expect(again.restored).toBeUndefined();
    expect(again.request.state.kind).toBe('cancelled');
    expect(w.callsTo('restoreUser')).toHaveLength(1);
  });

  it('only the requester may restore (NOT_REQUESTER); an unknown request is REQUEST_NOT_FOUND', async () => {
    const w = useCaseWorld();
    const request = await draftForBob(w);
    expect(await codeOf(() => restoreInsteadOfCreate(w.deps, ben.cred, ben.actor, request.id))).toBe('NOT_REQUESTER');
    expect(await codeOf(() => restoreInsteadOfCreate(w.deps, ada.cred, ada.actor, '00000000-0000-4000-8000-999999999999'))).toBe('REQUEST_NOT_FOUND');
    expect((await w.requests.get(request.id))?.value.state.kind).toBe('draft');
    expect(w.world.calls).toEqual([]);
  });

  it('USER_NOT_FOUND when nobody deleted holds the name any more; MFA_REQUIRED without MFA; the draft stays as it was', async () => {
    const w = useCaseWorld();
    const request = await draftForBob(w);
    const before = await w.requests.get(request.id);

    w.world.withoutMfa.add('oid-ada');
    expect(await codeOf(() => restoreInsteadOfCreate(w.deps, ada.cred, ada.actor, request.id))).toBe('MFA_REQUIRED');
    w.world.withoutMfa.clear();

    w.world.users[FABRIKAM] = w.world.users[FABRIKAM].filter((u) => u.id !== 'u-bob');
    expect(await codeOf(() => restoreInsteadOfCreate(w.deps, ada.cred, ada.actor, request.id))).toBe('USER_NOT_FOUND');

    expect(await w.requests.get(request.id)).toEqual(before);
    expect(await w.deps.vault.get(request.id)).toBeDefined();
    expect(w.callsTo('restoreUser')).toEqual([]);
  });

  it('a request that is no longer a draft is returned as it is, and nothing is restored', async () => {
    const w = useCaseWorld();
    const request = await draftForBob(w);
    const { value, etag } = (await w.requests.get(request.id))!;
    await w.requests.update({ ...value, state: { kind: 'cancelled', by: ada.actor, at: value.createdAt } }, etag);
    const result = await restoreInsteadOfCreate(w.deps, ada.cred, ada.actor, request.id);
    expect(result.restored).toBeUndefined();
    expect(result.request.history.map((h) => h.event)).toEqual(['drafted']);
    expect(w.world.calls).toEqual([]);
    expect(bobState(w)).toBe('inactive');
  });

  it('a restore Partner Center refuses: the error code with the correlation id, and the request ended with "restore-failed"', async () => {
    const w = useCaseWorld();
    const request = await draftForBob(w);
    w.world.failNext.restoreUser = new AppError('PARTNER_CENTER_UNAVAILABLE', '503', { httpStatus: 503, upstreamCode: '3000', retryable: true });
    const error = await errorOf(() => restoreInsteadOfCreate(w.deps, ada.cred, ada.actor, request.id));
    expect([error.code, error.correlationId]).toEqual(['PARTNER_CENTER_UNAVAILABLE', request.correlationId]);
    const after = (await w.requests.get(request.id))!.value;
    expect(after.state.kind).toBe('cancelled');
    expect(after.history.map((h) => [h.event, h.detail])).toEqual([
      ['drafted', undefined],
      ['restore-started', 'deleted user u-bob'],
      ['restore-failed', 'PARTNER_CENTER_UNAVAILABLE 3000'],
    ]);
    expect(bobState(w)).toBe('inactive');
  });
});
