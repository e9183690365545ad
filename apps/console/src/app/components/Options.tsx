/** A select's options, one a choice; a plain string is its own label. */
export function Options(props: {
  choices: readonly (string | { readonly value: string; readonly label: string })[];
}) {
  return (
    <>
      {props.choices.map((choice) => {
        const { value, label } =
          typeof choice === "string" ? { value: choice, label: choice } : choice;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </>
  );
}
