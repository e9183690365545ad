import "./styles.css";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { get } from "./api.js";
import { Layout } from "./components/Layout.js";
import type { ConsoleTargetInfo } from "./model/types.js";
import { DeadLettersPage } from "./pages/DeadLettersPage.js";
import { NotFoundPage } from "./pages/NotFoundPage.js";
import { OverviewPage } from "./pages/OverviewPage.js";
import { SubmitPage } from "./pages/SubmitPage.js";
import { TaskPage } from "./pages/TaskPage.js";
import { TasksPage } from "./pages/TasksPage.js";
import { navigate, useLocation } from "./router.js";

const TASK_PATH = /^\/tasks\/([^/]+)$/;

function App() {
  const location = useLocation();
  const [target, setTarget] = useState<ConsoleTargetInfo>();
  const firstPath = useRef(location.path);

  useEffect(() => {
    get<ConsoleTargetInfo>("/console/target")
      .then(setTarget)
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (location.path === "/") navigate("/tasks", { replace: true });
  }, [location.path]);
  // After a navigation (not on the first load), focus the new page's heading, as a page load
  // would, so a screen reader says where it is.
  useEffect(() => {
    if (location.path === firstPath.current) return;
    firstPath.current = "";
    document.querySelector<HTMLElement>("main h1")?.focus();
  }, [location.path]);

  const taskId = TASK_PATH.exec(location.path)?.[1];
  let page: preact.JSX.Element;
  if (taskId) page = <TaskPage id={decodeURIComponent(taskId)} />;
  else if (location.path === "/tasks" || location.path === "/")
    page = <TasksPage query={location.query} />;
  else if (location.path === "/submit") page = <SubmitPage query={location.query} />;
  else if (location.path === "/dead-letters") page = <DeadLettersPage />;
  else if (location.path === "/overview") page = <OverviewPage />;
  else page = <NotFoundPage path={location.path} />;

  return (
    <Layout path={location.path} target={target}>
      {page}
    </Layout>
  );
}

const root = document.getElementById("root");
if (root) render(<App />, root);
