import type { Server } from 'socket.io';
import { Events, flowRoom, type ClientToServerEvents, type ServerToClientEvents } from '../../engine/protocol';
import type { Engine } from '../../engine/runtime/engine';

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents>;

/**
 * The one bridge from the engine's in-process events to the browsers: a room per flow; stats go
 * only to rooms someone is in (the engine already paces them at STATS_INTERVAL_MS). A subscriber
 * gets a snapshot at once instead of waiting for the next tick.
 */
export function bridgeEngineToSockets(engine: Engine, io: LiveServer): { notifyChanged(flowId: string): void } {
  io.on('connection', (socket) => {
    socket.on(Events.subscribe, (flowId) => {
      if (typeof flowId !== 'string') return;
      void socket.join(flowRoom(flowId));
      if (engine.isLoaded(flowId)) socket.emit(Events.stats, engine.stats(flowId));
    });
    socket.on(Events.unsubscribe, (flowId) => {
      if (typeof flowId === 'string') void socket.leave(flowRoom(flowId));
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
