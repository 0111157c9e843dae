import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError } from '../../api/client';
import { useOperator } from '../../api/operations';

/**
 * An operator-only page: its content once GET /api/v3/operators/me knows the operator, otherwise a prompt to sign in
 * (that comes back here). The content's own queries start only then, so a signed-out reader causes no 401s but /me's.
 */
export function OperatorGate({ title, children }: { title: string; children: ReactNode }) {
  const me = useOperator();
  const here = useLocation();
  if (me.isPending)
    return (
      <>
        <h1>{title}</h1>
        <p role="status">Checking your operator session…</p>
      </>
    );
  if (me.isError)
    return (
      <>
        <h1>{title}</h1>
        <p role="alert" className="error">
          Your session could not be checked: {me.error instanceof ApiError ? me.error.message : 'the API did not answer'}.
        </p>
      </>
    );
  if (!me.data)
    return (
      <>
        <h1>{title}</h1>
        <p className="signin-prompt">
          This page is for operators.{' '}
          <Link to={`/operators/login?next=${encodeURIComponent(here.pathname + here.search)}`}>Sign in as an operator</Link> to see it.
        </p>
      </>
    );
  return <>{children}</>;
}
