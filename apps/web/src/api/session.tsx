import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError } from './client';

/** An injected EIP-1193 wallet (MetaMask and the like): the part of `window.ethereum` sign-in uses. */
interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** The signed-in wallet: its bearer token lives here, in memory only (never in localStorage: a reload signs out). */
export interface Session {
  address: string;
  token: string;
  expiresAt: string;
}

interface SessionState {
  session: Session | null;
  /** Why the last session ended when the API refused it (an expired token), until the next sign-in. */
  ended: string | null;
  signingIn: boolean;
  error: string | null;
  signIn(): Promise<void>;
  signOut(): void;
  /** The API answered 401 to this session's token: forget it and ask to sign in again. */
  expire(): void;
}

const SessionContext = createContext<SessionState | null>(null);

async function walletSignIn(): Promise<Session> {
  const ethereum = (window as { ethereum?: Eip1193 }).ethereum;
  if (!ethereum) throw new Error('No wallet found in this browser: install one (MetaMask, Rabby…) to sign in.');
  const accounts = (await ethereum.request({ method: 'eth_requestAccounts' })) as string[];
  if (!accounts?.length) throw new Error('The wallet shared no account.');
  const nonce = await api.GET('/api/v3/auth/nonce');
  if (!nonce.data) throw ApiError.of(nonce.response, nonce.error);
  const { signInMessage, utf8Hex } = await import('./siwe-message');
  const message = signInMessage(accounts[0], nonce.data.nonce);
  const signature = (await ethereum.request({ method: 'personal_sign', params: [utf8Hex(message), accounts[0]] })) as string;
  const verified = await api.POST('/api/v3/auth/verify', { body: { message, signature } });
  if (!verified.data) throw ApiError.of(verified.response, verified.error);
  return { address: verified.data.address, token: verified.data.token, expiresAt: verified.data.expires_at };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [ended, setEnded] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const signIn = useCallback(async () => {
    setSigningIn(true);
    setError(null);
    try {
      setSession(await walletSignIn());
      setEnded(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.messages.join('; ') || e.message : (e as Error).message);
    } finally {
      setSigningIn(false);
    }
  }, []);
  const signOut = useCallback(() => {
    setSession((s) => {
      if (s) void api.POST('/api/v3/auth/logout', { headers: { authorization: `Bearer ${s.token}` } }).catch(() => undefined);
      return null;
    });
  }, []);
  const expire = useCallback(() => {
    setSession(null);
    setEnded('Your session has ended. Sign in again to continue.');
  }, []);

  const value = useMemo(
    () => ({ session, ended, signingIn, error, signIn, signOut, expire }),
    [session, ended, signingIn, error, signIn, signOut, expire],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
