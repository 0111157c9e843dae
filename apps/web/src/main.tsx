import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { SessionProvider } from './api/session';
import { ThemeProvider } from './theme';
// Every style sheet here, in one file and this order (the pages' before the base), so the cascade does not depend
// on which page's chunk loaded first.
import './components/pager.css';
import './pages/subscriber/subscriber.css';
import './pages/agent/agent.css';
import './pages/operations/operations.css';
import './pages/wallets/wallets.css';
import './styles.css';

const queries = new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <ThemeProvider>
        <SessionProvider>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </SessionProvider>
      </ThemeProvider>
    </QueryClientProvider>
  </StrictMode>,
);
