import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotHarness, cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { BotProcess } from '../../support/bot-process';
import { freePort } from '../../support/free-port';
import { errorCodeOf } from '../../support/card-error-code';

/**
 * `npm start` as a newcomer runs it (issue 11): the bot process with its embedded sandbox, the embedded SQLite
 * store and the development keys in DATA_DIR, automatic sandbox sign-in. Stopped and started again on the same
 * DATA_DIR, it must still sign the person in and create users.
 */
class NpmStart extends BotHarness {
  bot?: BotProcess;
  private sandboxPort = 0;

  constructor(readonly dataDir: string) {
    super();
  }

  override async start(): Promise<this> {
    await this.connector.start();
    return this;
  }

  async launch(name: string): Promise<BotProcess> {
    // A function: a start that finds a port taken is tried again with a fresh sandbox port too.
    this.bot = await BotProcess.start(name, async () => ({
      SANDBOX_PORT: String((this.sandboxPort = await freePort())),
      DATA_DIR: this.dataDir,
      STORAGE: 'sqlite',
      SANDBOX_EMBEDDED: 'true',
      PLAYGROUND: 'false',
      LOG_LEVEL: 'info',
      HTTP_MAX_RETRIES: '0',
      DUE_WORK_POLL_MS: '200',
    }));
    return this.bot;
  }

  override async stop(): Promise<void> {
    if (this.bot?.alive) await this.bot.kill();
    await this.connector.stop();
  }

  override get sandboxUrl(): string {
    return `http://127.0.0.1:${this.sandboxPort}`;
  }

  override get botUrl(): string {
    return this.bot!.url;
  }

  /** The user asked for exists in Partner Center (the creation runs after the click's answer). */
  async create(user: TeamsUser, userName: string): Promise<void> {
    const requestId = await this.reviewNewUser(user, userName);
    const card = invokeCard(await this.execute(user, 'create', { requestId }));
    expect(errorCodeOf(card)).toBeUndefined();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const state = await this.sandboxState();
      if (state.users[FABRIKAM].some((u) => u.userPrincipalName === `${userName}@fabrikam.example`)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${userName} was not created`);
  }
}

const refusedLine = (bot: BotProcess) => bot.logs().some((l) => l.msg === 'kept SSO session refused by the identity platform; dropped, signing in again');
const exchangeFailed = (bot: BotProcess) => bot.logs().some((l) => l.code === 'TOKEN_EXCHANGE_FAILED');

describe('npm start twice on one DATA_DIR: sign-in and creation keep working', () => {
  const h = new NpmStart(mkdtempSync(join(tmpdir(), 'npm-start-twice-')));
  let ada: TeamsUser;

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('the second start signs Ada in with the kept session (same sandbox key) and creates a second user', async () => {
    await h.launch('first');
    ada = await h.teamsUser('ada@contoso-partner.example');
    await h.create(ada, 'restart.one');
    expect(await h.bot!.terminate()).toBe(0);

    const second = await h.launch('second');
    await h.create(ada, 'restart.two');
    // The kept session was still valid: the sandbox kept its signing key in DATA_DIR.
    expect(refusedLine(second)).toBe(false);
    expect(exchangeFailed(second)).toBe(false);
    expect(await h.bot!.terminate()).toBe(0);
  }, 180_000);

  it('even when the identity provider no longer accepts the kept session, the next start drops it and signs in afresh', async () => {
    // What Entra does to an expired or revoked assertion, here by a new signing key: AADSTS50013 for the session.
    rmSync(join(h.dataDir, 'sandbox-signing-key.json'));
    const third = await h.launch('third');
    await h.create(ada, 'restart.three');
    expect(refusedLine(third)).toBe(true);
    expect(await h.bot!.terminate()).toBe(0);
  }, 120_000);
});
