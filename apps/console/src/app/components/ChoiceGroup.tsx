/** A fieldset of check boxes (any number) or radio buttons (one), each labelled with its value. */
export function ChoiceGroup<T extends string | number>(props: {
  legend: string;
  class?: string;
  kind: "checkbox" | "radio";
  name: string;
  values: readonly T[];
  checked: (value: T) => boolean;
  onChange: (value: T, checked: boolean) => void;
}) {
  return (
    <fieldset class={props.class}>
      <legend>{props.legend}</legend>
      {props.values.map((value) => (
        <label key={value} class="check">
          <input
            type={props.kind}
            name={props.name}
            value={value}
            checked={props.checked(value)}
            onChange={(e) => props.onChange(value, e.currentTarget.checked)}
          />
          {value}
        </label>
      ))}
    </fieldset>
  );
}
