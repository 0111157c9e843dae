import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { LoginRefused, useLogin, useOperator } from '../../api/operations';

/** Only a path of this app is a place to go back to after signing in (never another origin). */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/operations');

/**
 * Operator sign-in: email and password; when the API answers that 2FA is on (401 naming `totp_code`), a code field
 * appears and the form is sent again with it. The API sets the session cookie; the app goes where it was asked to.
 */
export function OperatorLoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const me = useOperator();
  const login = useLogin();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);

  if (me.data && !login.isSuccess) return <SignedIn email={me.data.user.email} next={next} />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate(
      { email, password, ...(needsCode && code ? { totp_code: code.replace(/\s/g, '') } : {}) },
      {
        onSuccess: () => void navigate(next, { replace: true }),
        onError: (error) => {
          if (error instanceof LoginRefused && error.fields.includes('totp_code')) setNeedsCode(true);
        },
      },
    );
  };
  const refused = login.error instanceof LoginRefused ? login.error : null;
  const askingCode = refused?.fields.includes('totp_code') && !code;

  return (
    <>
      <h1>Operator sign-in</h1>
      <form className="login-form" onSubmit={submit} aria-describedby={login.isError ? 'login-error' : undefined}>
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {needsCode && (
          <label>
            Authentication code
            <input
              name="totp_code"
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              autoFocus
              aria-describedby="totp-help"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <span id="totp-help" className="meta">
              The 6 digits your authenticator app shows, or one of your recovery codes.
            </span>
          </label>
        )}
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {login.isError && (
          <p id="login-error" role="alert" className={askingCode ? 'meta' : 'error'}>
            {askingCode
              ? 'Two-factor authentication is on for this account: enter your code.'
              : refused
                ? `Sign-in refused: ${refused.messages.join('; ') || `the API answered ${refused.status}`}.`
                : 'The API did not answer.'}
          </p>
        )}
      </form>
    </>
  );
}

function SignedIn({ email, next }: { email: string; next: string }) {
  return (
    <>
      <h1>Operator sign-in</h1>
      <p>
        You are signed in as <strong>{email}</strong>. <Link to={next}>Continue</Link>, or log out from the header.
      </p>
    </>
  );
}
