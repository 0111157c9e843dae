import { Link, Route, Routes } from 'react-router';
import { LeaderboardPage } from './pages/LeaderboardPage';
// subscriber: the signed-in wallet
import { MePage } from './pages/subscriber/MePage';
import { WalletButton } from './pages/subscriber/WalletButton';
import { AgentPage } from './pages/agent/AgentPage';
import { SignalJourneyPage } from './pages/agent/SignalJourneyPage';
// operations: operator sign-in, operations, audit, reports, wallets
import { AuditPage } from './pages/operations/AuditPage';
import { OperationsPage } from './pages/operations/OperationsPage';
import { OperatorLoginPage } from './pages/operations/OperatorLoginPage';
import { OperatorStatus } from './pages/operations/OperatorStatus';
import { ReportPage } from './pages/reports/ReportPage';
import { ReportsPage } from './pages/reports/ReportsPage';
import { WalletsPage } from './pages/wallets/WalletsPage';
// end operations
import { ThemePicker } from './theme';

/** The shell: a skip link, the header (name, pages, theme) and the page the path names. */
export function App() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          Conduit
        </Link>
        <nav aria-label="Pages">
          <Link to="/">Leaderboard</Link>
          {/* subscriber: the signed-in wallet's page */}
          <Link to="/me">My deployments</Link>
          {/* operations: operator pages and wallet intelligence */}
          <Link to="/operations">Operations</Link>
          <Link to="/reports">Reports</Link>
          <Link to="/wallets">Wallets</Link>
          {/* end operations */}
        </nav>
        {/* subscriber: wallet sign-in */}
        <WalletButton />
        {/* operations: who is signed in, logout */}
        <OperatorStatus />
        {/* end operations */}
        <ThemePicker />
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<LeaderboardPage />} />
          {/* subscriber: the signed-in wallet */}
          <Route path="/me" element={<MePage />} />
          {/* agent: an agent's public record and a signal's journey (pages/agent/) */}
          <Route path="/agents/:id" element={<AgentPage />} />
          <Route path="/signals/:id" element={<SignalJourneyPage />} />
          {/* end agent */}
          {/* operations: operator sign-in, the operator-only pages, wallet intelligence */}
          <Route path="/operators/login" element={<OperatorLoginPage />} />
          <Route path="/operations" element={<OperationsPage />} />
          <Route path="/operations/audit" element={<AuditPage />} />
          <Route path="/reports" element={<ReportsPage />} />
          <Route path="/reports/:id" element={<ReportPage />} />
          <Route path="/wallets" element={<WalletsPage />} />
          {/* end operations */}
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the leaderboard</Link>
      </p>
    </>
  );
}
