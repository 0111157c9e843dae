import { Link, useLocation, useNavigate } from 'react-router';
import { useLogout, useOperator } from '../../api/operations';

/** The paths whose pages ask who is signed in anyway (the operator pages and the sign-in). */
const OPERATOR_PATHS = /^\/(operations|reports|operators)(\/|$)/;

/**
 * The header's operator corner: who is signed in and a logout button, or a sign-in link. It asks the API only on the
 * operator pages; elsewhere it shows what is known already (a public page's first load shows the sign-in link).
 */
export function OperatorStatus() {
  const me = useOperator(OPERATOR_PATHS.test(useLocation().pathname));
  const logout = useLogout();
  const navigate = useNavigate();
  if (me.isError || (me.isPending && me.fetchStatus === 'fetching')) return null;
  if (!me.data)
    return (
      <Link className="operator-status" to="/operators/login">
        Operator sign-in
      </Link>
    );
  return (
    <div className="operator-status">
      <span>
        Signed in as <strong>{me.data.user.email}</strong> ({me.data.user.role})
      </span>{' '}
      <button
        type="button"
        disabled={logout.isPending}
        onClick={() => logout.mutate(undefined, { onSuccess: () => void navigate('/operators/login') })}
      >
        Log out
      </button>
    </div>
  );
}
