'use client';

import { useEffect } from 'react';
import { io, type Socket } from 'socket.io-client';
import { Events, type ClientToServerEvents, type ServerToClientEvents } from '@/engine/protocol';
import { useEditorStoreApi } from './store-context';

/** Coalesce bursts of `changed` (one per mutation, several per drag of a selection) into one GET. */
const REFETCH_DELAY_MS = 150;

/**
 * The live channel of one flow: joins the flow's room on every (re)connection, writes stats into the
 * editor store and refetches the graph when anyone changes it.
 */
export function useLiveStats(flowId: string): void {
  const store = useEditorStoreApi();

  useEffect(() => {
    const { setStats, setLive, load } = store.getState().actions;
    // Same origin, default path: the custom server hosts Next and socket.io together.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io();
    let refetch: ReturnType<typeof setTimeout> | undefined;
    let connectedBefore = false;

    const scheduleRefetch = () => {
      clearTimeout(refetch);
      refetch = setTimeout(() => void load(), REFETCH_DELAY_MS);
    };

    setLive('connecting');
    socket.on('connect', () => {
      // Rooms do not survive a reconnect: subscribe every time.
      socket.emit(Events.subscribe, flowId);
      setLive('live');
      // Changes made while we were away produced no `changed` event for us.
      if (connectedBefore) scheduleRefetch();
      connectedBefore = true;
    });
    socket.on('disconnect', () => setLive('offline'));
    socket.on('connect_error', () => setLive('offline'));
    socket.on(Events.stats, (stats) => setStats(stats));
    socket.on(Events.changed, (change) => {
      if (change.flowId === flowId) scheduleRefetch();
    });

    return () => {
      clearTimeout(refetch);
      if (socket.connected) socket.emit(Events.unsubscribe, flowId);
      socket.disconnect();
    };
  }, [store, flowId]);
}
