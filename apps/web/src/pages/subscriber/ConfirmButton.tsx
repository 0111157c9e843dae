import { useId, useRef, type ReactNode } from 'react';

/**
 * A button whose action waits for a confirmation in a native modal <dialog> (focus trapped and restored by the
 * browser, Escape cancels): the question, then Cancel or the confirming button.
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  confirmLabel: string;
  children: ReactNode;
  onConfirm(): void;
  disabled?: boolean;
  danger?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = () => dialog.current?.close();
  return (
    <>
      <button
        type="button"
        className={props.danger ? 'danger' : undefined}
        disabled={props.disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {props.label}
      </button>
      <dialog ref={dialog} className="confirm" aria-labelledby={titleId}>
        <h2 id={titleId}>{props.title}</h2>
        <div>{props.children}</div>
        <div className="actions">
          <button type="button" onClick={close} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            className={props.danger ? 'danger' : undefined}
            onClick={() => {
              close();
              props.onConfirm();
            }}
          >
            {props.confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
