import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { useMyActions, useNotificationSettings, type NotificationSettings } from '../../api/subscriber';

/** GET|PUT /notifications/settings: the events to be told of, and the email and Telegram channels (a webhook is kept as set). */
export function NotificationsForm() {
  const settings = useNotificationSettings();
  if (settings.isPending) return <p>Loading the notification settings…</p>;
  if (settings.isError) return <p role="alert">Could not load the notification settings: {settings.error.message}</p>;
  return <Form current={settings.data} />;
}

function Form({ current }: { current: NotificationSettings }) {
  const { saveNotifications } = useMyActions();
  const { channels } = current.settings;
  const [events, setEvents] = useState<string[]>(current.settings.events);
  const [email, setEmail] = useState({ enabled: channels.email.enabled, address: channels.email.address ?? '' });
  const [telegram, setTelegram] = useState({ enabled: channels.telegram.enabled, chat_id: channels.telegram.chat_id ?? '' });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    saveNotifications.mutate(
      {
        events: events as NotificationSettings['settings']['events'],
        channels: {
          ...(email.address ? { email } : {}),
          ...(telegram.chat_id ? { telegram } : {}),
          ...(channels.webhook.url ? { webhook: { enabled: channels.webhook.enabled, url: channels.webhook.url } } : {}),
        },
      },
      {
        onSuccess: () => setMessage({ ok: true, text: 'Notification settings saved.' }),
        onError: (err) => setMessage({ ok: false, text: err instanceof ApiError ? err.messages.join('; ') || err.message : err.message }),
      },
    );
  }

  return (
    <form className="notifications" onSubmit={submit} aria-label="Notification settings">
      <fieldset>
        <legend>Events</legend>
        <div className="checks">
          {current.available.events.map((event) => (
            <label key={event}>
              <input
                type="checkbox"
                checked={events.includes(event)}
                onChange={(e) => setEvents((list) => (e.target.checked ? [...list, event] : list.filter((x) => x !== event)))}
              />
              {event}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Channels</legend>
        <label>
          <input type="checkbox" checked={email.enabled} onChange={(e) => setEmail({ ...email, enabled: e.target.checked })} />
          Email
        </label>
        <label>
          Email address
          <input type="email" value={email.address} onChange={(e) => setEmail({ ...email, address: e.target.value })} />
        </label>
        <label>
          <input type="checkbox" checked={telegram.enabled} onChange={(e) => setTelegram({ ...telegram, enabled: e.target.checked })} />
          Telegram
        </label>
        <label>
          Telegram chat id
          <input value={telegram.chat_id} onChange={(e) => setTelegram({ ...telegram, chat_id: e.target.value })} />
        </label>
        <p className="muted">
          Webhook: {channels.webhook.url ? `${channels.webhook.enabled ? 'on' : 'off'}, ${channels.webhook.url}` : 'not set'}
        </p>
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={saveNotifications.isPending}>
          Save notification settings
        </button>
        <span role={message && !message.ok ? 'alert' : 'status'}>{message?.text ?? ''}</span>
      </div>
    </form>
  );
}
