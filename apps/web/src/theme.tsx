import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';
const STORAGE_KEY = 'conduit.theme';
const DARK = '(prefers-color-scheme: dark)';

/** Colours the charts draw with, per theme (the CSS variables of styles.css hold the same values for the page). */
export const CHART_COLOURS: Record<Theme, { text: string; grid: string; series: string[] }> = {
  light: { text: '#3b4252', grid: '#d8dee9', series: ['#1d4ed8', '#b45309', '#047857', '#9d174d'] },
  dark: { text: '#d8dee9', grid: '#3b4252', series: ['#93c5fd', '#fbbf24', '#6ee7b7', '#f9a8d4'] },
};

const ThemeContext = createContext<{ theme: Theme; choice: ThemeChoice; choose(choice: ThemeChoice): void }>({
  theme: 'light',
  choice: 'system',
  choose: () => undefined,
});

const subscribe = (onChange: () => void) => {
  const media = matchMedia(DARK);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
};

function storedChoice(): ThemeChoice {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** The theme: the reader's choice, or the system's (prefers-color-scheme, followed live); set on <html data-theme>. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const [choice, setChoice] = useState<ThemeChoice>(storedChoice);
  const systemDark = useSyncExternalStore(subscribe, () => matchMedia(DARK).matches);
  const theme: Theme = choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const choose = (next: ThemeChoice) => {
    if (next === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
    setChoice(next);
  };
  return <ThemeContext.Provider value={{ theme, choice, choose }}>{children}</ThemeContext.Provider>;
}

export const useTheme = () => useContext(ThemeContext);

/** The theme picker: a labelled select (System, Light, Dark). */
export function ThemePicker() {
  const { choice, choose } = useTheme();
  return (
    <label className="theme-picker">
      Theme{' '}
      <select value={choice} onChange={(e) => choose(e.target.value as ThemeChoice)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
