/**
 * The header the console's page sends with every call to `/api` and `/console`. A page of
 * another site cannot send it without a CORS preflight, which the server never grants, so a
 * request carrying it comes from the console's own page.
 */
export const CONSOLE_HEADER = "x-tasklane-console";
