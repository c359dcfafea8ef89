import { createHash } from 'node:crypto';
import type { CloudAdapter } from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication, ClaimsIdentity, ConnectorClient, ConnectorFactory, UserTokenClient } from 'botframework-connector';
import { BoundedMap } from '../core/bounded-map';
import { useFastConversations } from './fast-conversations';

/**
 * What the adapter redoes on every turn although the answer cannot have changed, kept (issue 16):
 *
 * 1. The verification of the inbound bearer token. The Bot Connector reuses one token for many activities (it is
 *    valid for an hour); botbuilder checked its RS256 signature, issuer, audience, lifetime, signing-key
 *    endorsement and `serviceurl` claim again for each. A token that passed that full check is remembered under
 *    the SHA-256 of the Authorization header together with the activity's channel and service URL (the two inputs
 *    of the check besides the token), never the token itself, and is accepted again only while: its `exp` has not
 *    passed (no clock tolerance here), at most five minutes since it was verified (a revoked signing key stops
 *    being honoured soon), and its claims still name this bot as audience and the Bot Connector as issuer. Anything
 *    else (an unknown, expired or failed token, an emulator or skill token) goes through the full check.
 * 2. The outbound clients a turn is given: botbuilder built a new ConnectorClient (and a UserTokenClient), each with
 *    its whole HTTP pipeline, for every turn and every proactive update. One per bot app id, service URL and
 *    audience is kept, as botbuilder's older BotFrameworkAdapter did; their credentials refresh their own tokens.
 *    Their message calls go out through fast-conversations.ts.
 */
export interface InboundAuthCacheOptions {
  /** The bot's app id: the only audience a remembered token may carry. */
  botId: string;
  /** The issuer the Bot Connector signs with (`ToBotFromChannelTokenIssuer`). */
  channelIssuer: string;
  now?: () => number;
  maxAgeMs?: number;
}

interface Verified {
  result: AuthenticateRequestResult;
  /** Epoch ms after which it is verified afresh: the earlier of `exp` and verification + maxAge. */
  until: number;
}

const claim = (identity: ClaimsIdentity, type: string): unknown => identity.claims.find((c) => c.type === type)?.value;

export function cacheInboundAuthentication(adapter: CloudAdapter, opts: InboundAuthCacheOptions): void {
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication }).botFrameworkAuthentication;
  const now = opts.now ?? Date.now;
  const maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
  const verified = new BoundedMap<string, Verified>(1_000);
  const clients = new BoundedMap<string, Promise<ConnectorClient>>(100);
  const tokenClients = new BoundedMap<string, Promise<UserTokenClient>>(10);

  /** A connector factory whose clients are shared by every turn of the same app id. */
  const sharedFactory = (appId: string, factory: ConnectorFactory): ConnectorFactory => {
    const create = factory.create.bind(factory);
    return Object.assign(Object.create(factory) as ConnectorFactory, {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const key = `${appId}\n${serviceUrl}\n${audience ?? ''}`;
        let client = clients.get(key);
        if (!client) {
          // Sends, replies, updates and new conversations skip the azure pipeline (fast-conversations.ts).
          client = create(serviceUrl, audience).then((c) => useFastConversations(c));
          clients.set(key, client);
          client.catch(() => clients.delete(key));
        }
        return client;
      },
    });
  };
  const appIdOf = (identity: ClaimsIdentity) => String(claim(identity, 'aud') ?? claim(identity, 'appid') ?? '');

  const authenticateRequest = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const key = createHash('sha256').update(`${authHeader}\n${activity.channelId ?? ''}\n${activity.serviceUrl ?? ''}`).digest('base64');
    const known = verified.get(key);
    if (known) {
      const identity = known.result.claimsIdentity;
      if (now() < known.until && claim(identity, 'aud') === opts.botId && claim(identity, 'iss') === opts.channelIssuer) return known.result;
      verified.delete(key);
    }
    const result = await authenticateRequest(activity, authHeader);
    const identity = result.claimsIdentity;
    const exp = Number(claim(identity, 'exp'));
    const fresh = { ...result, connectorFactory: result.connectorFactory && sharedFactory(appIdOf(identity), result.connectorFactory) };
    // Only what the Bot Connector signed for this bot is remembered.
    if (opts.botId && claim(identity, 'aud') === opts.botId && claim(identity, 'iss') === opts.channelIssuer && Number.isFinite(exp)) {
      verified.set(key, { result: fresh, until: Math.min(exp * 1000, now() + maxAgeMs) });
    }
    return fresh;
  };

  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (identity) => sharedFactory(appIdOf(identity), createConnectorFactory(identity));

  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.createUserTokenClient = (identity) => {
    const key = appIdOf(identity);
    let client = tokenClients.get(key);
    if (!client) {
      client = createUserTokenClient(identity);
      tokenClients.set(key, client);
      client.catch(() => tokenClients.delete(key));
    }
    return client;
  };
}
