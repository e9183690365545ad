import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/**
 * A modal question (`<dialog>`): focus moves into it, Escape or Cancel closes it, and focus
 * returns to what opened it. `Cancel` has the focus, so Enter never confirms by accident.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) {
      opener.current = document.activeElement;
      element.showModal();
    } else if (!props.open && element.open) {
      element.close();
    }
  }, [props.open]);
  const close = () => {
    props.onCancel();
    (opener.current as HTMLElement | null)?.focus?.();
  };
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <h2 id="dialog-title">{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <div class="actions">
        {/* biome-ignore lint/a11y/noAutofocus: a dialog's safe choice takes the focus */}
        <button type="button" autoFocus onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          class={props.danger ? "danger" : "primary"}
          onClick={() => {
            props.onConfirm();
            (opener.current as HTMLElement | null)?.focus?.();
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
