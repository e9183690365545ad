import { Link } from "../components/Link.js";
import { PageTitle } from "./PageTitle.js";

export function NotFoundPage({ path }: { path: string }) {
  return (
    <>
      <PageTitle title="Page not found" />
      <p>
        The console has no page at <code>{path}</code>. See the <Link href="/tasks">tasks</Link>.
      </p>
    </>
  );
}
