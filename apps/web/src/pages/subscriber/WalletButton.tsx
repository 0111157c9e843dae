import { useLiveUpdates } from '../../api/subscriber';
import { useSession } from '../../api/session';
import { shortAddress } from '../../format/address';

/** The header's wallet: "Sign in with wallet", or the signed-in address shortened and Sign out; live updates while signed in. */
export function WalletButton() {
  const { session, signingIn, signIn, signOut, error, ended } = useSession();
  useLiveUpdates();
  if (session) {
    return (
      <div className="wallet">
        <span className="address" title={session.address} aria-label={`Signed in as ${session.address}`}>
          {shortAddress(session.address)}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </div>
    );
  }
  return (
    <div className="wallet">
      <button type="button" onClick={() => void signIn()} disabled={signingIn}>
        {signingIn ? 'Signing in…' : 'Sign in with wallet'}
      </button>
      {(error ?? ended) && (
        <p role="alert" className="wallet-message">
          {error ?? ended}
        </p>
      )}
    </div>
  );
}
