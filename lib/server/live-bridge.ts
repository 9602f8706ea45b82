import type { Server, Socket } from 'socket.io';
import { Events, flowRoom, type ClientToServerEvents, type ServerToClientEvents } from '../../engine/protocol';
import type { Engine } from '../../engine/runtime/engine';
import { SOCKET_RULES } from './auth/access';
import type { Accounts } from './auth/accounts';
import { credentialsOf } from './auth/gate';
import { hasRole, type Identity } from '../auth/roles';

type SocketData = { identity: Identity };
export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * The one bridge from the engine's in-process events to the browsers: a room per flow; stats go
 * only to rooms someone is in (the engine already paces them at STATS_INTERVAL_MS). A subscriber
 * gets a snapshot at once instead of waiting for the next tick.
 *
 * Access: the handshake carries the session cookie (or an API token in `auth.token`) and is refused
 * without a valid one; each event is checked against SOCKET_RULES; a socket whose session or token
 * ends (sign-out, role change, deletion) is disconnected.
 */
export function bridgeEngineToSockets(engine: Engine, io: LiveServer, accounts: Accounts): { notifyChanged(flowId: string): void } {
  io.use((socket, next) => {
    const { sessionToken } = credentialsOf(socket.request.headers);
    const bearer = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
    accounts
      .authenticate({ sessionToken, bearer })
      .then((identity) => {
        if (!identity) return next(new Error('sign in first'));
        socket.data.identity = identity;
        next();
      })
      .catch(() => next(new Error('the account store cannot be read right now')));
  });
  accounts.events.on('revoked', (ended) => {
    for (const socket of io.sockets.sockets.values()) if (ended(socket.data.identity)) socket.disconnect(true);
  });

  /** Whether the socket's role allows the event. */
  const allowed = (socket: LiveSocket, event: keyof typeof SOCKET_RULES) => hasRole(socket.data.identity.role, SOCKET_RULES[event]);

  io.on('connection', (socket) => {
    socket.on(Events.subscribe, (flowId) => {
      if (typeof flowId !== 'string' || !allowed(socket, 'subscribe')) return;
      void socket.join(flowRoom(flowId));
      if (engine.isLoaded(flowId)) socket.emit(Events.stats, engine.stats(flowId));
    });
    socket.on(Events.unsubscribe, (flowId) => {
      if (typeof flowId === 'string' && allowed(socket, 'unsubscribe')) void socket.leave(flowRoom(flowId));
    });
  });
  engine.events.on('stats', (stats) => {
    const room = flowRoom(stats.flowId);
    if (io.sockets.adapter.rooms.get(room)?.size) io.to(room).emit(Events.stats, stats);
  });
  return {
    notifyChanged: (flowId) => void io.to(flowRoom(flowId)).emit(Events.changed, { flowId }),
  };
}
