import { lazy, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
// Each page is its own chunk, fetched when its path is first opened: the shell (header, router, query cache) loads
// alone, and ECharts, lightweight-charts and the markdown renderer only with the pages that draw with them.
const page = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));
const LeaderboardPage = page(() => import('./pages/LeaderboardPage'), 'LeaderboardPage');
// subscriber: the signed-in wallet
const MePage = page(() => import('./pages/subscriber/MePage'), 'MePage');
import { WalletButton } from './pages/subscriber/WalletButton';
const AgentPage = page(() => import('./pages/agent/AgentPage'), 'AgentPage');
const SignalJourneyPage = page(() => import('./pages/agent/SignalJourneyPage'), 'SignalJourneyPage');
// operations: operator sign-in, operations, audit, reports, wallets
const AuditPage = page(() => import('./pages/operations/AuditPage'), 'AuditPage');
const OperationsPage = page(() => import('./pages/operations/OperationsPage'), 'OperationsPage');
const OperatorLoginPage = page(() => import('./pages/operations/OperatorLoginPage'), 'OperatorLoginPage');
import { OperatorStatus } from './pages/operations/OperatorStatus';
const ReportPage = page(() => import('./pages/reports/ReportPage'), 'ReportPage');
const ReportsPage = page(() => import('./pages/reports/ReportsPage'), 'ReportsPage');
const WalletsPage = page(() => import('./pages/wallets/WalletsPage'), 'WalletsPage');
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
        <Suspense
          fallback={
            <p className="muted" role="status">
              Loading…
            </p>
          }
        >
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
        </Suspense>
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
