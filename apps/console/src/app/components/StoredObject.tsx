import { formatBytes } from "../format.js";
import type { ObjectLocation } from "../model/types.js";

/** Where a large input or output is kept, in place of the JSON the API did not return. */
export function StoredObject({ location }: { location: ObjectLocation }) {
  return (
    <p>
      Stored in S3:{" "}
      <code>
        s3://{location.bucket}/{location.key}
      </code>{" "}
      ({formatBytes(location.bytes)}).
    </p>
  );
}
