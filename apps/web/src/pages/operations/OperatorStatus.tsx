import './operations.css';
import { Link, useNavigate } from 'react-router';
import { useLogout, useOperator } from '../../api/operations';

/** The header's operator corner: who is signed in and a logout button, or a sign-in link. */
export function OperatorStatus() {
  const me = useOperator();
  const logout = useLogout();
  const navigate = useNavigate();
  if (me.isPending || me.isError) return null;
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
