import { useMyDeployments } from '../../api/subscriber';
import { useSession } from '../../api/session';
import { DeploymentPanel } from './DeploymentPanel';
import { NotificationsForm } from './NotificationsForm';

/** /me: the signed-in wallet's deployments (positions, actions, policy, bills) and its notification settings. */
export function MePage() {
  const { session, signIn, signingIn } = useSession();
  if (!session) {
    return (
      <>
        <h1>My deployments</h1>
        <p>Sign in with your wallet to see your deployments, their positions and bills.</p>
        <button type="button" onClick={() => void signIn()} disabled={signingIn}>
          Sign in with wallet
        </button>
      </>
    );
  }
  return (
    <>
      <h1>My deployments</h1>
      <Deployments />
      <section className="settings" aria-labelledby="notification-settings">
        <h2 id="notification-settings">Notification settings</h2>
        <NotificationsForm />
      </section>
    </>
  );
}

function Deployments() {
  const deployments = useMyDeployments();
  if (deployments.isPending) return <p>Loading your deployments…</p>;
  if (deployments.isError) return <p role="alert">Could not load your deployments: {deployments.error.message}</p>;
  if (!deployments.data.length) return <p>No deployment yet: subscribe to an agent from the leaderboard.</p>;
  return (
    <>
      {deployments.data.map((d) => (
        <DeploymentPanel key={d.id} deployment={d} />
      ))}
    </>
  );
}
