import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Schemas } from './client';

export type StreamNotification = Schemas['StreamNotificationEvent'];

/** How many of the latest notifications the operations page keeps on screen. */
export const KEPT = 10;

/**
 * The signed-in operator's live events (GET /api/v3/stream: a same-origin EventSource sends the session cookie): each
 * notification written for the operator, newest first (at most KEPT), and every operator query refreshed on it —
 * a venue going down or a service failing shows without a reload. Closed when the page goes or the session ends.
 */
export function useOperatorStream(enabled: boolean): { live: boolean; notifications: StreamNotification[] } {
  const queries = useQueryClient();
  const [live, setLive] = useState(false);
  const [notifications, setNotifications] = useState<StreamNotification[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource('/api/v3/stream');
    const refresh = () => void queries.invalidateQueries({ queryKey: ['ops'] });
    source.addEventListener('ready', () => setLive(true));
    source.addEventListener('notification', (e) => {
      const n = JSON.parse((e as MessageEvent<string>).data) as StreamNotification;
      setNotifications((kept) => (kept.some((k) => k.id === n.id) ? kept : [n, ...kept].slice(0, KEPT)));
      refresh();
    });
    source.addEventListener('expired', () => {
      source.close();
      setLive(false);
      void queries.invalidateQueries({ queryKey: ['operator'] });
    });
    source.onerror = () => setLive(source.readyState === EventSource.OPEN);
    return () => {
      source.close();
      setLive(false);
    };
  }, [enabled, queries]);
  return { live, notifications };
}
