/** A button of an action bar: `none` when there is nothing for it to act on. */
export interface ActionButton {
  name: string;
  label: string;
  class?: "primary" | "danger";
  none: boolean;
  act: () => unknown;
}

/** A row of action buttons, all disabled while one of their actions runs (`busy`). */
export function ActionButtons(props: {
  buttons: readonly ActionButton[];
  busy: boolean;
  class?: string;
}) {
  return (
    <div class={props.class ? `actions ${props.class}` : "actions"}>
      {props.buttons.map((button) => (
        <button
          key={button.name}
          type="button"
          class={button.class}
          disabled={props.busy || button.none}
          onClick={button.act}
        >
          {button.label}
        </button>
      ))}
    </div>
  );
}
