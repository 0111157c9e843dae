import { Link, Route, Routes } from 'react-router';
import { LeaderboardPage } from './pages/LeaderboardPage';
// subscriber: the signed-in wallet
import { MePage } from './pages/subscriber/MePage';
import { WalletButton } from './pages/subscriber/WalletButton';
import { AgentPage } from './pages/agent/AgentPage';
import { SignalJourneyPage } from './pages/agent/SignalJourneyPage';
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
        </nav>
        {/* subscriber: wallet sign-in */}
        <WalletButton />
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
