import type { ComponentProps } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

/**
 * A report's markdown (GitHub-flavoured: tables, strikethrough, task lists). Raw HTML in it is never rendered
 * (react-markdown drops it without rehype-raw, and skipHtml makes that explicit); headings move one level down under
 * the page's own h1; a table scrolls inside its own focusable region, so a phone's page never scrolls sideways.
 */
const shift: Components = {
  h1: (p) => <h2 {...strip(p)} />,
  h2: (p) => <h3 {...strip(p)} />,
  h3: (p) => <h4 {...strip(p)} />,
  h4: (p) => <h5 {...strip(p)} />,
  h5: (p) => <h6 {...strip(p)} />,
  table: (p) => (
    <div className="table-scroll" role="region" aria-label="Report table" tabIndex={0}>
      <table {...strip(p)} />
    </div>
  ),
};

/** react-markdown passes its AST node along; it is not a DOM attribute. */
function strip<T extends { node?: unknown }>({ node: _node, ...rest }: T): Omit<T, 'node'> {
  return rest;
}

export function ReportMarkdown({ markdown, ...rest }: { markdown: string } & Omit<ComponentProps<'div'>, 'children'>) {
  return (
    <div className="report-markdown" {...rest}>
      <Markdown remarkPlugins={[remarkGfm]} skipHtml components={shift}>
        {markdown}
      </Markdown>
    </div>
  );
}
