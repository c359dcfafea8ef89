/**
 * The review turn (submitForm → confirmation card) alone, to work on it: the echo bot's message turn and the
 * review turn measured alternately in rounds, CPU per turn from /proc as `npm run bench` reads it, and optionally
 * a CPU profile of the review turns only. Run after `npm run build`:
 *
 *   node -r ts-node/register/transpile-only scripts/bench/review-turn.ts [rounds] [turns a round]
 *
 * REVIEW_BOT_ROOT=<dir>: a second compiled bot (its dist/, cards/ and node_modules/) measured in the same rounds,
 * e.g. a copy of main's build, so a change is compared with its base in the same minute on a shared machine.
 * REVIEW_PROFILE=<file>: a .cpuprofile of the review turns of the (first) bot.
 * REVIEW_WHOLE=true: whole requests instead of reviews (see below).
 * REVIEW_INTERLEAVE=true: with REVIEW_BOT_ROOT, the two bots measured turn by turn instead of round by round.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { SANDBOX_IDENTITY } from '../../src/config';
import { BotFrameworkIssuer } from '../../test/support/bot-framework-issuer';
import { freePort } from '../../test/support/free-port';
import { RecordingConnector } from '../../test/support/recording-connector';
import { cardOfAnswer, Driver, FABRIKAM, form, userName, wholeRequest, writtenIntoMessage, type Engineer } from './driver';
import { Child, sandboxBotEnv, teamsAuthEnv } from './processes';

const ROOT = join(__dirname, '..', '..');
const ROUNDS = Number(process.argv[2] ?? 5);
const PER_ROUND = Number(process.argv[3] ?? 40);
const OTHER = process.env.REVIEW_BOT_ROOT;
const BOT_ID = SANDBOX_IDENTITY.botId;
const APP_TOKEN = `bench-app-token-${randomUUID()}`;
const say = (s: string) => process.stdout.write(`${s}\n`);
let recording = false;

async function main(): Promise<void> {
  const connector = new RecordingConnector();
  await connector.start();
  const issuer = await new BotFrameworkIssuer().start();
  const bearer = await issuer.token(BOT_ID, connector.url, { expiresInSeconds: 3 * 3600 });
  const children: Child[] = [];
  process.on('exit', () => children.forEach((c) => c.alive && c.proc.kill('SIGKILL')));
  try {
    const sandboxPort = await freePort();
    const sandbox = Child.start('sandbox', [join(ROOT, 'dist/scripts/bench/fixtures/sandbox.js')], { SANDBOX_PORT: String(sandboxPort), BENCH_ENGINEERS: '4' });
    children.push(sandbox);
    const sandboxUrl = await sandbox.listeningUrl();
    const key = randomBytes(32).toString('hex');
    const startBot = async (root: string) => {
      const port = await freePort();
      const env = sandboxBotEnv({ sandboxPort, port, dataDir: mkdtempSync(join(tmpdir(), 'review-bench-')), key, metadataUrl: issuer.metadataUrl, appToken: APP_TOKEN });
      // Each build with its own preload: it patches the modules of its own node_modules (the app token, the counters).
      const bot = Child.start(`bot ${root}`, [...(process.env.REVIEW_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--expose-gc', '-r', join(root, 'dist/scripts/bench/fixtures/bot-preload.js'), join(root, 'dist/src/main.js')], env, true);
      children.push(bot);
      // REVIEW_BOT_STDOUT=<file>: the bot's output from the measured rounds on (e.g. with --trace-opt/--trace-deopt).
      bot.onLine = process.env.REVIEW_BOT_STDOUT ? (l) => recording && appendFileSync(process.env.REVIEW_BOT_STDOUT!, `${l}\n`) : () => undefined;
      await bot.waitReady(`http://127.0.0.1:${port}/healthz`, performance.now());
      return { bot, d: new Driver(`http://127.0.0.1:${port}`, sandboxUrl, connector, bearer), root };
    };
    const bots = [await startBot(ROOT), ...(OTHER ? [await startBot(OTHER)] : [])];
    const echoPort = await freePort();
    const echo = Child.start('echo bot', ['-r', join(ROOT, 'dist/scripts/bench/fixtures/bot-preload.js'), join(ROOT, 'dist/scripts/bench/fixtures/echo-bot.js')], { PORT: String(echoPort), ECHO_HTTP: 'node', ...teamsAuthEnv(issuer.metadataUrl, APP_TOKEN) }, true);
    children.push(echo);
    await echo.waitReady(`http://127.0.0.1:${echoPort}/healthz`, performance.now());
    const echoDriver = new Driver(`http://127.0.0.1:${echoPort}`, sandboxUrl, connector, bearer);

    const engineer: Engineer = await bots[0].d.engineer('engineer0001@contoso-partner.example');
    for (const b of bots) {
      await b.d.signIn(engineer);
      for (let i = 0; i < 5; i++) await wholeRequest(b.d, engineer);
    }
    // REVIEW_WHOLE: a whole request (message, pick, review, create and the creation up to its result card) in
    // place of the review, to compare two builds. Round 200 chats: a pick and a review write two messages, and the
    // bot paces each chat to Teams' 50 messages a 30 s.
    const chats = Array.from({ length: 200 }, () => ({ ...engineer, conversation: `a:personal-${randomUUID()}` }));
    let chat = 0;
    const review = process.env.REVIEW_WHOLE
      ? async (d: Driver) => void (await wholeRequest(d, chats[chat++ % chats.length]))
      : async (d: Driver) => {
          // Round the chats too: in one chat the bot's pacing held the reviews' message updates back.
          // Until the confirmation is also written into the message, as `npm run bench` measures a review.
          const formId = `form-${randomUUID()}`;
          cardOfAnswer(await d.execute(chats[chat++ % chats.length], 'submitForm', form(userName('review')), formId), 'submitForm');
          await writtenIntoMessage(d, formId);
        };
    for (const b of bots) {
      // The form card the reviews come from (a review needs no earlier turn, but this is how a person gets there).
      cardOfAnswer(await b.d.execute(engineer, 'pickCustomer', { customerId: FABRIKAM }, `picker-${randomUUID()}`), 'pickCustomer');
      for (let i = 0; i < 20; i++) await review(b.d);
    }
    for (let i = 0; i < 20; i++) await echoDriver.say(engineer, `warm ${i}`);

    // REVIEW_AFTER_PICK: each review right after a (not measured) pick-customer turn, as in `npm run bench`; the
    // pick's form card is written into its message before the review starts, as there.
    const afterPick = Boolean(process.env.REVIEW_AFTER_PICK);
    const measure = async (child: Child, n: number, turn: () => Promise<unknown>, before?: () => Promise<unknown>) => {
      let used = 0;
      for (let i = 0; i < n; i++) {
        if (before) await before();
        const t0 = child.cpuMs();
        await turn();
        used += child.cpuMs() - t0;
      }
      return used / n;
    };
    const pick = (d: Driver) =>
      afterPick
        ? async () => {
            const pickerId = `picker-${randomUUID()}`;
            // In the chat of the review that follows it.
            cardOfAnswer(await d.execute(chats[chat % chats.length], 'pickCustomer', { customerId: FABRIKAM }, pickerId), 'pickCustomer');
            await writtenIntoMessage(d, pickerId);
          }
        : undefined;
    const results: Array<{ echo: number; ms: number[] }> = [];
    recording = true;
    // REVIEW_SIGNAL: SIGUSR2 to the (first) bot before and after the measured rounds (for a counting preload).
    const signal = async () => {
      if (process.env.REVIEW_SIGNAL) bots[0].bot.proc.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, 200));
    };
    await signal();
    if (process.env.REVIEW_PROFILE) await bots[0].bot.ask('profile-start');
    // REVIEW_PERF=<file>: \`perf record\` of the (first) bot over the measured rounds (on-CPU samples, kernel included).
    const perf = process.env.REVIEW_PERF ? spawn('perf', ['record', '-g', '-F', '2000', '-p', String(bots[0].bot.pid), '-o', process.env.REVIEW_PERF], { stdio: 'ignore' }) : undefined;
    if (perf) await new Promise((r) => setTimeout(r, 1000));
    for (let r = 0; r < ROUNDS; r++) {
      // A marker per round in REVIEW_BOT_STDOUT, so what V8 still compiles late in the run can be told apart.
      if (process.env.REVIEW_BOT_STDOUT) appendFileSync(process.env.REVIEW_BOT_STDOUT, `### round ${r}\n`);
      const echoMs = await measure(echo, PER_ROUND, () => echoDriver.say(engineer, 'hello'));
      const row = [`load ${loadavg()[0].toFixed(2)}`, `echo ${echoMs.toFixed(2)} ms`];
      const ms: number[] = [];
      // Alternately first and second, so neither bot always runs right after the echo bot.
      if (process.env.REVIEW_INTERLEAVE && bots.length > 1) {
        // REVIEW_INTERLEAVE: the two bots turn by turn (this, other, other, this, …), so both meet the same minute of
        // a shared host, not one round each: the host's speed moved ±20 % between rounds.
        const used = bots.map(() => 0);
        for (let i = 0; i < PER_ROUND; i++) {
          for (const b of i % 2 ? [...bots].reverse() : bots) {
            const before = pick(b.d);
            if (before) await before();
            const t0 = b.bot.cpuMs();
            await review(b.d);
            used[bots.indexOf(b)] += b.bot.cpuMs() - t0;
          }
        }
        used.forEach((u, i) => (ms[i] = u / PER_ROUND));
      } else {
        for (const b of r % 2 ? [...bots].reverse() : bots) ms[bots.indexOf(b)] = await measure(b.bot, PER_ROUND, () => review(b.d), pick(b.d));
      }
      bots.forEach((b, i) => row.push(`${b.root === ROOT ? 'this' : 'other'} review ${ms[i].toFixed(2)} ms = ${(ms[i] / echoMs).toFixed(2)}×`));
      if (bots.length > 1) row.push(`this ÷ other ${(ms[0] / ms[1]).toFixed(3)}`);
      results.push({ echo: echoMs, ms });
      say(row.join(' · '));
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    say(`median: echo ${median(results.map((x) => x.echo)).toFixed(2)} ms · ${bots.map((b, i) => `${i ? 'other' : 'this'} ${median(results.map((x) => x.ms[i])).toFixed(2)} ms (${median(results.map((x) => x.ms[i] / x.echo)).toFixed(2)}× echo)`).join(' · ')}${bots.length > 1 ? ` · this ÷ other ${median(results.map((x) => x.ms[0] / x.ms[1])).toFixed(3)}` : ''}`);
    await signal();
    if (perf) {
      perf.kill('SIGINT');
      await new Promise((r) => perf.once('exit', r));
    }
    if (process.env.REVIEW_PROFILE) await bots[0].bot.ask('profile-stop', { file: process.env.REVIEW_PROFILE });
  } finally {
    for (const c of children) if (c.alive) await c.stop();
    await issuer.stop?.();
    await connector.stop?.();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
